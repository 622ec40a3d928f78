{#- HubSpot's lifecycle evidence, one row per event on one source row: a contact's creation,
    every score change (from the score's property history), every lifecycle stage change (evidence
    for drift, never the agreed stage) and every lead status change (hs_lead_status history); the
    sales touches reps log (calls, e-mails, meetings, tasks: `<kind>_logged` on the contact); deals
    created and won (the first dealstage history entry into a stage the pipeline's metadata says
    is won: isClosed, probability 1.0). Definition-free.

    Incremental: each run re-reads only the rows landed since the last run, per object, and
    replaces all their events (delete+insert on the object and row); archived rows keep their
    events, flagged, and merge losers that left the raw table (contacts, deals) lose theirs
    (post-hook; `not exists`, which plans as an anti-join). On Spark (plain Parquet tables) it is
    rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key=['source_system', 'source_row_id'],
        incremental_strategy='delete+insert',
        on_schema_change='fail',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} as events where events.source_system = 'hubspot_contact' and not exists (select 1 from {{ ref('stg_hubspot__contacts') }} as contacts where contacts.hubspot_contact_id = events.source_row_id){% endif %}",
            "{% if is_incremental() %}delete from {{ this }} as events where events.source_system = 'hubspot_deal' and not exists (select 1 from {{ ref('stg_hubspot__deals') }} as deals where deals.hubspot_deal_id = events.source_row_id){% endif %}"
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

lead_status_history as (

    select
        contacts.hubspot_contact_id,
        contacts.is_deleted,
        contacts.extracted_at,
        entry.position as history_position,
        {{ json_text('entry.value', 'value') }} as lead_status,
        {{ json_text('entry.value', 'sourceType') }} as change_source,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from contacts
    {{ json_array_rows('contacts.lead_status_history', 'entry') }}

),

{% for kind in sales_touch_kinds() %}
    {{ kind }}_touches as (

        select * from {{ ref('int_hubspot__sales_touches') }}
        {{ incremental_since('extracted_at', 'hubspot_' ~ kind) }}

    ),

{% endfor %}
deals as (

    select * from {{ ref('int_hubspot__opportunities') }}
    {{ incremental_since('extracted_at', 'hubspot_deal') }}

),

pipeline_stages as (

    select * from {{ ref('stg_hubspot__pipeline_stages') }}

),

deal_stage_history as (

    select * from {{ ref('stg_hubspot__deals') }}
    {{ incremental_since('extracted_at', 'hubspot_deal') }}

),

-- the first time each deal entered a won stage (dealstage history, newest first in HubSpot)
deals_won as (

    select
        deal_stage_history.hubspot_deal_id,
        min({{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }}) as won_at
    from deal_stage_history
    {{ json_array_rows('deal_stage_history.deal_stage_history', 'entry') }}
    inner join pipeline_stages
        on
            deal_stage_history.pipeline = pipeline_stages.pipeline_id
            and {{ json_text('entry.value', 'value') }} = pipeline_stages.stage_id
    where {{ hubspot_stage_is_won('pipeline_stages') }}
    group by deal_stage_history.hubspot_deal_id

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

contact_events as (

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

    union all

    -- the lead status reps set (HubSpot as the sales CRM)
    select
        hubspot_contact_id as source_row_id,
        'lead_status_changed' as event_type,
        200000 + history_position as event_sequence,
        changed_at as occurred_at,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        lead_status as event_value,
        'hs_lead_status set to '
        || coalesce(lead_status, '(none)')
        || ' ('
        || coalesce(change_source, 'unknown')
        || ')' as evidence,
        is_deleted,
        extracted_at
    from lead_status_history

),

events as (

    select
        'hubspot_contact' as source_system,
        source_row_id,
        event_type,
        cast(event_sequence as {{ dbt.type_string() }}) as event_key,
        occurred_at,
        'hubspot_contact' as record_system,
        source_row_id as record_id,
        event_number,
        event_value,
        evidence,
        is_deleted,
        extracted_at
    from contact_events

    {% for kind in sales_touch_kinds() %}
        union all

        -- logged {{ kind }}s, on each contact they are associated with
        select
            source_system,
            sales_touch_id as source_row_id,
            touch_kind || '_logged' as event_type,
            coalesce(record_id, '-') as event_key,
            touched_at as occurred_at,
            record_system,
            record_id,
            cast(null as {{ dbt.type_numeric() }}) as event_number,
            subject as event_value,
            'HubSpot {{ kind }} logged: ' || coalesce(subject, '(no subject)') as evidence,
            is_deleted,
            extracted_at
        from {{ kind }}_touches
        where source_system = 'hubspot_{{ kind }}'
    {% endfor %}

    union all

    -- deals: creation (pipeline) and winning (revenue, when it first entered a won stage)
    select
        source_system,
        opportunity_id as source_row_id,
        'opportunity_created' as event_type,
        '0' as event_key,
        created_at as occurred_at,
        source_system as record_system,
        opportunity_id as record_id,
        amount as event_number,
        stage_name as event_value,
        'HubSpot deal created' as evidence,
        is_deleted,
        extracted_at
    from deals

    union all

    select
        deals.source_system,
        deals.opportunity_id as source_row_id,
        'opportunity_won' as event_type,
        '1' as event_key,
        deals_won.won_at as occurred_at,
        deals.source_system as record_system,
        deals.opportunity_id as record_id,
        deals.amount as event_number,
        deals.stage_name as event_value,
        'HubSpot deal entered a won stage (dealstage history)' as evidence,
        deals.is_deleted,
        deals.extracted_at
    from deals
    inner join deals_won
        on deals.opportunity_id = deals_won.hubspot_deal_id

),

final as (

    select
        source_system || ':' || source_row_id || ':' || event_type || ':' || event_key
            as lifecycle_event_id,
        'hubspot' as source_name,
        source_system,
        -- the contract's own types: PostgreSQL keeps them apart from varchar / bare numeric,
        -- and the next incremental run refuses a select whose types moved (on_schema_change)
        cast(source_row_id as {{ dbt.type_string() }}) as source_row_id,
        event_type,
        occurred_at,
        record_system,
        cast(record_id as {{ dbt.type_string() }}) as record_id,
        cast(event_number as numeric(28, 6)) as event_number,
        event_value,
        evidence,
        is_deleted,
        extracted_at
    from events

)

select * from final
