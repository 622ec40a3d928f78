{#- The long table of everything that can move a person through the funnel, one row per event
    on one source record, with its evidence. It knows nothing of the definitions (no threshold,
    no person): stages are chosen from it downstream, so a definition change needs no rebuild.

    Incremental: each run re-reads only source rows landed since the last run and replaces every
    event of those rows (delete+insert on the source row); deleted rows keep their events,
    flagged, and merge losers that left the raw table lose theirs (post-hook; `not exists`, which
    plans as an anti-join, where PostgreSQL would re-scan the view per row for `not in`).
    On Spark (plain Parquet tables: no delete+insert, no delete) it is rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='source_row_id',
        incremental_strategy='delete+insert',
        post_hook=[
            "{% if is_incremental() %}delete from {{ this }} as events where events.source_system = 'hubspot_contact' and not exists (select 1 from {{ ref('stg_hubspot__contacts') }} as contacts where contacts.hubspot_contact_id = events.source_row_id){% endif %}"
        ],
    )
}}

with

hubspot_contacts as (

    select * from {{ ref('stg_hubspot__contacts') }}
    {{ incremental_since('extracted_at', 'hubspot_contact') }}

),

salesforce_leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    {{ incremental_since('extracted_at', 'salesforce_lead') }}

),

salesforce_contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}
    {{ incremental_since('extracted_at', 'salesforce_contact') }}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history') }}
    {{ incremental_since('extracted_at', 'salesforce_lead_history') }}

),

tasks as (

    select * from {{ ref('stg_salesforce__tasks') }}
    {{ incremental_since('extracted_at', 'salesforce_task') }}

),

opportunities as (

    select * from {{ ref('stg_salesforce__opportunities') }}
    {{ incremental_since('extracted_at', 'salesforce_opportunity') }}

),

score_history as (

    select
        hubspot_contacts.hubspot_contact_id,
        hubspot_contacts.is_deleted,
        hubspot_contacts.extracted_at,
        entry.position as history_position,
        cast({{ json_text('entry.value', 'value') }} as integer) as score,
        {{ json_text('entry.value', 'sourceType') }} as change_source,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from hubspot_contacts
    {{ json_array_rows('hubspot_contacts.score_history', 'entry') }}

),

lifecycle_stage_history as (

    select
        hubspot_contacts.hubspot_contact_id,
        hubspot_contacts.is_deleted,
        hubspot_contacts.extracted_at,
        entry.position as history_position,
        {{ json_text('entry.value', 'value') }} as lifecycle_stage,
        {{ json_text('entry.value', 'sourceType') }} as change_source,
        {{ to_utc_timestamp(json_text('entry.value', 'timestamp')) }} as changed_at
    from hubspot_contacts
    {{ json_array_rows('hubspot_contacts.lifecycle_stage_history', 'entry') }}

),

events as (

    -- every record's creation: candidates for the Lead stage
    select
        'hubspot_contact' as source_system,
        hubspot_contact_id as source_row_id,
        'record_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        'hubspot_contact' as record_system,
        hubspot_contact_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        cast(null as {{ dbt.type_string() }}) as event_value,
        'HubSpot contact created' as evidence,
        is_deleted,
        extracted_at
    from hubspot_contacts

    union all

    select
        'salesforce_lead' as source_system,
        salesforce_lead_id as source_row_id,
        'record_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        'salesforce_lead' as record_system,
        salesforce_lead_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        lead_source as event_value,
        'Salesforce Lead created' as evidence,
        is_deleted,
        extracted_at
    from salesforce_leads

    union all

    select
        'salesforce_contact' as source_system,
        salesforce_contact_id as source_row_id,
        'record_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        'salesforce_contact' as record_system,
        salesforce_contact_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        lead_source as event_value,
        'Salesforce Contact created' as evidence,
        is_deleted,
        extracted_at
    from salesforce_contacts

    union all

    -- the Lead's conversion, on its ConvertedDate (a date: midnight UTC)
    select
        'salesforce_lead' as source_system,
        salesforce_lead_id as source_row_id,
        'lead_converted' as event_type,
        1 as event_sequence,
        cast(converted_date as {{ dbt.type_timestamp() }}) as occurred_at,
        'salesforce_lead' as record_system,
        salesforce_lead_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        converted_opportunity_id as event_value,
        'Lead converted (ConvertedDate)' as evidence,
        is_deleted,
        extracted_at
    from salesforce_leads
    where is_converted and converted_date is not null

    union all

    -- every HubSpot score change, from the score's property history
    select
        'hubspot_contact' as source_system,
        hubspot_contact_id as source_row_id,
        'score_changed' as event_type,
        100 + history_position as event_sequence,
        changed_at as occurred_at,
        'hubspot_contact' as record_system,
        hubspot_contact_id as record_id,
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
        'hubspot_contact' as source_system,
        hubspot_contact_id as source_row_id,
        'hubspot_lifecycle_stage_changed' as event_type,
        100000 + history_position as event_sequence,
        changed_at as occurred_at,
        'hubspot_contact' as record_system,
        hubspot_contact_id as record_id,
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

    -- Lead field history: Status changes and the disqualification reason
    select
        'salesforce_lead_history' as source_system,
        salesforce_lead_history_id as source_row_id,
        case
            when field_name = 'Status' then 'lead_status_changed'
            else 'lead_disqualification_reason_set'
        end as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        'salesforce_lead' as record_system,
        salesforce_lead_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        new_value as event_value,
        'LeadHistory '
        || field_name
        || ': '
        || coalesce(old_value, '(none)')
        || ' -> '
        || coalesce(new_value, '(none)') as evidence,
        is_deleted,
        extracted_at
    from lead_history
    where field_name in ('Status', 'Disqualification_Reason__c')

    union all

    -- logged sales activity, on the Lead or Contact it names (WhoId key prefix 00Q / 003)
    select
        'salesforce_task' as source_system,
        salesforce_task_id as source_row_id,
        'task_logged' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        case
            when who_id like '00Q%' then 'salesforce_lead'
            when who_id like '003%' then 'salesforce_contact'
        end as record_system,
        who_id as record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        subject as event_value,
        'Task logged: ' || coalesce(subject, '(no subject)') as evidence,
        is_deleted,
        extracted_at
    from tasks
    where who_id is not null

    union all

    -- Opportunities: creation (pipeline) and winning (revenue, on the CloseDate)
    select
        'salesforce_opportunity' as source_system,
        salesforce_opportunity_id as source_row_id,
        'opportunity_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        'salesforce_opportunity' as record_system,
        salesforce_opportunity_id as record_id,
        amount as event_number,
        stage_name as event_value,
        'Opportunity created' as evidence,
        is_deleted,
        extracted_at
    from opportunities

    union all

    select
        'salesforce_opportunity' as source_system,
        salesforce_opportunity_id as source_row_id,
        'opportunity_won' as event_type,
        1 as event_sequence,
        cast(close_date as {{ dbt.type_timestamp() }}) as occurred_at,
        'salesforce_opportunity' as record_system,
        salesforce_opportunity_id as record_id,
        amount as event_number,
        stage_name as event_value,
        'Opportunity won (CloseDate)' as evidence,
        is_deleted,
        extracted_at
    from opportunities
    where is_won

),

final as (

    select
        source_system || ':' || source_row_id || ':' || event_type || ':'
        || cast(event_sequence as {{ dbt.type_string() }}) as lifecycle_event_id,
        source_system,
        source_row_id,
        event_type,
        occurred_at,
        record_system,
        record_id,
        event_number,
        event_value,
        evidence,
        is_deleted,
        extracted_at
    from events

)

select * from final
