{#- The agreed definitions applied: for each person and stage, the event that reached it first.
    Every rule reads its parameters from the definitions file (definition() macro). Ties (two
    events at the same instant) go to the event kind listed first in `event_priority`, then to
    the smaller record id, so the evidence is always the same. Only the source deciding a stage
    (the first enabled source stage_sources lists for it) can reach it, its lead statuses read
    through its own definitions (lead_status_definitions()); every source's records make the
    Lead stage.
    A HubSpot score history that starts after its contact's creation may have lost its oldest
    entries (an import, a migration, a cut history): when its oldest entry is already the first
    crossing, the real crossing was at or before that time, and the MQL says so
    (is_history_truncated, and its evidence). -#}
with

events as (

    select * from {{ ref('int_lifecycle_events') }}
    where not is_deleted

),

identity as (

    select * from {{ ref('int_people__identity') }}

),

opportunity_people as (

    select * from {{ ref('int_opportunities__people') }}

),

people as (

    select * from {{ ref('int_people') }}

),

source_records as (

    select * from {{ ref('int_people__source_records') }}

),

person_events as (

    select
        identity.person_id,
        false as is_via_contact_role,
        events.*
    from events
    inner join identity
        on
            events.record_system = identity.source_system
            and events.record_id = identity.source_record_id

    union all

    select
        opportunity_people.person_id,
        opportunity_people.is_via_contact_role,
        events.*
    from events
    inner join opportunity_people
        on events.record_id = opportunity_people.opportunity_id
    -- an opportunity's events (not a person record's)
    where events.record_system not in {{ person_record_systems_sql() }}

),

prioritized as (

    select
        person_events.*,
        case
            when person_events.event_type in {{ sales_touch_events_sql() }} then 1
            when person_events.event_type = 'lead_status_changed' then 2
            when person_events.event_type = 'lead_converted' then 3
            when person_events.event_type = 'opportunity_created' then 4
            when person_events.event_type = 'record_created' then 5
            else 9
        end as event_priority
    from person_events

),

customer_events as (

    select
        'customer' as lifecycle_stage,
        prioritized.*
    from prioritized
    where
        prioritized.event_type = 'opportunity_won'
        and prioritized.source_name in {{ stage_sources_sql('customer') }}

),

first_customer as (

    select
        person_id,
        min(occurred_at) as customer_at
    from customer_events
    group by person_id

),

record_creations as (

    select
        record_system,
        record_id,
        min(occurred_at) as record_created_at
    from prioritized
    where event_type = 'record_created'
    group by record_system, record_id

),

score_changes as (

    select
        prioritized.*,
        min(prioritized.occurred_at) over (
            partition by prioritized.record_system, prioritized.record_id
        ) as history_starts_at
    from prioritized
    where
        prioritized.event_type = 'score_changed'
        and prioritized.source_name in {{ stage_sources_sql('mql') }}

),

score_crossings as (

    select
        score_changes.*,
        coalesce(
            score_changes.occurred_at = score_changes.history_starts_at
            and score_changes.history_starts_at > record_creations.record_created_at,
            false
        ) as is_history_truncated,
        row_number() over (
            partition by score_changes.person_id
            order by
                score_changes.occurred_at,
                score_changes.record_id,
                score_changes.lifecycle_event_id
        ) as crossing_rank
    from score_changes
    left join record_creations
        on
            score_changes.record_system = record_creations.record_system
            and score_changes.record_id = record_creations.record_id
    where score_changes.event_number >= {{ definition_sql('mql_score_threshold') }}

),

mql_events as (

    select
        'mql' as lifecycle_stage,
        score_crossings.*
    from score_crossings
    inner join people
        on score_crossings.person_id = people.person_id
    left join first_customer
        on score_crossings.person_id = first_customer.person_id
    where
        score_crossings.crossing_rank = 1
        and not people.is_free_email
        and (
            first_customer.customer_at is null
            or first_customer.customer_at > score_crossings.occurred_at
        )

),

mql_times as (

    select
        person_id,
        occurred_at as mql_at
    from mql_events

),

sal_events as (

    select
        'sal' as lifecycle_stage,
        prioritized.*
    from prioritized
    inner join mql_times
        on prioritized.person_id = mql_times.person_id
    where
        prioritized.occurred_at >= mql_times.mql_at
        and prioritized.source_name in {{ stage_sources_sql('sal') }}
        and (
            prioritized.event_type in {{ sales_touch_events_sql() }}
            or (
                prioritized.event_type = 'lead_status_changed'
                and {{ lead_status_means(
                    'sal', 'prioritized.source_name', 'prioritized.event_value'
                ) }}
            )
        )

),

sql_events as (

    select
        'sql' as lifecycle_stage,
        prioritized.*
    from prioritized
    inner join people
        on prioritized.person_id = people.person_id
    where
        prioritized.source_name in {{ stage_sources_sql('sql') }}
        and (
            (
                prioritized.event_type = 'lead_status_changed'
                and {{ lead_status_means(
                    'sql', 'prioritized.source_name', 'prioritized.event_value'
                ) }}
            )
            or prioritized.event_type = 'lead_converted'
            -- an opportunity naming the person as a contact; in Salesforce only for a person with
            -- no Lead (a Lead's SQL is its status or conversion), in HubSpot any deal
            or (
                prioritized.event_type = 'opportunity_created'
                and prioritized.is_via_contact_role
                and (prioritized.source_name <> 'salesforce' or not people.has_salesforce_lead)
            )
        )

),

rejected_events as (

    select
        'rejected' as lifecycle_stage,
        prioritized.*
    from prioritized
    inner join mql_times
        on prioritized.person_id = mql_times.person_id
    where
        prioritized.occurred_at >= mql_times.mql_at
        and prioritized.source_name in {{ stage_sources_sql('rejected') }}
        and prioritized.event_type = 'lead_status_changed'
        and {{ lead_status_means(
            'rejected', 'prioritized.source_name', 'prioritized.event_value'
        ) }}

),

lead_events as (

    select
        'lead' as lifecycle_stage,
        prioritized.*
    from prioritized
    where prioritized.event_type = 'record_created'

),

opportunity_events as (

    select
        'opportunity' as lifecycle_stage,
        prioritized.*
    from prioritized
    where
        prioritized.event_type = 'opportunity_created'
        and prioritized.source_name in {{ stage_sources_sql('opportunity') }}

),

candidates as (

    {%- set stage_ctes = [
        'lead_events', 'mql_events', 'sal_events', 'sql_events', 'rejected_events',
        'opportunity_events', 'customer_events',
    ] %}
    {% for stage_cte in stage_ctes %}
        select
            person_id,
            lifecycle_stage,
            lifecycle_event_id,
            event_type,
            event_priority,
            occurred_at,
            record_system,
            record_id,
            event_value,
            {% if stage_cte == 'mql_events' -%}
                case
                    when is_history_truncated
                        then
                            evidence
                            || '; the score history starts here, after the contact was created:'
                            || ' the threshold was reached at or before this time'
                    else evidence
                end as evidence,
                is_history_truncated
            {%- else -%}
                evidence,
                false as is_history_truncated
            {%- endif %}
        from {{ stage_cte }}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

firsts as (

    select
        candidates.*,
        row_number() over (
            partition by candidates.person_id, candidates.lifecycle_stage
            order by
                candidates.occurred_at,
                candidates.event_priority,
                candidates.record_id,
                candidates.lifecycle_event_id
        ) as candidate_rank
    from candidates

),

disqualification_reasons as (

    select
        record_id,
        occurred_at,
        max(event_value) as disqualification_reason
    from events
    where event_type = 'lead_disqualification_reason_set'
    group by record_id, occurred_at

),

final as (

    select
        firsts.person_id || ':' || firsts.lifecycle_stage as person_stage_id,
        firsts.person_id,
        firsts.lifecycle_stage,
        case firsts.lifecycle_stage
            when 'lead' then 1
            when 'mql' then 2
            when 'sal' then 3
            when 'rejected' then 4
            when 'sql' then 5
            when 'opportunity' then 6
            when 'customer' then 7
        end as stage_order,
        firsts.occurred_at as reached_at,
        firsts.lifecycle_event_id,
        firsts.event_type as evidence_event_type,
        firsts.record_system as evidence_record_system,
        firsts.record_id as evidence_record_id,
        firsts.evidence,
        firsts.is_history_truncated,
        case
            when firsts.lifecycle_stage = 'rejected'
                then
                    coalesce(
                        disqualification_reasons.disqualification_reason,
                        source_records.rejection_reason
                    )
        end as rejection_reason
    from firsts
    left join disqualification_reasons
        on
            firsts.lifecycle_stage = 'rejected'
            and firsts.record_id = disqualification_reasons.record_id
            and firsts.occurred_at = disqualification_reasons.occurred_at
    left join source_records
        on
            firsts.lifecycle_stage = 'rejected'
            and firsts.record_system = source_records.source_system
            and firsts.record_id = source_records.source_record_id
    where firsts.candidate_rank = 1

)

select * from final
