with

source as (

    select * from {{ source('raw_hubspot', 'companies') }}

),

renamed as (

    select
        id as hubspot_company_id,
        {{ json_text('record', 'properties', 'name') }} as company_name,
        {{ json_text('record', 'properties', 'domain') }} as company_domain,
        {{ json_text('record', 'properties', 'industry') }} as industry,
        cast({{ json_text('record', 'properties', 'numberofemployees') }} as integer)
            as employee_count,
        {{ json_text('record', 'properties', 'country') }} as country,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
