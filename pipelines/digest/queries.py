"""Read the week out of the marts: plain SQL that DuckDB and PostgreSQL both run.

Parameters are written ``?`` and swapped for the driver's marker (``%s`` for psycopg2), so the SQL
holds no ``%``. Dates come from Python as parameters; no engine-specific date arithmetic.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, timedelta
from decimal import Decimal
from itertools import pairwise
from typing import Any

from pipelines.digest.model import (
    FUNNEL_STAGES,
    Burnup,
    BurnupPoint,
    CampaignRoi,
    CohortChart,
    CohortRow,
    CountRow,
    Digest,
    DriftSummary,
    FunnelStage,
    KpiScore,
    OwnerSla,
    QuarantineRow,
    SlaSummary,
    Velocity,
    Week,
    WritebackSummary,
    is_rate_kpi,
    kpi_rank,
)

# The rows of fct_goal_progress that are the whole company rather than one region or source.
OVERALL_SEGMENT_TYPE = "all"
# Linear spreads credit over every touch, so no single touch model flatters one campaign.
ATTRIBUTION_MODEL = "linear"
TOP_CAMPAIGNS = 5
TOP_OWNERS = 5
TOP_DRIFT_REASONS = 5
# The cohort chart: how many MQL months back, and which later stage it follows.
COHORT_MONTHS = 6
COHORT_STAGE = "sql"
MARTS_READ = ("dim_people", "fct_lifecycle_events", "fct_lead_handoffs", "fct_campaign_performance",
              "rpt_definition_drift", "fct_goal_progress", "rpt_goal_scorecard",
              "rpt_writeback_plan", "fct_stage_velocity", "fct_funnel_cohorts")


class Reader:
    """A DB-API connection and its driver's parameter marker."""

    def __init__(self, con: Any, placeholder: str) -> None:
        self.con = con
        self.placeholder = placeholder

    def rows(self, sql: str, parameters: Sequence[Any] = ()) -> list[tuple[Any, ...]]:
        cursor = self.con.cursor()
        try:
            cursor.execute(sql.replace("?", self.placeholder), list(parameters))
            return [tuple(_plain(value) for value in row) for row in cursor.fetchall()]
        finally:
            cursor.close()


def _plain(value: Any) -> Any:
    # numeric(28,6) arrives as Decimal; the renderers only need floats.
    return float(value) if isinstance(value, Decimal) else value


def _as_date(value: Any) -> date:
    return date.fromisoformat(value) if isinstance(value, str) else value


def load_digest(reader: Reader) -> Digest:
    """The digest for the last complete week before the goal models' as-of date."""
    as_of = scorecard_as_of(reader)
    week = Week.last_complete(as_of)
    four_weeks_start = week.end - timedelta(days=27)
    return Digest(
        week=week,
        as_of=as_of,
        scorecard=scorecard(reader, as_of, week),
        burnups=burnups(reader, as_of),
        funnel=funnel(reader, week, as_of),
        sla_week=sla_summary(reader, week.start, week.end),
        sla_four_weeks=sla_summary(reader, four_weeks_start, week.end),
        owners=worst_owners(reader, week.start, week.end),
        rejections_by_reason=rejections(reader, week, "events.rejection_reason"),
        rejections_by_source=rejections(reader, week, "people.original_source"),
        campaigns=top_campaigns(reader),
        attribution_model=ATTRIBUTION_MODEL,
        drift=drift(reader),
        quarantine=quarantine(reader, week),
        writeback=writeback(reader, week),
        velocity=velocity(reader),
        cohorts=cohort_chart(reader, as_of),
    )


def scorecard_as_of(reader: Reader) -> date:
    [(as_of,)] = reader.rows("select max(as_of_date) from marts.rpt_goal_scorecard")
    if as_of is None:
        raise ValueError("marts.rpt_goal_scorecard is empty: build the goal models first")
    return _as_date(as_of)


def scorecard(reader: Reader, as_of: date, week: Week) -> list[KpiScore]:
    """The scorecard's line per KPI, with the week's own total for the additive KPIs."""
    lines = reader.rows("""
        select kpi, kpi_description, month_target, actual_mtd, expected_mtd, attainment_mtd,
               pace_mtd, forecast_month_end, status, forecast_method
        from marts.rpt_goal_scorecard
        where as_of_date = ?
    """, [as_of])
    week_totals = dict(reader.rows("""
        select kpi, sum(actual_day)
        from marts.fct_goal_progress
        where segment_type = ? and date_day between ? and ?
        group by kpi
    """, [OVERALL_SEGMENT_TYPE, week.start, week.end]))
    scores = [KpiScore(*line[:-1], actual_week=None if is_rate_kpi(line[0])
                       else week_totals.get(line[0], 0.0), forecast_method=line[-1])
              for line in lines]
    return sorted(scores, key=lambda score: kpi_rank(score.kpi))


def velocity(reader: Reader) -> tuple[Velocity, ...]:
    """Each step from MQL on: the latest week of fct_stage_velocity whose entrants all had the
    chance to convert and some converted, against the average median of the 4 weeks before it.
    Younger weeks have no median yet (a conversion can still come), so the latest measured week
    trails the digest's week by velocity_censoring_days."""
    rows = reader.rows("""
        select pair_order, from_stage, to_stage, period_start, people_entered, people_with_chance,
               conversion_rate, days_median
        from marts.fct_stage_velocity
        where period_grain = 'week' and segment_type = 'all'
        order by pair_order, period_start
    """)
    steps = []
    for _, from_stage, to_stage in sorted({row[:3] for row in rows}):
        if from_stage not in FUNNEL_STAGES[1:]:
            continue  # MQL to SQL to won: the steps sales and marketing hand over
        weeks = {_as_date(row[3]): row for row in rows if row[1:3] == (from_stage, to_stage)}
        measured = [start for start, row in weeks.items()
                    if row[4] and row[5] == row[4] and row[7] is not None]
        if not measured:
            steps.append(Velocity(from_stage, to_stage, None, None, None, None))
            continue
        latest = max(measured)
        before = [weeks[latest - timedelta(weeks=n)][7] for n in range(1, 5)
                  if latest - timedelta(weeks=n) in weeks]
        medians = [median for median in before if median is not None]
        steps.append(Velocity(from_stage, to_stage, latest, weeks[latest][7],
                              sum(medians) / len(medians) if medians else None,
                              weeks[latest][6]))
    return tuple(steps)


def cohort_chart(reader: Reader, as_of: date) -> CohortChart:
    """The last COHORT_MONTHS MQL cohorts (company-wide) and their reach rate of COHORT_STAGE by
    window; a window a cohort has not lived through yet has no rate, "ever" is the rate to date."""
    first_month = as_of.replace(day=1)
    for _ in range(COHORT_MONTHS - 1):
        first_month = (first_month - timedelta(days=1)).replace(day=1)
    rows = reader.rows(f"""
        select cohort_month, window_name, window_days, cohort_size, is_window_complete,
               reached_{COHORT_STAGE}
        from marts.fct_funnel_cohorts
        where cohort_type = 'mql' and segment_type = 'all' and cohort_month >= ?
        order by cohort_month, window_days nulls last
    """, [first_month])
    windows = list(dict.fromkeys(row[1] for row in sorted(
        rows, key=lambda row: (row[2] is None, row[2] or 0))))
    by_month: dict[date, dict[str, tuple[Any, ...]]] = {}
    for row in rows:
        by_month.setdefault(_as_date(row[0]), {})[row[1]] = row
    return CohortChart(COHORT_STAGE, windows, [
        CohortRow(month, int(next(iter(cells.values()))[3]),
                  [_reach_rate(cells.get(window)) for window in windows])
        for month, cells in sorted(by_month.items())])


def _reach_rate(cell: tuple[Any, ...] | None) -> float | None:
    """reached / cohort size of one window, None while the window is not lived through (ever,
    without days, is the rate to date)."""
    if cell is None or cell[5] is None or not cell[3] or not (cell[4] or cell[2] is None):
        return None
    return cell[5] / cell[3]


def burnups(reader: Reader, as_of: date) -> list[Burnup]:
    """Each KPI's month so far: actual and expected to date per day, and the month's target."""
    month_start = as_of.replace(day=1)
    rows = reader.rows("""
        select kpi, date_day, actual_mtd, expected_mtd, month_target
        from marts.fct_goal_progress
        where segment_type = ? and month_start = ? and date_day <= ?
        order by kpi, date_day
    """, [OVERALL_SEGMENT_TYPE, month_start, as_of])
    by_kpi: dict[str, list[tuple[Any, ...]]] = {}
    for row in rows:
        by_kpi.setdefault(row[0], []).append(row)
    return [Burnup(kpi, month_start, days[-1][4],
                   [BurnupPoint(_as_date(day), actual, expected)
                    for _, day, actual, expected, _ in days])
            for kpi, days in sorted(by_kpi.items(), key=lambda item: kpi_rank(item[0]))]


def funnel(reader: Reader, week: Week, as_of: date) -> list[FunnelStage]:
    """People reaching each agreed stage in the week, the week before, and the last four weeks,
    and each stage's conversion from the one before (see ``FunnelStage.conversion``)."""
    previous = week.start - timedelta(days=7)
    four_weeks = week.end - timedelta(days=27)
    counts = {row[0]: row[1:] for row in reader.rows("""
        select
            lifecycle_stage,
            count(distinct person_id) filter (where reached_on between ? and ?),
            count(distinct person_id) filter (where reached_on between ? and ?),
            count(distinct person_id) filter (where reached_on between ? and ?)
        from marts.fct_lifecycle_events
        group by lifecycle_stage
    """, [week.start, week.end, previous, previous + timedelta(days=6), four_weeks, week.end])}
    steps = list(pairwise(FUNNEL_STAGES))
    converted = {row[0]: row[1:] for row in reader.rows(f"""
        with steps (from_stage, to_stage) as (
            values {", ".join("(?, ?)" for _ in steps)}
        )
        select
            steps.to_stage,
            count(distinct earlier.person_id),
            count(distinct later.person_id)
        from steps
        inner join marts.fct_lifecycle_events as earlier
            on earlier.lifecycle_stage = steps.from_stage
        left join marts.fct_lifecycle_events as later
            on
                later.person_id = earlier.person_id
                and later.lifecycle_stage = steps.to_stage
                and later.reached_at >= earlier.reached_at
                and later.reached_on <= ?
        where earlier.reached_on between ? and ?
        group by steps.to_stage
    """, [*(stage for step in steps for stage in step), as_of, four_weeks, week.end])}
    return [FunnelStage(stage, *counts.get(stage, (0, 0, 0)),
                        conversion=_share(*converted.get(stage, (0, 0))) if i else None)
            for i, stage in enumerate(FUNNEL_STAGES)]


def _share(cohort: int, reached: int) -> float | None:
    return reached / cohort if cohort else None


def sla_summary(reader: Reader, start: date, end: date) -> SlaSummary:
    """The handoff SLA of the MQLs reported between ``start`` and ``end``."""
    [row] = reader.rows("""
        select
            count(*),
            count(*) filter (where sla_status = 'met'),
            count(*) filter (where sla_status = 'breached'),
            count(*) filter (where sla_status = 'pending')
        from marts.fct_lead_handoffs
        where mql_reported_on between ? and ?
    """, [start, end])
    return SlaSummary(*row)


def worst_owners(reader: Reader, start: date, end: date) -> list[OwnerSla]:
    """Owners with SLA breaches among the week's MQLs, most breaches first."""
    rows = reader.rows("""
        select
            coalesce(owner_name, owner_user_id, '(no owner)') as owner,
            count(*),
            count(*) filter (where sla_status = 'met'),
            count(*) filter (where sla_status = 'breached'),
            count(*) filter (where sla_status = 'pending'),
            count(*) filter (where sla_status = 'breached' and first_touch_at is null),
            max(response_hours) filter (where sla_status = 'breached')
        from marts.fct_lead_handoffs
        where mql_reported_on between ? and ?
        group by coalesce(owner_name, owner_user_id, '(no owner)')
        having count(*) filter (where sla_status = 'breached') > 0
        order by 4 desc, 6 desc, 1
    """, [start, end])
    return [OwnerSla(owner, SlaSummary(mqls, met, breached, pending), untouched, worst)
            for owner, mqls, met, breached, pending, untouched, worst in rows[:TOP_OWNERS]]


def rejections(reader: Reader, week: Week, label_column: str) -> list[CountRow]:
    """Rejected MQLs in the week and the last four weeks, by ``label_column`` (a fixed column of
    the query below, never user input)."""
    four_weeks = week.end - timedelta(days=27)
    rows = reader.rows(f"""
        select
            coalesce({label_column}, '(not given)') as label,
            count(*) filter (where events.reached_on between ? and ?),
            count(*)
        from marts.fct_lifecycle_events as events
        inner join marts.dim_people as people
            on events.person_id = people.person_id
        where events.lifecycle_stage = 'rejected' and events.reached_on between ? and ?
        group by coalesce({label_column}, '(not given)')
        order by 3 desc, 2 desc, 1
    """, [week.start, week.end, four_weeks, week.end])
    return [CountRow(*row) for row in rows]


def top_campaigns(reader: Reader) -> list[CampaignRoi]:
    rows = reader.rows("""
        select campaign_name, campaign_type, campaign_cost, attributed_won_revenue,
               return_on_investment
        from marts.fct_campaign_performance
        where attribution_model = ? and return_on_investment is not null
        order by return_on_investment desc, campaign_name
    """, [ATTRIBUTION_MODEL])
    return [CampaignRoi(*row) for row in rows[:TOP_CAMPAIGNS]]


def drift(reader: Reader) -> DriftSummary:
    [(people, hubspot, salesforce)] = reader.rows("""
        select
            count(*),
            count(*) filter (where has_hubspot_drift),
            count(*) filter (where has_salesforce_drift)
        from marts.rpt_definition_drift
    """)
    reasons = reader.rows("""
        select drift_reason, count(*)
        from marts.rpt_definition_drift
        group by drift_reason
        order by 2 desc, 1
    """)
    return DriftSummary(people, hubspot, salesforce, reasons[:TOP_DRIFT_REASONS])


def quarantine(reader: Reader, week: Week) -> list[QuarantineRow]:
    """Records the loader could not key, by stream and reason, and how many landed since the week
    began (so Monday's nightly run counts too)."""
    rows = reader.rows("""
        select stream, reason, count(*),
               count(*) filter (where _extracted_at >= cast(? as timestamptz))
        from raw_meta.quarantine
        group by stream, reason
        order by 3 desc, 1, 2
    """, [f"{week.start.isoformat()}T00:00:00Z"])
    return [QuarantineRow(*row) for row in rows]


def writeback(reader: Reader, week: Week) -> WritebackSummary:
    """What samepage wrote into the tools since the week began (raw_meta.writeback_log, there
    once a run applied a plan) and what it would write now (marts.rpt_writeback_plan)."""
    [(fields, records)] = reader.rows("""
        select count(*), count(distinct tool || ':' || object_type || ':' || record_id)
        from marts.rpt_writeback_plan
    """)
    [(logged,)] = reader.rows("""
        select count(*) from information_schema.tables
        where table_schema = 'raw_meta' and table_name = 'writeback_log'
    """)
    by_tool = reader.rows("""
        select tool,
               count(*) filter (where status = 'written'),
               count(*) filter (where status = 'failed'),
               count(*) filter (where status = 'skipped')
        from raw_meta.writeback_log
        where logged_at >= cast(? as timestamp)
        group by tool
        order by tool
    """, [f"{week.start.isoformat()} 00:00:00"]) if logged else []
    return WritebackSummary(fields, records, [tuple(row) for row in by_tool])
