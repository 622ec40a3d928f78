{#- One row per goal KPI x segment x day: the month's and quarter's targets, actuals to date,
    expected to date, attainment, pace, a run-rate forecast and a status (rule_goal_progress in
    the definitions). Days run from the first month with a target to the as-of date; segments are
    those the targets name (all, lead_source). -#}
with

targets as (

    select * from {{ ref('goal_targets') }}

),

kpi_events as (

    select * from {{ ref('fct_kpi_events') }}

),

as_of as (

    select {{ goal_as_of_date() }} as as_of_date

),

calendar as (

    {{ dbt.date_spine('day', "cast('2024-01-01' as date)", "cast('2031-01-01' as date)") }}

),

days as (

    select
        cast(date_day as date) as date_day,
        cast({{ dbt.date_trunc('month', 'date_day') }} as date) as month_start,
        cast({{ dbt.date_trunc('quarter', 'date_day') }} as date) as quarter_start,
        cast({{ dbt.date_trunc('year', 'date_day') }} as date) as year_start
    from calendar

),

month_targets as (

    select
        kpi,
        segment_type,
        segment,
        period_month as month_start,
        target as month_target,
        coalesce(sum(target) over (
            partition by
                kpi, segment_type, segment, {{ dbt.date_trunc('quarter', 'period_month') }}
            order by period_month
            rows between unbounded preceding and 1 preceding
        ), 0) as earlier_quarter_target,
        case
            when kpi in {{ goal_kpi_list_sql('rate') }}
                then avg(target) over (
                    partition by
                        kpi, segment_type, segment, {{ dbt.date_trunc('quarter', 'period_month') }}
                )
            else sum(target) over (
                partition by
                    kpi, segment_type, segment, {{ dbt.date_trunc('quarter', 'period_month') }}
            )
        end as quarter_target
    from targets

),

goal_series as (

    select
        kpi,
        segment_type,
        segment,
        cast({{ dbt.date_trunc('year', 'min(period_month)') }} as date) as first_day
    from targets
    group by kpi, segment_type, segment

),

segment_events as (

    select
        kpi,
        'all' as segment_type,
        'all' as segment,
        event_date,
        numerator,
        denominator
    from kpi_events

    union all

    select
        kpi,
        'lead_source' as segment_type,
        lead_source as segment,
        event_date,
        numerator,
        denominator
    from kpi_events

),

daily_actuals as (

    select
        kpi,
        segment_type,
        segment,
        event_date as date_day,
        sum(numerator) as numerator_day,
        sum(denominator) as denominator_day
    from segment_events
    group by kpi, segment_type, segment, event_date

),

daily_series as (

    select
        goal_series.kpi,
        goal_series.segment_type,
        goal_series.segment,
        days.date_day,
        days.month_start,
        days.quarter_start,
        days.year_start,
        as_of.as_of_date,
        coalesce(daily_actuals.numerator_day, 0) as numerator_day,
        coalesce(daily_actuals.denominator_day, 0) as denominator_day
    from goal_series
    cross join as_of
    inner join days
        on
            goal_series.first_day <= days.date_day
            and as_of.as_of_date >= days.date_day
    left join daily_actuals
        on
            goal_series.kpi = daily_actuals.kpi
            and goal_series.segment_type = daily_actuals.segment_type
            and goal_series.segment = daily_actuals.segment
            and days.date_day = daily_actuals.date_day

),

cumulative as (

    select
        *,
        {{ period_to_date('numerator_day', 'month_start') }} as numerator_mtd,
        {{ period_to_date('denominator_day', 'month_start') }} as denominator_mtd,
        {{ period_to_date('numerator_day', 'quarter_start') }} as numerator_qtd,
        {{ period_to_date('denominator_day', 'quarter_start') }} as denominator_qtd,
        {{ period_to_date('numerator_day', 'year_start') }} as numerator_ytd,
        {{ period_to_date('denominator_day', 'year_start') }} as denominator_ytd
    from daily_series

),

with_targets as (

    select
        cumulative.*,
        month_targets.month_target,
        month_targets.quarter_target,
        month_targets.earlier_quarter_target,
        cumulative.kpi in {{ goal_kpi_list_sql('rate') }} as is_rate,
        {{ dbt.datediff('cumulative.month_start', 'cumulative.date_day', 'day') }} + 1 -- noqa: LT05
            as elapsed_month_days,
        {{ dbt.datediff('cumulative.month_start', dbt.dateadd('month', 1, 'cumulative.month_start'), 'day') }} as month_days, -- noqa: LT05
        {{ dbt.datediff('cumulative.quarter_start', 'cumulative.date_day', 'day') }} + 1 -- noqa: LT05
            as elapsed_quarter_days,
        {{ dbt.datediff('cumulative.quarter_start', dbt.dateadd('month', 3, 'cumulative.quarter_start'), 'day') }} as quarter_days -- noqa: LT05
    from cumulative
    inner join month_targets
        on
            cumulative.kpi = month_targets.kpi
            and cumulative.segment_type = month_targets.segment_type
            and cumulative.segment = month_targets.segment
            and cumulative.month_start = month_targets.month_start

),

actuals as (

    select
        *,
        case
            when is_rate then {{ safe_divide('numerator_day', 'denominator_day') }}
            else numerator_day
        end as actual_day,
        case
            when is_rate then {{ safe_divide('numerator_mtd', 'denominator_mtd') }}
            else numerator_mtd
        end as actual_mtd,
        case
            when is_rate then {{ safe_divide('numerator_qtd', 'denominator_qtd') }}
            else numerator_qtd
        end as actual_qtd,
        case
            when is_rate then {{ safe_divide('numerator_ytd', 'denominator_ytd') }}
            else numerator_ytd
        end as actual_ytd,
        case
            when is_rate then month_target
            else month_target * elapsed_month_days / month_days
        end as expected_mtd,
        case
            when is_rate then quarter_target
            else earlier_quarter_target + month_target * elapsed_month_days / month_days
        end as expected_qtd,
        case
            when is_rate then {{ safe_divide('numerator_mtd', 'denominator_mtd') }}
            else numerator_mtd * month_days / elapsed_month_days
        end as forecast_month_end,
        case
            when is_rate then {{ safe_divide('numerator_qtd', 'denominator_qtd') }}
            else numerator_qtd * quarter_days / elapsed_quarter_days
        end as forecast_quarter_end
    from with_targets

),

paced as (

    select
        *,
        {{ safe_divide('actual_mtd', 'month_target') }} as attainment_mtd,
        {{ safe_divide('actual_qtd', 'quarter_target') }} as attainment_qtd,
        {{ safe_divide('actual_mtd', 'expected_mtd') }} as pace_mtd,
        {{ safe_divide('actual_qtd', 'expected_qtd') }} as pace_qtd
    from actuals

),

final as (

    select
        {{ dbt.concat([
            'kpi', "'|'", 'segment_type', "'|'", 'segment', "'|'",
            'cast(date_day as ' ~ dbt.type_string() ~ ')'
        ]) }} as goal_progress_id,
        kpi,
        case when is_rate then 'rate' else 'volume' end as kpi_kind,
        segment_type,
        segment,
        date_day,
        month_start,
        quarter_start,
        as_of_date,
        cast(month_target as {{ dbt.type_numeric() }}) as month_target,
        cast(quarter_target as {{ dbt.type_numeric() }}) as quarter_target,
        cast(actual_day as {{ dbt.type_numeric() }}) as actual_day,
        cast(actual_mtd as {{ dbt.type_numeric() }}) as actual_mtd,
        cast(actual_qtd as {{ dbt.type_numeric() }}) as actual_qtd,
        cast(actual_ytd as {{ dbt.type_numeric() }}) as actual_ytd,
        cast(expected_mtd as {{ dbt.type_numeric() }}) as expected_mtd,
        cast(expected_qtd as {{ dbt.type_numeric() }}) as expected_qtd,
        cast(attainment_mtd as {{ dbt.type_numeric() }}) as attainment_mtd,
        cast(attainment_qtd as {{ dbt.type_numeric() }}) as attainment_qtd,
        cast(pace_mtd as {{ dbt.type_numeric() }}) as pace_mtd,
        cast(pace_qtd as {{ dbt.type_numeric() }}) as pace_qtd,
        cast(forecast_month_end as {{ dbt.type_numeric() }}) as forecast_month_end,
        cast(forecast_quarter_end as {{ dbt.type_numeric() }}) as forecast_quarter_end,
        {{ goal_status('pace_mtd') }} as status,
        {{ goal_status('pace_qtd') }} as status_qtd,
        cast(denominator_mtd as {{ dbt.type_bigint() }}) as event_count_mtd
    from paced

)

select * from final
