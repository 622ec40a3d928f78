with

source as (

    select * from {{ source('raw_hubspot', 'properties') }}

),

renamed as (

    select
        id as hubspot_property_id,
        {{ json_text('record', 'objectType') }} as object_type,
        {{ json_text('record', 'name') }} as property_name,
        {{ json_text('record', 'label') }} as property_label,
        {{ json_text('record', 'type') }} as property_type,
        {{ json_text('record', 'fieldType') }} as field_type,
        {{ json_text('record', 'groupName') }} as group_name,
        cast({{ json_text('record', 'calculated') }} as boolean) as is_calculated,
        cast({{ json_text('record', 'hubspotDefined') }} as boolean) as is_hubspot_defined,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
