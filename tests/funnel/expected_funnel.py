"""The funnel marts computed by hand, independently of dbt: stage times from a generator truth
file, windows and censoring from the definitions file, and rule_funnel_cohorts and
rule_stage_velocity written out in Python. Only each person's segment (their original source) is
read from marts.dim_people: the truth file does not carry it."""

from __future__ import annotations

import calendar
from collections import defaultdict
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

import duckdb
import yaml

from sandbox.generator import Truth
from tests.dbt.conftest import DBT_PROJECT
from tests.dbt.truth_check import record_ids

COHORT_STAGES = {"lead": ("mql", "sal", "sql", "opportunity", "customer", "rejected"),
                 "mql": ("sal", "sql", "opportunity", "customer", "rejected")}
VELOCITY_PAIRS = (("lead", "mql"), ("mql", "sal"), ("sal", "sql"), ("sql", "opportunity"),
                  ("opportunity", "customer"))
DAY = timedelta(days=1)


def definitions() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    return {name: entry["value"] for name, entry in project["vars"]["samepage_definitions"].items()}


def _instant(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _reporting_day(moment: datetime, zone: ZoneInfo) -> date:
    return moment.astimezone(zone).date()


def _next_month(day: date) -> date:
    return day + timedelta(days=calendar.monthrange(day.year, day.month)[1] - day.day + 1)


def segments_by_truth_person(warehouse: Path, truth: Truth) -> dict[str, str]:
    """Truth person id -> lead_source (dim_people.original_source, 'unknown' when missing),
    matched by the person's records in every tool."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select hubspot_contact_ids, hubspot_merged_contact_ids, salesforce_lead_ids,
                   salesforce_contact_ids, original_source
            from marts.dim_people""").fetchall()
    names = ("hubspot_contact_ids", "hubspot_merged_contact_ids", "salesforce_lead_ids",
             "salesforce_contact_ids")
    source_by_records = {record_ids(dict(zip(names, row[:4], strict=True))): row[4] or "unknown"
                         for row in rows}
    return {person["person_id"]: source_by_records[record_ids(person)] for person in truth.people}


def _segments(source: str) -> tuple[tuple[str, str], ...]:
    return (("all", "all"), ("lead_source", source))


def expected_cohorts(truth: Truth, segments: dict[str, str]) -> dict[tuple, dict[str, Any]]:
    """fct_funnel_cohorts by hand: key (cohort_type, cohort_month, segment_type, segment,
    window_name) -> the row's values."""
    agreed = definitions()
    windows, zone = agreed["cohort_windows_days"], ZoneInfo(agreed["reporting_timezone"])
    as_of = _instant(truth.clock)
    as_of_day = _reporting_day(as_of, zone)
    size: dict[tuple, int] = defaultdict(int)
    reached: dict[tuple, int] = defaultdict(int)
    for person in truth.people:
        for cohort_type, stages in COHORT_STAGES.items():
            entered = _instant(person[f"{cohort_type}_at"])
            if entered is None or entered > as_of:
                continue
            month = _reporting_day(entered, zone).replace(day=1)
            for segment in _segments(segments[person["person_id"]]):
                size[(cohort_type, month, *segment)] += 1
                for stage in stages:
                    at = _instant(person[f"{stage}_at"])
                    if at is None or at < entered or at > as_of:
                        continue   # not reached, or not at or after the entry: not progress
                    reached[(cohort_type, month, *segment, stage, "ever")] += 1
                    for window in windows:
                        if at - entered <= window * DAY:
                            reached[(cohort_type, month, *segment, stage,
                                     f"within_{window}_days")] += 1
    rows: dict[tuple, dict[str, Any]] = {}
    for (cohort_type, month, segment_type, segment), people in size.items():
        for window in [*windows, None]:
            name = "ever" if window is None else f"within_{window}_days"
            complete = window is not None and _next_month(month) + window * DAY <= as_of_day
            row: dict[str, Any] = {
                "window_days": window, "cohort_size": people,
                "cohort_age_days": (as_of_day - month).days, "is_window_complete": complete}
            for stage in COHORT_STAGES["lead"]:
                known = (window is None or complete) and stage in COHORT_STAGES[cohort_type]
                count = reached[(cohort_type, month, segment_type, segment, stage, name)]
                row[f"reached_{stage}"] = count if known else None
            rows[(cohort_type, month, segment_type, segment, name)] = row
    return rows


def percentile_cont(values: list[float], fraction: float) -> float:
    """Linear interpolation between the closest ranks, as SQL's percentile_cont."""
    ordered = sorted(values)
    position = fraction * (len(ordered) - 1)
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def expected_velocity(truth: Truth, segments: dict[str, str]) -> dict[tuple, dict[str, Any]]:
    """fct_stage_velocity by hand: key (from_stage, period_grain, period_start, segment_type,
    segment) -> the row's values."""
    agreed = definitions()
    censoring = agreed["velocity_censoring_days"] * DAY
    zone = ZoneInfo(agreed["reporting_timezone"])
    as_of = _instant(truth.clock)
    groups: dict[tuple, dict[str, Any]] = defaultdict(
        lambda: {"entered": 0, "chance": 0, "to_date": 0, "days": []})
    for person in truth.people:
        for from_stage, to_stage in VELOCITY_PAIRS:
            start, end = _instant(person[f"{from_stage}_at"]), _instant(person[f"{to_stage}_at"])
            if start is None or start > as_of:
                continue
            reached = end is not None and start <= end <= as_of
            chance = start + censoring <= as_of
            converted = chance and reached and end - start <= censoring
            day = _reporting_day(start, zone)
            for grain, period in (("month", day.replace(day=1)),
                                  ("week", day - timedelta(days=day.weekday()))):
                for segment in _segments(segments[person["person_id"]]):
                    group = groups[(from_stage, grain, period, *segment)]
                    group["to_stage"] = to_stage
                    group["entered"] += 1
                    group["chance"] += chance
                    group["to_date"] += reached
                    if converted:
                        group["days"].append((end - start) / DAY)
    rows: dict[tuple, dict[str, Any]] = {}
    for key, group in groups.items():
        days = group["days"]
        rows[key] = {
            "to_stage": group["to_stage"], "people_entered": group["entered"],
            "people_with_chance": group["chance"], "people_converted": len(days),
            "people_converted_to_date": group["to_date"],
            "conversion_rate": len(days) / group["chance"] if group["chance"] else None,
            "days_median": percentile_cont(days, 0.5) if days else None,
            "days_p75": percentile_cont(days, 0.75) if days else None,
            "days_p90": percentile_cont(days, 0.9) if days else None,
            "days_mean": sum(days) / len(days) if days else None,
        }
    return rows
