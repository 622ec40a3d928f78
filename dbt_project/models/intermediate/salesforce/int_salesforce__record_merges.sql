{#- Salesforce merges: none read yet (a merged-away Lead or Contact is deleted, and deleted
    records make no people). -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as merged_record_key,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as merged_record_id,
        cast(null as {{ dbt.type_string() }}) as survivor_record_key,
        cast(null as {{ dbt.type_string() }}) as survivor_record_id
    where false

)

select * from final
