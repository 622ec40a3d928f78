with

source as (

    select * from {{ source('raw_salesforce', 'campaign_member') }}

),

renamed as (

    select
        id as salesforce_campaign_member_id,
        {{ json_text('record', 'CampaignId') }} as salesforce_campaign_id,
        {{ json_text('record', 'LeadId') }} as salesforce_lead_id,
        {{ json_text('record', 'ContactId') }} as salesforce_contact_id,
        {{ json_text('record', 'Status') }} as member_status,
        cast({{ json_text('record', 'HasResponded') }} as boolean) as has_responded,
        cast({{ json_text('record', 'FirstRespondedDate') }} as date) as first_responded_date,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
