{#- HubSpot's campaign touches: each contact touched by the campaign its original source names
    (the UTM campaign, hs_analytics_source_data_1) at its creation, else by the form of its first
    conversion (first_conversion_event_name) at first_conversion_date. Keyed by kind and name
    (utm_campaign:<name>, form:<name>), the campaigns int_hubspot__campaigns lists. -#}
with

contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}

),

named as (

    select
        hubspot_contact_id,
        original_campaign_name,
        {{ json_text('property_values', 'first_conversion_event_name') }} as first_conversion_form,
        {{ to_utc_timestamp(json_text('property_values', 'first_conversion_date')) }}
            as first_conversion_at,
        created_at,
        is_deleted
    from contacts

),

final as (

    select
        'hubspot_contact:' || hubspot_contact_id as source_record_key,
        case
            when original_campaign_name is not null
                then 'utm_campaign:' || original_campaign_name
            else 'form:' || first_conversion_form
        end as campaign_id,
        coalesce(original_campaign_name, first_conversion_form) as campaign_name,
        case
            when original_campaign_name is not null then created_at
            else coalesce(first_conversion_at, created_at)
        end as touched_at,
        case
            when original_campaign_name is not null then 'utm_campaign'
            else 'form'
        end as touch_kind,
        is_deleted
    from named
    where original_campaign_name is not null or first_conversion_form is not null

)

select * from final
