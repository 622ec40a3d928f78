with

source as (

    select * from {{ source('raw_salesforce', 'campaign') }}

),

renamed as (

    select
        id as salesforce_campaign_id,
        {{ json_text('record', 'Name') }} as campaign_name,
        {{ json_text('record', 'Type') }} as campaign_type,
        {{ json_text('record', 'Status') }} as campaign_status,
        cast({{ json_text('record', 'StartDate') }} as date) as start_date,
        cast({{ json_text('record', 'EndDate') }} as date) as end_date,
        cast({{ json_text('record', 'BudgetedCost') }} as {{ dbt.type_numeric() }})
            as budgeted_cost,
        cast({{ json_text('record', 'ActualCost') }} as {{ dbt.type_numeric() }}) as actual_cost,
        cast({{ json_text('record', 'IsActive') }} as boolean) as is_active,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
