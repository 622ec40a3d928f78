{#- Point-in-time goal progress: each KPI x segment x month as the nightly build saw it on its
    last reported day (the month's end, or the as-of date for the running month). A version is
    kept whenever the numbers change (check strategy): the running month gets a version per day,
    and a closed month a new version only when late-arriving records change its past. Last
    month's scorecard as it was published on a day T:
        select * from snapshots.goal_progress_monthly
        where segment_type = 'all' and month_start = <last month>
          and dbt_valid_from <= T and (dbt_valid_to > T or dbt_valid_to is null)
    (or filter on as_of_date, the goal as-of date of the build that wrote the version). -#}
{% snapshot goal_progress_monthly %}

{{ config(
    schema='snapshots',
    unique_key='goal_month_id',
    strategy='check',
    check_cols=[
        'date_day', 'month_target', 'quarter_target', 'actual_mtd', 'actual_qtd', 'actual_ytd',
        'expected_mtd', 'expected_qtd', 'attainment_mtd', 'pace_mtd', 'forecast_month_end',
        'forecast_quarter_end', 'status', 'status_qtd', 'event_count_mtd'
    ],
    invalidate_hard_deletes=false
) }}

select
    {{ dbt.concat(['kpi', "'|'", 'segment_type', "'|'", 'segment', "'|'",
                   'cast(month_start as ' ~ dbt.type_string() ~ ')']) }} as goal_month_id,
    kpi,
    kpi_kind,
    segment_type,
    segment,
    month_start,
    quarter_start,
    date_day,
    as_of_date,
    month_target,
    quarter_target,
    actual_mtd,
    actual_qtd,
    actual_ytd,
    expected_mtd,
    expected_qtd,
    attainment_mtd,
    attainment_qtd,
    pace_mtd,
    pace_qtd,
    forecast_month_end,
    forecast_quarter_end,
    status,
    status_qtd,
    event_count_mtd
from {{ ref('fct_goal_progress') }}
where
    date_day = as_of_date
    or date_day = cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'month_start')) }} as date)

{% endsnapshot %}
