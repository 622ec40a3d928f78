{#- HubSpot's campaigns, for a stack whose campaign source is HubSpot (campaign_sources): HubSpot
    keeps no campaign object with members and cost, so a campaign is the UTM campaign a contact's
    original source names (hs_analytics_source_data_1), else the form of its first conversion
    (first_conversion_event_name); it starts on the day its first contact named it and has no
    cost. See int_hubspot__campaign_touches. -#}
with

touches as (

    select * from {{ ref('int_hubspot__campaign_touches') }}

),

final as (

    select
        campaign_id,
        min(campaign_name) as campaign_name,
        min(touch_kind) as campaign_type,
        cast(min(touched_at) as date) as start_date,
        cast(null as {{ dbt.type_numeric() }}) as campaign_cost,
        false as is_deleted
    from touches
    where not is_deleted
    group by campaign_id

)

select * from final
