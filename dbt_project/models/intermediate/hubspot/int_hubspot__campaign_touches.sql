{#- HubSpot's campaign touches: a contact's original campaign (`hs_analytics_source_data_1`,
    a campaign named, not an id), touched when the contact was created. -#}
with

contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

final as (

    select
        'hubspot_contact:' || hubspot_contact_id as source_record_key,
        cast(null as {{ dbt.type_string() }}) as campaign_id,
        original_campaign_name as campaign_name,
        created_at as touched_at,
        'original_campaign' as touch_kind,
        is_deleted
    from contacts
    where original_campaign_name is not null

)

select * from final
