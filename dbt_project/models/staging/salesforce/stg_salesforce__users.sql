with

source as (

    select * from {{ source('raw_salesforce', 'user') }}

),

renamed as (

    select
        id as salesforce_user_id,
        {{ json_text('record', 'Email') }} as email,
        {{ json_text('record', 'FirstName') }} as first_name,
        {{ json_text('record', 'LastName') }} as last_name,
        {{ json_text('record', 'Name') }} as user_name,
        {{ json_text('record', 'Title') }} as title,
        {{ json_text('record', 'TimeZoneSidKey') }} as time_zone,
        cast({{ json_text('record', 'IsActive') }} as boolean) as is_active,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'SystemModstamp')) }} as system_modstamp_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
