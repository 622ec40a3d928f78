{#- HubSpot's lifecycle evidence, one row per event on one contact: its creation, every score
    change (from the score's property history) and every lifecycle stage change (evidence for
    drift, never the agreed stage). Definition-free.

    Incremental: each run re-reads only contacts landed since the last run and replaces all their
    events (delete+insert on the contact); archived contacts keep their events, flagged, and merge
    losers that left the raw table lose theirs (post-hook; `not exists`, which plans as an
    anti-join). On Spark (plain Parquet tables) it is rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='source_row_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} as events where not exists (select 1 from {{ ref('stg_hubspot__contacts') }} as contacts where contacts.hubspot_contact_id = events.source_row_id){% endif %}"
        ],
    )
}}

with

contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}
    {{ incremental_since('extracted_at', 'hubspot_contact') }}

),

score_history as (

    select
        contacts.hubspot_contact_id,
        contacts.is_deleted,
        contacts.extracted_at,
        entry.position as history_position,
        cast({{ json_text('entry.value', 'value') }} as integer) as score,
        {{ json_text('entry.value', 'sourceType') }} as change_source,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from contacts
    {{ json_array_rows('contacts.score_history', 'entry') }}

),

lifecycle_stage_history as (

    select
        contacts.hubspot_contact_id,
        contacts.is_deleted,
        contacts.extracted_at,
        entry.position as history_position,
        {{ json_text('entry.value', 'value') }} as lifecycle_stage,
        {{ json_text('entry.value', 'sourceType') }} as change_source,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from contacts
    {{ json_array_rows('contacts.lifecycle_stage_history', 'entry') }}

),

events as (

    -- the contact's creation: a candidate for the Lead stage
    select
        hubspot_contact_id as source_row_id,
        'record_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        cast(null as {{ dbt.type_string() }}) as event_value,
        'HubSpot contact created' as evidence,
        is_deleted,
        extracted_at
    from contacts

    union all

    -- every score change, from the score's property history
    select
        hubspot_contact_id as source_row_id,
        'score_changed' as event_type,
        100 + history_position as event_sequence,
        changed_at as occurred_at,
        score as event_number,
        cast(score as {{ dbt.type_string() }}) as event_value,
        'hubspotscore set to '
        || cast(score as {{ dbt.type_string() }})
        || ' ('
        || coalesce(change_source, 'unknown')
        || ')' as evidence,
        is_deleted,
        extracted_at
    from score_history

    union all

    -- HubSpot's own lifecycle stage: evidence for drift, never the agreed stage
    select
        hubspot_contact_id as source_row_id,
        'hubspot_lifecycle_stage_changed' as event_type,
        100000 + history_position as event_sequence,
        changed_at as occurred_at,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        lifecycle_stage as event_value,
        'lifecyclestage set to '
        || lifecycle_stage
        || ' ('
        || coalesce(change_source, 'unknown')
        || ')' as evidence,
        is_deleted,
        extracted_at
    from lifecycle_stage_history

),

final as (

    select
        'hubspot_contact:' || source_row_id || ':' || event_type || ':'
        || cast(event_sequence as {{ dbt.type_string() }}) as lifecycle_event_id,
        'hubspot' as source_name,
        'hubspot_contact' as source_system,
        -- the contract's own types: PostgreSQL keeps them apart from varchar / bare numeric,
        -- and the next incremental run refuses a select whose types moved (on_schema_change)
        cast(source_row_id as {{ dbt.type_string() }}) as source_row_id,
        event_type,
        occurred_at,
        'hubspot_contact' as record_system,
        cast(source_row_id as {{ dbt.type_string() }}) as record_id,
        cast(event_number as numeric(28, 6)) as event_number,
        event_value,
        evidence,
        is_deleted,
        extracted_at
    from events

)

select * from final
