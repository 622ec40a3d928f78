{#- HubSpot's campaigns: none read yet (a contact's original campaign names a campaign of the
    campaign sources, see int_hubspot__campaign_touches). -#}
with

final as (

    select
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        cast(null as {{ dbt.type_string() }}) as campaign_name,
        cast(null as {{ dbt.type_string() }}) as campaign_type,
        cast(null as date) as start_date,
        cast(null as {{ dbt.type_numeric() }}) as campaign_cost,
        cast(null as boolean) as is_deleted
    where false

)

select * from final
