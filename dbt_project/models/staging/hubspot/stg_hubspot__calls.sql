{#- HubSpot calls reps log (a CRM v3 activity object), typed and renamed. occurred_at is
    hs_timestamp: when the activity took place (for a task, its due time). -#}
with

source as (

    select * from {{ source('raw_hubspot', 'calls') }}

),

renamed as (

    select
        id as hubspot_call_id,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_timestamp')) }} as occurred_at,
        {{ json_text('record', 'properties', 'hubspot_owner_id') }} as hubspot_owner_id,
        {{ json_text('record', 'properties', 'hs_call_title') }} as call_title,
        {{ json_text('record', 'properties', 'hs_call_direction') }} as call_direction,
        {{ json_text('record', 'properties', 'hs_call_status') }} as call_status,
        {{ json_text('record', 'properties', 'hs_call_disposition') }} as call_disposition,
        cast({{ json_text('record', 'properties', 'hs_call_duration') }} as {{ dbt.type_bigint() }})
            as call_duration_ms,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        {{ to_utc_timestamp(json_text('record', 'archivedAt')) }} as archived_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
