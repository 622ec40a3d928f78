with

source as (

    select * from {{ source('raw_salesforce', 'opportunity_history') }}

),

renamed as (

    select
        id as salesforce_opportunity_history_id,
        {{ json_text('record', 'OpportunityId') }} as salesforce_opportunity_id,
        {{ json_text('record', 'StageName') }} as stage_name,
        cast({{ json_text('record', 'Amount') }} as {{ dbt.type_numeric() }}) as amount,
        cast({{ json_text('record', 'CloseDate') }} as date) as close_date,
        cast({{ json_text('record', 'Probability') }} as {{ dbt.type_numeric() }}) as probability,
        {{ json_text('record', 'ForecastCategory') }} as forecast_category,
        {{ json_text('record', 'CreatedById') }} as created_by_user_id,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
