{#- HubSpot meetings reps log (a CRM v3 activity object), typed and renamed. occurred_at is
    hs_timestamp: when the activity took place (for a task, its due time). -#}
with

source as (

    select * from {{ source('raw_hubspot', 'meetings') }}

),

renamed as (

    select
        id as hubspot_meeting_id,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_timestamp')) }} as occurred_at,
        {{ json_text('record', 'properties', 'hubspot_owner_id') }} as hubspot_owner_id,
        {{ json_text('record', 'properties', 'hs_meeting_title') }} as meeting_title,
        {{ json_text('record', 'properties', 'hs_meeting_outcome') }} as meeting_outcome,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_meeting_start_time')) }}
            as meeting_start_at,
        {{ to_utc_timestamp(json_text('record', 'properties', 'hs_meeting_end_time')) }}
            as meeting_end_at,
        is_deleted,
        {{ to_utc_timestamp(json_text('record', 'createdAt')) }} as created_at,
        {{ to_utc_timestamp(json_text('record', 'updatedAt')) }} as updated_at,
        {{ to_utc_timestamp(json_text('record', 'archivedAt')) }} as archived_at,
        cast(_extracted_at as {{ dbt.type_timestamp() }}) as extracted_at
    from source

)

select * from renamed
