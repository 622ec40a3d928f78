{#- One row per goal KPI that counts an agreed stage reached (goal_kpis stage): what the open
    funnel is expected to add to it by the end of the as-of month and quarter, from the measured
    stage velocity (rule_goal_funnel_forecast). rpt_goal_scorecard shows it when
    goal_forecast_method is funnel. -#}
{%- set stages = ['lead', 'mql', 'sal', 'sql', 'opportunity', 'customer'] -%}
{%- set staged_kpis = [] -%}
{%- for name, kpi in goal_kpis().items() if kpi['stage'] -%}
    {%- do staged_kpis.append((name, kpi)) -%}
{%- endfor -%}
with

people as (

    select * from {{ ref('dim_people') }}

),

opportunities as (

    select * from {{ ref('fct_opportunities') }}

),

stage_velocity as (

    select * from {{ ref('fct_stage_velocity') }}
    where period_grain = 'month' and segment_type = 'all'

),

as_of as (

    select
        {{ goal_as_of_date() }} as as_of_date,
        {{ as_of_timestamp() }} as as_of_at

),

windows as (

    select
        as_of_date,
        as_of_at,
        -- earlier stages before this instant have had their whole chance to convert
        {{ dbt.dateadd('day', -definition('velocity_censoring_days'), 'as_of_at') }}
            as chance_from_at,
        cast({{ dbt.dateadd(
            'month', -definition('goal_forecast_lookback_months'),
            dbt.date_trunc('month', 'as_of_date')) }} as date) as lookback_start,
        cast({{ dbt.dateadd(
            'day', -1, dbt.dateadd('month', 1, dbt.date_trunc('month', 'as_of_date'))) }} as date)
            as month_end,
        cast({{ dbt.dateadd(
            'day', -1, dbt.dateadd('month', 3, dbt.date_trunc('quarter', 'as_of_date'))) }} as date)
            as quarter_end
    from as_of

),

staged_kpis as (

    {% for name, kpi in staged_kpis %}
        select
            '{{ name }}' as kpi,
            '{{ kpi["kind"] }}' as kpi_kind,
            '{{ kpi["stage"] }}' as to_stage
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

measured_velocity as (

    select
        stage_velocity.from_stage,
        stage_velocity.to_stage,
        {{ safe_divide('sum(stage_velocity.people_converted)',
                       'sum(stage_velocity.people_with_chance)') }} as conversion_rate,
        {{ safe_divide('sum(stage_velocity.days_mean * stage_velocity.people_converted)',
                       'sum(case when stage_velocity.days_mean is not null '
                       ~ 'then stage_velocity.people_converted end)') }} as days_mean
    from stage_velocity
    cross join windows
    where
        stage_velocity.period_start >= windows.lookback_start
        and stage_velocity.period_start <= windows.as_of_date
    group by stage_velocity.from_stage, stage_velocity.to_stage

),

open_people as (

    -- open for a pair: reached its earlier stage, and neither its later stage nor any stage after
    -- that, by the as-of moment (a skipped stage is no conversion)
    {% for to_stage in stages[1:] %}
        {%- set from_stage = stages[loop.index0] %}
        select
            people.person_id as record_id,
            '{{ to_stage }}' as to_stage,
            people.{{ from_stage }}_at as from_at,
            1 as record_value
        from people
        cross join windows
        where
            people.{{ from_stage }}_at <= windows.as_of_at
            and people.{{ from_stage }}_at > windows.chance_from_at
            and (people.rejected_at is null or people.rejected_at > windows.as_of_at)
            {%- for later in stages[loop.index:] %}
                and (people.{{ later }}_at is null or people.{{ later }}_at > windows.as_of_at)
            {%- endfor %}
        {% if not loop.last %}union all{% endif %}
    {% endfor %}

),

open_opportunities as (

    select
        opportunities.opportunity_id as record_id,
        'customer' as to_stage,
        opportunities.created_at as from_at,
        coalesce(opportunities.amount, 0) as record_value
    from opportunities
    cross join windows
    where
        not opportunities.is_closed
        and opportunities.created_at <= windows.as_of_at
        and opportunities.created_at > windows.chance_from_at

),

open_funnel as (

    select
        staged_kpis.kpi,
        open_people.record_id,
        open_people.from_at,
        open_people.record_value
    from staged_kpis
    inner join open_people
        on staged_kpis.to_stage = open_people.to_stage
    where staged_kpis.kpi_kind = 'count'

    union all

    select
        staged_kpis.kpi,
        open_opportunities.record_id,
        open_opportunities.from_at,
        open_opportunities.record_value
    from staged_kpis
    inner join open_opportunities
        on staged_kpis.to_stage = open_opportunities.to_stage
    where staged_kpis.kpi_kind = 'amount'

),

expected_dates as (

    select
        open_funnel.kpi,
        open_funnel.record_value,
        {{ to_reporting_date(dbt.dateadd(
            'second',
            'cast(round(measured_velocity.days_mean * 86400) as ' ~ dbt.type_bigint() ~ ')',
            'open_funnel.from_at')) }} as expected_on
    from open_funnel
    inner join staged_kpis
        on open_funnel.kpi = staged_kpis.kpi
    inner join measured_velocity
        on staged_kpis.to_stage = measured_velocity.to_stage
    where measured_velocity.days_mean is not null

),

open_totals as (

    select
        expected_dates.kpi,
        count(*) as open_records,
        sum(expected_dates.record_value) as open_value,
        sum(
            case
                when expected_dates.expected_on <= windows.month_end
                    then expected_dates.record_value
                else 0
            end
        ) as open_value_by_month_end,
        sum(
            case
                when expected_dates.expected_on <= windows.quarter_end
                    then expected_dates.record_value
                else 0
            end
        ) as open_value_by_quarter_end
    from expected_dates
    cross join windows
    group by expected_dates.kpi

),

final as (

    select
        staged_kpis.kpi,
        measured_velocity.from_stage,
        staged_kpis.to_stage,
        windows.as_of_date,
        windows.month_end,
        windows.quarter_end,
        cast(measured_velocity.conversion_rate as {{ dbt.type_numeric() }}) as conversion_rate,
        cast(measured_velocity.days_mean as {{ dbt.type_numeric() }}) as days_mean,
        cast(coalesce(open_totals.open_records, 0) as {{ dbt.type_bigint() }}) as open_records,
        cast(coalesce(open_totals.open_value, 0) as {{ dbt.type_numeric() }}) as open_value,
        cast(
            measured_velocity.conversion_rate * coalesce(open_totals.open_value_by_month_end, 0)
            as {{ dbt.type_numeric() }}
        ) as expected_by_month_end,
        cast(
            measured_velocity.conversion_rate * coalesce(open_totals.open_value_by_quarter_end, 0)
            as {{ dbt.type_numeric() }}
        ) as expected_by_quarter_end
    from staged_kpis
    cross join windows
    left join measured_velocity
        on staged_kpis.to_stage = measured_velocity.to_stage
    left join open_totals
        on staged_kpis.kpi = open_totals.kpi

)

select * from final
