{#- HubSpot's sales touches: none read yet (the calls, e-mails, meetings and tasks reps log in
    HubSpot are issue 13's next step). -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as sales_touch_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as record_system,
        cast(null as {{ dbt.type_string() }}) as record_id,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_timestamp() }}) as touched_at,
        cast(null as {{ dbt.type_string() }}) as touch_kind,
        cast(null as {{ dbt.type_string() }}) as subject,
        cast(null as boolean) as is_deleted,
        cast(null as {{ dbt.type_timestamp() }}) as extracted_at
    where false

)

select * from final
