"""Stand-in goal marts with the agreed contract, for as long as the real dbt goal models are not
built in the digest tests: the actuals come from the marts, the targets from ``TARGETS``.

Only the columns the digest reads are filled the way the real models fill them; the rest exist so
the tables have the contract's shape.
"""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb

# Month targets for the test world: some KPIs ahead, some behind, so every status shows.
TARGETS = {"mqls": 6, "sals": 5, "sqls": 9, "opportunities": 8, "pipeline_created": 900_000,
           "revenue_won": 150_000, "sla_attainment": 0.8, "mql_to_sql_rate": 0.5}
RATES = ("sla_attainment", "mql_to_sql_rate")

# (numerator, denominator) per KPI and day; volume KPIs have a denominator of 1 per day.
_DAILY = """
    select 'mqls' as kpi, reached_on as day, count(*) as num, 0 as den
    from marts.fct_lifecycle_events where lifecycle_stage = 'mql' group by all
    union all
    select 'sals', reached_on, count(*), 0
    from marts.fct_lifecycle_events where lifecycle_stage = 'sal' group by all
    union all
    select 'sqls', reached_on, count(*), 0
    from marts.fct_lifecycle_events where lifecycle_stage = 'sql' group by all
    union all
    select 'opportunities', created_on, count(*), 0 from marts.fct_opportunities group by all
    union all
    select 'pipeline_created', created_on, sum(amount), 0 from marts.fct_opportunities group by all
    union all
    select 'revenue_won', cast(closed_at as date), sum(won_amount), 0
    from marts.fct_opportunities where is_won group by all
    union all
    select 'sla_attainment', mql_reported_on, count(*) filter (where sla_status = 'met'),
           count(*) filter (where sla_status in ('met', 'breached'))
    from marts.fct_lead_handoffs group by all
    union all
    select 'mql_to_sql_rate', mql_reported_on, count(*) filter (where outcome = 'qualified'),
           count(*)
    from marts.fct_lead_handoffs group by all
"""


def create_goal_tables(warehouse: Path, as_of: date) -> None:
    """``marts.fct_goal_progress`` (segment ``all``, plus one ``lead_source`` row the digest must
    ignore) and ``marts.rpt_goal_scorecard`` for the month of ``as_of``."""
    month_start = as_of.replace(day=1)
    targets = " union all ".join(f"select '{kpi}' as kpi, {target} as month_target"
                                 for kpi, target in TARGETS.items())
    with duckdb.connect(str(warehouse)) as con:
        con.execute(f"""
            create or replace table marts.fct_goal_progress as
            with days as (
                select cast(d as date) as date_day
                from range(cast(? as date), cast(? as date) + 1, interval 1 day) as t(d)
            ),
            targets as ({targets}),
            daily as ({_DAILY}),
            grid as (
                select targets.kpi, days.date_day, targets.month_target,
                       coalesce(daily.num, 0) as num, coalesce(daily.den, 0) as den,
                       targets.kpi in {RATES} as is_rate,
                       day(days.date_day) as elapsed,
                       day(last_day(days.date_day)) as month_days
                from targets cross join days
                left join daily on daily.kpi = targets.kpi and daily.day = days.date_day
            ),
            cumulative as (
                select *,
                    sum(num) over (partition by kpi order by date_day) as num_mtd,
                    sum(den) over (partition by kpi order by date_day) as den_mtd
                from grid
            ),
            actuals as (
                select *,
                    case when is_rate then num / nullif(den, 0) else num end as actual_day,
                    case when is_rate then num_mtd / nullif(den_mtd, 0) else num_mtd end
                        as actual_mtd,
                    case when is_rate then month_target
                         else month_target * elapsed / month_days end as expected_mtd
                from cumulative
            )
            select
                kpi, 'all' as segment_type, 'all' as segment, date_day,
                date_trunc('month', date_day)::date as month_start,
                date_trunc('quarter', date_day)::date as quarter_start,
                cast(? as date) as as_of_date,
                month_target, month_target * 3 as quarter_target,
                actual_day, actual_mtd, actual_mtd as actual_qtd, actual_mtd as actual_ytd,
                expected_mtd, expected_mtd as expected_qtd,
                actual_mtd / month_target as attainment_mtd,
                actual_mtd / nullif(expected_mtd, 0) as pace_mtd,
                case when is_rate then actual_mtd else actual_mtd * month_days / elapsed end
                    as forecast_month_end,
                null::double as forecast_quarter_end,
                case when actual_mtd / nullif(expected_mtd, 0) >= 1 then 'on_track'
                     when actual_mtd / nullif(expected_mtd, 0) >= 0.8 then 'at_risk'
                     else 'behind' end as status
            from actuals
            union all
            select 'mqls', 'lead_source', 'Paid Search', cast(? as date), cast(? as date),
                   cast(? as date), cast(? as date), 1000, 3000, 500, 500, 500, 500, 1, 1,
                   0.5, 500, 500, null, 'on_track'
        """, [month_start, as_of, as_of, as_of, month_start, month_start, as_of])
        con.execute("""
            create or replace table marts.rpt_goal_scorecard as
            select kpi, 'The ' || replace(kpi, '_', ' ') || ' KPI' as kpi_description,
                   month_start as period_start, as_of_date, month_target, actual_mtd,
                   expected_mtd, attainment_mtd, pace_mtd, forecast_month_end, status
            from marts.fct_goal_progress
            where segment_type = 'all' and date_day = as_of_date
        """)
