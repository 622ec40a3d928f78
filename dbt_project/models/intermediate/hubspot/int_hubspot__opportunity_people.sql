{#- Which HubSpot contacts each opportunity names: none read yet (deal associations are issue
    13's next step). -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as source_record_key,
        cast(null as {{ dbt.type_string() }}) as linked_via,
        cast(null as boolean) as is_primary_contact_role,
        cast(null as boolean) as is_deleted
    where false

)

select * from final
