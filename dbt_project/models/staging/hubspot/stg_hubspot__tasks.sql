{#- HubSpot tasks reps log (a CRM v3 activity object), typed and renamed. occurred_at is
    hs_timestamp: when the activity took place (for a task, its due time). -#}
with

source as (

    select * from {{ source('raw_hubspot', 'tasks') }}

),

renamed as (

    select
        id as hubspot_task_id,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_timestamp')) }} as occurred_at,
        {{ json_text('record', 'properties', 'hubspot_owner_id') }} as hubspot_owner_id,
        {{ json_text('record', 'properties', 'hs_task_subject') }} as task_subject,
        {{ json_text('record', 'properties', 'hs_task_status') }} as task_status,
        {{ json_text('record', 'properties', 'hs_task_type') }} as task_type,
        {{ json_text('record', 'properties', 'hs_task_priority') }} as task_priority,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_task_completion_date')) }}
            as completed_at,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        {{ to_utc_timestamp(json_text('record', 'archivedAt')) }} as archived_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
