with

source as (

    select * from {{ source('raw_salesforce', 'fields') }}

),

renamed as (

    select
        id as salesforce_field_id,
        {{ json_text('record', 'objectType') }} as object_name,
        {{ json_text('record', 'name') }} as field_name,
        {{ json_text('record', 'label') }} as field_label,
        {{ json_text('record', 'type') }} as field_type,
        cast({{ json_text('record', 'custom') }} as boolean) as is_custom,
        cast({{ json_text('record', 'calculated') }} as boolean) as is_calculated,
        {{ json_path('record', 'picklistValues') }} as picklist_values,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
