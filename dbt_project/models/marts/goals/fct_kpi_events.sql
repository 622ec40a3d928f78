{#- One row per event that moves a goal KPI, read from the agreed-definition marts: stage times
    (fct_lifecycle_events), Opportunities (fct_opportunities) and handoffs (fct_lead_handoffs).
    A mart over marts (not an intermediate model): the SLA outcome and the qualification exist
    only in the marts, and the goal models must count exactly what the marts publish. Counts and
    amounts carry their value in numerator (denominator 1); rate KPIs carry one row per MQL with
    numerator 1 when it counts as a success and denominator 1 when it counts at all. Events after
    the as-of date are left out. The catalogue (definition goal_kpis) and the KPIs computed here
    must name the same KPIs: a build fails when they drift apart. -#}
{%- set computed_kpis = ['mqls', 'sals', 'sqls', 'opportunities', 'pipeline_created',
                         'revenue_won', 'sla_attainment', 'mql_to_sql_rate'] -%}
{%- if (goal_kpis().keys() | sort) != (computed_kpis | sort) -%}
    {{ exceptions.raise_compiler_error(
        "definition goal_kpis names " ~ (goal_kpis().keys() | sort | join(', '))
        ~ " but fct_kpi_events computes " ~ (computed_kpis | sort | join(', '))
        ~ ": a KPI in the catalogue needs its SQL here, and the SQL its catalogue entry") }}
{%- endif -%}
with

lifecycle_events as (

    select * from {{ ref('fct_lifecycle_events') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

lead_handoffs as (

    select * from {{ ref('fct_lead_handoffs') }}

),

people as (

    select * from {{ ref('dim_people') }}

),

as_of as (

    select {{ goal_as_of_date() }} as as_of_date

),

stage_kpis as (

    select
        person_id,
        person_id as record_id,
        lifecycle_stage || 's' as kpi,
        reached_on as event_date,
        1 as numerator,
        1 as denominator
    from lifecycle_events
    where lifecycle_stage in ('mql', 'sal', 'sql')

),

opportunity_kpis as (

    select
        person_id,
        opportunity_id as record_id,
        'opportunities' as kpi,
        created_on as event_date,
        1 as numerator,
        1 as denominator
    from opportunities

    union all

    select
        person_id,
        opportunity_id as record_id,
        'pipeline_created' as kpi,
        created_on as event_date,
        coalesce(amount, 0) as numerator,
        1 as denominator
    from opportunities

    union all

    select
        person_id,
        opportunity_id as record_id,
        'revenue_won' as kpi,
        close_date as event_date,
        coalesce(won_amount, 0) as numerator,
        1 as denominator
    from opportunities
    where is_won

),

handoff_sql_dates as (

    select
        lead_handoffs.person_id,
        lead_handoffs.mql_reported_on,
        lead_handoffs.is_sla_met,
        lead_handoffs.outcome,
        {{ to_reporting_date('people.sql_at') }} as sql_reported_on
    from lead_handoffs
    inner join people
        on lead_handoffs.person_id = people.person_id

),

rate_kpis as (

    select
        person_id,
        person_id as record_id,
        'sla_attainment' as kpi,
        mql_reported_on as event_date,
        case when is_sla_met then 1 else 0 end as numerator,
        1 as denominator
    from handoff_sql_dates
    where is_sla_met is not null

    union all

    select
        handoff_sql_dates.person_id,
        handoff_sql_dates.person_id as record_id,
        'mql_to_sql_rate' as kpi,
        handoff_sql_dates.mql_reported_on as event_date,
        case
            when
                handoff_sql_dates.outcome = 'qualified'
                and handoff_sql_dates.sql_reported_on <= as_of.as_of_date
                then 1
            else 0
        end as numerator,
        1 as denominator
    from handoff_sql_dates
    cross join as_of

),

all_events as (

    select * from stage_kpis
    union all
    select * from opportunity_kpis
    union all
    select * from rate_kpis

),

final as (

    select
        {{ dbt.concat(['all_events.kpi', "'|'", 'all_events.record_id']) }} as kpi_event_id,
        all_events.kpi,
        all_events.person_id,
        all_events.record_id,
        coalesce(people.original_source, 'unknown') as lead_source,
        cast(all_events.event_date as date) as event_date,
        cast(all_events.numerator as {{ dbt.type_numeric() }}) as numerator,
        cast(all_events.denominator as {{ dbt.type_numeric() }}) as denominator
    from all_events
    cross join as_of
    left join people
        on all_events.person_id = people.person_id
    where all_events.event_date <= as_of.as_of_date

)

select * from final
