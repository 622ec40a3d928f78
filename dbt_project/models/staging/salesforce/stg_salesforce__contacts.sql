with

source as (

    select * from {{ source('raw_salesforce', 'contact') }}

),

renamed as (

    select
        id as salesforce_contact_id,
        {{ json_text('record', 'AccountId') }} as salesforce_account_id,
        {{ json_text('record', 'Email') }} as email,
        {{ json_text('record', 'FirstName') }} as first_name,
        {{ json_text('record', 'LastName') }} as last_name,
        {{ json_text('record', 'Title') }} as title,
        {{ json_text('record', 'LeadSource') }} as lead_source,
        {{ json_text('record', 'OwnerId') }} as owner_user_id,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
