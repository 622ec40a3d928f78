with

source as (

    select * from {{ source('raw_salesforce', 'opportunity') }}

),

renamed as (

    select
        id as salesforce_opportunity_id,
        {{ json_text('record', 'Name') }} as opportunity_name,
        {{ json_text('record', 'AccountId') }} as salesforce_account_id,
        {{ json_text('record', 'StageName') }} as stage_name,
        cast({{ json_text('record', 'Amount') }} as {{ dbt.type_numeric() }}) as amount,
        cast({{ json_text('record', 'CloseDate') }} as date) as close_date,
        cast({{ json_text('record', 'IsClosed') }} as boolean) as is_closed,
        cast({{ json_text('record', 'IsWon') }} as boolean) as is_won,
        cast({{ json_text('record', 'Probability') }} as {{ dbt.type_numeric() }}) as probability,
        {{ json_text('record', 'ForecastCategoryName') }} as forecast_category,
        {{ json_text('record', 'CampaignId') }} as salesforce_campaign_id,
        {{ json_text('record', 'LeadSource') }} as lead_source,
        {{ json_text('record', 'Type') }} as opportunity_type,
        {{ json_text('record', 'OwnerId') }} as owner_user_id,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
