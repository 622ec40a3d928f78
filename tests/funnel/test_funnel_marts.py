"""Issue 15, done when: the cohort waterfall and the stage velocity equal values computed
independently from the generator's truth file (tests/funnel/expected_funnel.py)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb

from sandbox.generator import Truth
from sandbox.world import World
from tests.funnel.expected_funnel import (
    expected_cohorts,
    expected_velocity,
    segments_by_truth_person,
)

COHORT_KEY = ("cohort_type", "cohort_month", "segment_type", "segment", "window_name")
VELOCITY_KEY = ("from_stage", "period_grain", "period_start", "segment_type", "segment")


def read_rows(warehouse: Path, table: str, key: tuple[str, ...]) -> dict[tuple, dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"select * from marts.{table}")
        names = [d[0] for d in cursor.description]
        rows = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return {tuple(row[k] for k in key): row for row in rows}


def close(got: Any, want: Any) -> bool:
    """Equal; numbers to the warehouse's 6 decimals."""
    if got is None or want is None or isinstance(want, (bool, str)):
        return got == want
    return abs(float(got) - float(want)) <= 2e-6 * max(1.0, abs(float(want)))


def differences(ours: dict[tuple, dict[str, Any]], theirs: dict[tuple, dict[str, Any]],
                limit: int = 20) -> list[str]:
    problems = [f"row only in the mart: {k}" for k in sorted(ours.keys() - theirs.keys())]
    problems += [f"row missing from the mart: {k}" for k in sorted(theirs.keys() - ours.keys())]
    for key in sorted(ours.keys() & theirs.keys()):
        problems += [f"{key} {column}: mart {ours[key][column]!r}, expected {want!r}"
                     for column, want in theirs[key].items()
                     if not close(ours[key][column], want)]
    return problems[:limit]


def test_cohort_waterfall_equals_the_truth(built_marts: Path,
                                           generated: tuple[World, Truth]) -> None:
    _, truth = generated
    expected = expected_cohorts(truth, segments_by_truth_person(built_marts, truth))
    ours = read_rows(built_marts, "fct_funnel_cohorts", COHORT_KEY)
    assert differences(ours, expected) == []
    # the check has teeth: the small world has young cohorts (null windows) and old ones
    windows = [row["is_window_complete"] for row in expected.values() if row["window_days"]]
    assert any(windows) and not all(windows)
    assert sum(row["reached_customer"] or 0 for row in expected.values()) > 0


def test_stage_velocity_equals_the_truth(built_marts: Path,
                                         generated: tuple[World, Truth]) -> None:
    _, truth = generated
    expected = expected_velocity(truth, segments_by_truth_person(built_marts, truth))
    ours = read_rows(built_marts, "fct_stage_velocity", VELOCITY_KEY)
    assert differences(ours, expected) == []
    censored = [row for row in expected.values()
                if row["people_with_chance"] < row["people_entered"]]
    assert censored and any(row["people_converted"] > 1 for row in expected.values())


def test_segments_add_up_to_all(built_marts: Path) -> None:
    """Counts of the lead_source segments add up to the company's (segment all)."""
    with duckdb.connect(str(built_marts), read_only=True) as con:
        cohorts = con.execute("""
            select cohort_type, cohort_month, window_name
            from marts.fct_funnel_cohorts
            group by cohort_type, cohort_month, window_name
            having sum(case when segment_type = 'all' then cohort_size else -cohort_size end) <> 0
                or sum(case when segment_type = 'all' then reached_sql
                            else -reached_sql end) <> 0""").fetchall()
        velocity = con.execute("""
            select from_stage, period_grain, period_start
            from marts.fct_stage_velocity
            group by from_stage, period_grain, period_start
            having sum(case when segment_type = 'all' then people_entered
                            else -people_entered end) <> 0
                or sum(case when segment_type = 'all' then people_converted
                            else -people_converted end) <> 0""").fetchall()
    assert (cohorts, velocity) == ([], [])
