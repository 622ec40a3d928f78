with

source as (

    select * from {{ source('raw_hubspot', 'deals') }}

),

renamed as (

    select
        id as hubspot_deal_id,
        {{ json_text('record', 'properties', 'dealname') }} as deal_name,
        {{ json_text('record', 'properties', 'dealstage') }} as deal_stage,
        {{ json_text('record', 'properties', 'pipeline') }} as pipeline,
        cast({{ json_text('record', 'properties', 'amount') }} as {{ dbt.type_numeric() }})
            as amount,
        {{ json_text('record', 'properties', 'hubspot_owner_id') }} as hubspot_owner_id,
        {{ to_utc_timestamp(json_text('record', 'properties', 'closedate')) }} as close_at,
        {{ json_path('record', 'propertiesWithHistory', 'dealstage') }} as deal_stage_history,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
