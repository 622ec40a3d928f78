"""What the weekly digest says, as plain data: filled from the marts, rendered to Markdown/HTML."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from pipelines.agreed_definitions import goal_kpis

FUNNEL_STAGES = ("lead", "mql", "sal", "sql", "opportunity", "customer")
STATUSES = ("on_track", "at_risk", "behind")


def kpi_rank(kpi: str) -> tuple[int, str]:
    """Where a KPI stands in the catalogue's reading order (definition goal_kpis); a KPI the
    catalogue does not name goes last."""
    order = [entry.name for entry in goal_kpis()]
    return (order.index(kpi) if kpi in order else len(order), kpi)


def is_rate_kpi(kpi: str) -> bool:
    """A rate is a share (0..1); a week's rate is not the sum of its days, so it has no week
    total and reads as a percentage."""
    return any(entry.name == kpi and entry.is_rate for entry in goal_kpis())


@dataclass(frozen=True)
class Week:
    """A reporting week, Monday to Sunday inclusive."""

    start: date

    @property
    def end(self) -> date:
        return self.start + timedelta(days=6)

    @property
    def label(self) -> str:
        year, week, _ = self.start.isocalendar()
        return f"{year}-W{week:02d}"

    @classmethod
    def last_complete(cls, as_of: date) -> Week:
        """The latest Monday-to-Sunday week ending on or before ``as_of``: on a Monday morning,
        the week that ended yesterday."""
        end = as_of - timedelta(days=as_of.isoweekday() % 7)
        return cls(end - timedelta(days=6))


@dataclass(frozen=True)
class KpiScore:
    kpi: str
    description: str
    month_target: float | None
    actual_mtd: float | None
    expected_mtd: float | None
    attainment_mtd: float | None
    pace_mtd: float | None
    forecast_month_end: float | None
    status: str
    actual_week: float | None  # None for rates
    forecast_method: str = "run_rate"  # or funnel (goal_forecast_method)


@dataclass(frozen=True)
class BurnupPoint:
    day: date
    actual: float | None
    expected: float | None


@dataclass(frozen=True)
class Burnup:
    kpi: str
    month_start: date
    month_target: float | None
    points: list[BurnupPoint]


@dataclass(frozen=True)
class FunnelStage:
    stage: str
    week: int
    previous_week: int
    four_weeks: int
    # Of the people who reached the previous stage in the last four weeks, the share who reached
    # this one at or after it by the as-of date (as mql_to_sql_rate is defined). Not this stage's
    # count over the previous one's: people also reach a stage without the one before (an SQL by
    # conversion without a SAL), so that ratio can pass 100%. None for the first stage.
    conversion: float | None = None


@dataclass(frozen=True)
class SlaSummary:
    mqls: int
    met: int
    breached: int
    pending: int

    @property
    def attainment(self) -> float | None:
        """Met over decided (met + breached): pending MQLs are not yet either."""
        decided = self.met + self.breached
        return self.met / decided if decided else None


@dataclass(frozen=True)
class OwnerSla:
    owner: str
    sla: SlaSummary
    untouched: int  # breached and still not touched
    worst_response_hours: float | None  # the slowest touch among the breaches


@dataclass(frozen=True)
class CountRow:
    label: str
    week: int
    four_weeks: int


@dataclass(frozen=True)
class CampaignRoi:
    campaign: str
    campaign_type: str | None
    cost: float | None
    won_revenue: float | None
    roi: float | None


@dataclass(frozen=True)
class DriftSummary:
    people: int
    hubspot: int
    salesforce: int
    reasons: list[tuple[str, int]]


@dataclass(frozen=True)
class QuarantineRow:
    stream: str
    reason: str
    rows: int
    rows_since_week_start: int


@dataclass(frozen=True)
class WritebackSummary:
    """The agreed answers written back into the tools since the week began (per tool: fields
    written, refused by the tool, not sent for a missing field), and what the plan holds now."""

    planned_fields: int
    planned_records: int
    by_tool: list[tuple[str, int, int, int]]


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check_name: str
    severity: str
    description: str


@dataclass(frozen=True)
class NightlyRun:
    """The latest finished `nightly` run, as the Dagster instance recorded it."""

    run_id: str
    status: str
    ended_at: str | None
    failed_checks: list[FailedCheck]


@dataclass(frozen=True)
class Velocity:
    """One step of the funnel's speed (fct_stage_velocity, company-wide, by week of the earlier
    stage): the latest week whose people all had the full chance to convert
    (velocity_censoring_days), its median days, and the average median of the 4 weeks before."""

    from_stage: str
    to_stage: str
    week_start: date | None
    median_days: float | None
    four_week_average: float | None
    conversion_rate: float | None

    @property
    def trend_days(self) -> float | None:
        """Median minus the 4-week average: below 0 is faster."""
        if self.median_days is None or self.four_week_average is None:
            return None
        return self.median_days - self.four_week_average


@dataclass(frozen=True)
class CohortRow:
    cohort_month: date
    cohort_size: int
    # reach rate per window of CohortChart.windows; None while the window is not complete
    reach_rates: list[float | None]


@dataclass(frozen=True)
class CohortChart:
    """The MQL cohorts of recent months (fct_funnel_cohorts): the share of each month's MQLs who
    reached ``stage`` within each window of their MQL."""

    stage: str
    windows: list[str]
    rows: list[CohortRow]


@dataclass(frozen=True)
class Digest:
    week: Week
    as_of: date
    scorecard: list[KpiScore]
    burnups: list[Burnup]
    funnel: list[FunnelStage]
    sla_week: SlaSummary
    sla_four_weeks: SlaSummary
    owners: list[OwnerSla]
    rejections_by_reason: list[CountRow]
    rejections_by_source: list[CountRow]
    campaigns: list[CampaignRoi]
    attribution_model: str
    drift: DriftSummary
    quarantine: list[QuarantineRow]
    nightly: NightlyRun | None = None
    writeback: WritebackSummary | None = None
    velocity: tuple[Velocity, ...] = ()
    cohorts: CohortChart | None = None

    def status_counts(self) -> dict[str, int]:
        return {status: sum(score.status == status for score in self.scorecard)
                for status in STATUSES}
