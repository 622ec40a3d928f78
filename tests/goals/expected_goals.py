"""Goal progress computed by hand, independently of dbt: KPI events from a generator truth file,
targets from the goal_targets CSV, the KPI catalogue and thresholds from the definitions file, and
the arithmetic of rule_goal_progress written out in Python."""

from __future__ import annotations

import calendar
import csv
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from pipelines.agreed_definitions import checked_definitions, goal_kpis
from sandbox.generator import Truth
from tests.dbt.conftest import DBT_PROJECT

# The catalogue (definition goal_kpis) names the KPIs; how each is counted from the truth is
# written out in kpi_events (a KPI without it there has no events and fails the comparison).
KPIS = tuple(kpi.name for kpi in goal_kpis())
RATE_KPIS = tuple(kpi.name for kpi in goal_kpis() if kpi.is_rate)


def _day(value: str | None) -> date | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")).date() if value else None


def as_of_date(truth: Truth) -> date:
    """The last complete (UTC) day before the world's clock."""
    return _day(truth.clock) - timedelta(days=1)


def thresholds() -> tuple[float, float]:
    definitions = checked_definitions()
    return (float(definitions["goal_on_track_pace"]["value"]),
            float(definitions["goal_at_risk_pace"]["value"]))


def company_targets() -> dict[tuple[str, date], float]:
    with (DBT_PROJECT / "seeds" / "goal_targets.csv").open() as fh:
        return {(row["kpi"], date.fromisoformat(row["period_month"])): float(row["target"])
                for row in csv.DictReader(fh) if row["segment_type"] == "all"}


def kpi_events(truth: Truth) -> dict[str, list[tuple[date, float, float]]]:
    """Per KPI: (day, numerator, denominator) from the truth's people, through the as-of date."""
    cutoff = as_of_date(truth)
    events: dict[str, list[tuple[date, float, float]]] = defaultdict(list)
    for person in truth.people:
        assert len(person["opportunity_ids"]) <= 1   # then person amounts are Opportunity amounts
        for kpi, field in (("mqls", "mql_at"), ("sals", "sal_at"), ("sqls", "sql_at"),
                           ("opportunities", "opportunity_at")):
            if person[field]:
                events[kpi].append((_day(person[field]), 1.0, 1.0))
        if person["opportunity_at"]:
            events["pipeline_created"].append(
                (_day(person["opportunity_at"]), person["pipeline_amount"], 1.0))
        if person["customer_at"]:
            events["revenue_won"].append((_day(person["customer_at"]), person["won_revenue"], 1.0))
        if person["mql_at"]:
            mql_day = _day(person["mql_at"])
            if person["sla_met"] is not None:
                events["sla_attainment"].append((mql_day, float(person["sla_met"]), 1.0))
            qualified = (person["sql_at"] is not None and person["sql_at"] >= person["mql_at"]
                         and _day(person["sql_at"]) <= cutoff)
            events["mql_to_sql_rate"].append((mql_day, float(qualified), 1.0))
    return {kpi: [e for e in rows if e[0] <= cutoff] for kpi, rows in events.items()}


def _month_start(day: date) -> date:
    return day.replace(day=1)


def _quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


def _add_months(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)


@dataclass
class Progress:
    values: dict[str, Any]

    def __getitem__(self, key: str) -> Any:
        return self.values[key]


def progress(truth: Truth, kpi: str, day: date) -> Progress:
    """fct_goal_progress's row for (kpi, segment all, day), by hand."""
    targets = company_targets()
    events = kpi_events(truth).get(kpi, [])
    on_track, at_risk = thresholds()
    month, quarter, year = _month_start(day), _quarter_start(day), date(day.year, 1, 1)

    def total(start: date) -> tuple[float, float]:
        rows = [(n, d) for when, n, d in events if start <= when <= day]
        return sum(n for n, _ in rows), sum(d for _, d in rows)

    def value(start: date) -> float | None:
        numerator, denominator = total(start)
        if kpi in RATE_KPIS:
            return numerator / denominator if denominator else None
        return numerator

    quarter_months = [_add_months(quarter, i) for i in range(3)]
    quarter_targets = [targets[(kpi, m)] for m in quarter_months if (kpi, m) in targets]
    month_target = targets[(kpi, month)]
    month_days = calendar.monthrange(day.year, day.month)[1]
    elapsed = day.day
    quarter_days = (_add_months(quarter, 3) - quarter).days
    elapsed_quarter = (day - quarter).days + 1
    actual_mtd, actual_qtd = value(month), value(quarter)
    if kpi in RATE_KPIS:
        quarter_target = sum(quarter_targets) / len(quarter_targets)
        expected_mtd, expected_qtd = month_target, quarter_target
        forecast_month, forecast_quarter = actual_mtd, actual_qtd
    else:
        quarter_target = sum(quarter_targets)
        expected_mtd = month_target * elapsed / month_days
        expected_qtd = sum(targets.get((kpi, m), 0.0) for m in quarter_months
                           if m < month) + expected_mtd
        forecast_month = actual_mtd * month_days / elapsed
        forecast_quarter = actual_qtd * quarter_days / elapsed_quarter

    def ratio(a: float | None, b: float | None) -> float | None:
        return None if a is None or not b else a / b

    pace = ratio(actual_mtd, expected_mtd)
    status = ("on_track" if pace is None or pace >= on_track
              else "at_risk" if pace >= at_risk else "behind")
    return Progress({
        "month_target": month_target, "quarter_target": quarter_target,
        "actual_day": value(day), "actual_mtd": actual_mtd, "actual_qtd": actual_qtd,
        "actual_ytd": value(year), "expected_mtd": expected_mtd, "expected_qtd": expected_qtd,
        "attainment_mtd": ratio(actual_mtd, month_target), "pace_mtd": pace,
        "forecast_month_end": forecast_month, "forecast_quarter_end": forecast_quarter,
        "status": status,
    })


def close(a: Any, b: Any) -> bool:
    """Equal, numbers to the warehouse's 6 decimals (relative for large amounts)."""
    if a is None or b is None or isinstance(a, str) or isinstance(b, str):
        return a == b
    return abs(float(a) - float(b)) <= 2e-6 * max(1.0, abs(float(b)))
