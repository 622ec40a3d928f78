{#- HubSpot's opportunities: none read yet (deals are issue 13's next step). -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as opportunity_id,
        cast(null as {{ dbt.type_string() }}) as source_system,
        cast(null as {{ dbt.type_string() }}) as opportunity_name,
        cast(null as {{ dbt.type_string() }}) as account_id,
        cast(null as {{ dbt.type_string() }}) as owner_id,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as stage_name,
        cast(null as {{ dbt.type_numeric() }}) as amount,
        cast(null as {{ dbt.type_string() }}) as currency_code,
        cast(null as boolean) as is_closed,
        cast(null as boolean) as is_won,
        cast(null as {{ dbt.type_timestamp() }}) as created_at,
        cast(null as date) as close_date,
        cast(null as {{ dbt.type_bigint() }}) as stage_change_count,
        cast(null as {{ dbt.type_bigint() }}) as stages_reached_count,
        cast(null as {{ dbt.type_string() }}) as stage_path,
        cast(null as {{ dbt.type_timestamp() }}) as last_stage_change_at,
        cast(null as boolean) as is_deleted,
        cast(null as {{ dbt.type_timestamp() }}) as extracted_at
    where false

)

select * from final
