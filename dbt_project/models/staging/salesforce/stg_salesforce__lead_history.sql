with

source as (

    select * from {{ source('raw_salesforce', 'lead_history') }}

),

renamed as (

    select
        id as salesforce_lead_history_id,
        {{ json_text('record', 'LeadId') }} as salesforce_lead_id,
        {{ json_text('record', 'Field') }} as field_name,
        {{ json_text('record', 'DataType') }} as data_type,
        {{ json_text('record', 'OldValue') }} as old_value,
        {{ json_text('record', 'NewValue') }} as new_value,
        {{ json_text('record', 'CreatedById') }} as created_by_user_id,
        {{ to_utc_timestamp(json_text('record', 'CreatedDate')) }} as created_at,
        is_deleted,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
