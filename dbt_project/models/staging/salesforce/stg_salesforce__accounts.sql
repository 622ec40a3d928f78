with

source as (

    select * from {{ source('raw_salesforce', 'account') }}

),

renamed as (

    select
        id as salesforce_account_id,
        {{ json_text('record', 'Name') }} as account_name,
        {{ json_text('record', 'Website') }} as website,
        {{ json_text('record', 'Industry') }} as industry,
        cast({{ json_text('record', 'NumberOfEmployees') }} as integer) as employee_count,
        {{ json_text('record', 'BillingCountry') }} as billing_country,
        {{ json_text('record', 'Type') }} as account_type,
        {{ json_text('record', 'OwnerId') }} as owner_user_id,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
