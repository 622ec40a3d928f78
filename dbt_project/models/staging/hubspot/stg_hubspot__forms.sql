with

source as (

    select * from {{ source('raw_hubspot', 'forms') }}

),

renamed as (

    select
        id as hubspot_form_id,
        {{ json_text('record', 'name') }} as form_name,
        {{ json_text('record', 'formType') }} as form_type,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
