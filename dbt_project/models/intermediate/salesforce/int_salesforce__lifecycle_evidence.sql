{#- Salesforce's lifecycle evidence, one row per event on one source row: Lead and Contact
    creation, Lead conversion, Lead field history (Status and the disqualification reason), sales
    touches (Tasks) and Opportunities created and won. Definition-free.

    Incremental: each run re-reads only the rows landed since the last run, per object, and
    replaces every event of those rows (delete+insert on the source row); deleted rows keep their
    events, flagged. On Spark (plain Parquet tables) it is rebuilt whole each run. -#}
{{
    config(
        materialized='table' if target.type == 'spark' else 'incremental',
        unique_key='source_row_id',
        incremental_strategy='delete+insert',
        on_schema_change='fail',
    )
}}

with

leads as (

    select * from {{ ref('stg_salesforce__leads') }}
    {{ incremental_since('extracted_at', 'salesforce_lead') }}

),

contacts as (

    select * from {{ ref('stg_salesforce__contacts') }}
    {{ incremental_since('extracted_at', 'salesforce_contact') }}

),

lead_history as (

    select * from {{ ref('stg_salesforce__lead_history') }}
    {{ incremental_since('extracted_at', 'salesforce_lead_history') }}

),

sales_touches as (

    select * from {{ ref('int_salesforce__sales_touches') }}
    {{ incremental_since('extracted_at', 'salesforce_task') }}

),

opportunities as (

    select * from {{ ref('int_salesforce__opportunities') }}
    {{ incremental_since('extracted_at', 'salesforce_opportunity') }}

),

events as (

    -- every record's creation: candidates for the Lead stage
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
    from leads

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
    from contacts

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
    from leads
    where is_converted and converted_date is not null

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

    -- logged sales activity, on the Lead or Contact it names
    select
        source_system,
        sales_touch_id as source_row_id,
        touch_kind || '_logged' as event_type,
        0 as event_sequence,
        touched_at as occurred_at,
        record_system,
        record_id,
        cast(null as {{ dbt.type_numeric() }}) as event_number,
        subject as event_value,
        'Task logged: ' || coalesce(subject, '(no subject)') as evidence,
        is_deleted,
        extracted_at
    from sales_touches

    union all

    -- Opportunities: creation (pipeline) and winning (revenue, on the CloseDate)
    select
        source_system,
        opportunity_id as source_row_id,
        'opportunity_created' as event_type,
        0 as event_sequence,
        created_at as occurred_at,
        source_system as record_system,
        opportunity_id as record_id,
        amount as event_number,
        stage_name as event_value,
        'Opportunity created' as evidence,
        is_deleted,
        extracted_at
    from opportunities

    union all

    select
        source_system,
        opportunity_id as source_row_id,
        'opportunity_won' as event_type,
        1 as event_sequence,
        cast(close_date as {{ dbt.type_timestamp() }}) as occurred_at,
        source_system as record_system,
        opportunity_id as record_id,
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
        'salesforce' as source_name,
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
