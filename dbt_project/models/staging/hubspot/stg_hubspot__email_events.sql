with

source as (

    select * from {{ source('raw_hubspot', 'email_events') }}

),

renamed as (

    select
        id as email_event_id,
        {{ json_text('record', 'type') }} as event_type,
        {{ json_text('record', 'recipient') }} as recipient_email,
        {{ json_text('record', 'emailCampaignId') }} as email_campaign_id,
        {{ json_text('record', 'sentBy', 'id') }} as sent_event_id,
        {{ json_text('record', 'url') }} as clicked_url,
        is_deleted,
        {{ epoch_ms_to_timestamp(json_text('record', 'created')) }} as occurred_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
