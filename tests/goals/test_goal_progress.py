"""Done when: fct_goal_progress and the scorecard match goal progress computed by hand from the
truth file and the targets CSV (expected_goals.py), for every KPI on days around month, quarter and
year boundaries, and the scorecard shows the as-of date."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import duckdb
import pytest

from sandbox.generator import Truth
from sandbox.world import World
from tests.goals.expected_goals import KPIS, as_of_date, close, progress

COLUMNS = ("month_target", "quarter_target", "actual_day", "actual_mtd", "actual_qtd",
           "actual_ytd", "expected_mtd", "expected_qtd", "attainment_mtd", "pace_mtd",
           "forecast_month_end", "forecast_quarter_end", "status")
SCORECARD_COLUMNS = tuple(c for c in COLUMNS if c != "actual_day")
# year start, a quarter's last and first day, a month's last and first day, mid-month, as-of date
DAYS = (date(2026, 1, 1), date(2026, 3, 31), date(2026, 4, 1), date(2026, 5, 31),
        date(2026, 6, 1), date(2026, 6, 15), date(2026, 6, 30))


def _rows(warehouse: Path, sql: str, *params: object) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(sql, list(params))
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]


def _mismatches(got: dict, want, columns: tuple[str, ...] = COLUMNS) -> list[str]:
    return [f"{column}: dbt {got[column]}, by hand {want[column]}"
            for column in columns if not close(got[column], want[column])]


def test_as_of_date_is_the_last_complete_day(goal_warehouse: Path,
                                             generated: tuple[World, Truth]) -> None:
    _, truth = generated
    assert as_of_date(truth) == date(2026, 6, 30)
    rows = _rows(goal_warehouse, "select distinct as_of_date, max(date_day) as last_day "
                                 "from marts.fct_goal_progress group by as_of_date")
    assert rows == [{"as_of_date": date(2026, 6, 30), "last_day": date(2026, 6, 30)}]


@pytest.mark.parametrize("kpi", KPIS)
def test_goal_progress_matches_hand_computed(goal_warehouse: Path,
                                             generated: tuple[World, Truth], kpi: str) -> None:
    _, truth = generated
    problems = []
    for day in DAYS:
        got = _rows(goal_warehouse, "select * from marts.fct_goal_progress where kpi = ? and "
                                    "segment_type = 'all' and date_day = ?", kpi, day)
        assert len(got) == 1, (kpi, day)
        problems += [f"{kpi} {day} {p}" for p in _mismatches(got[0], progress(truth, kpi, day))]
    assert problems == []


def test_month_to_date_restarts_and_quarter_continues(goal_warehouse: Path) -> None:
    rows = {r["date_day"]: r for r in _rows(
        goal_warehouse, "select * from marts.fct_goal_progress where kpi = 'mqls' and "
                        "segment_type = 'all' and date_day in (?, ?)",
        date(2026, 5, 31), date(2026, 6, 1))}
    may, june = rows[date(2026, 5, 31)], rows[date(2026, 6, 1)]
    assert june["actual_mtd"] == june["actual_day"]
    assert june["actual_qtd"] == may["actual_qtd"] + june["actual_day"]
    assert may["expected_mtd"] == may["month_target"]          # the full month is expected


def test_scorecard_is_the_as_of_day(goal_warehouse: Path, generated: tuple[World, Truth]) -> None:
    _, truth = generated
    day = as_of_date(truth)
    rows = _rows(goal_warehouse, "select * from marts.rpt_goal_scorecard order by kpi")
    assert sorted(r["kpi"] for r in rows) == sorted(KPIS)
    problems = []
    for row in rows:
        assert row["as_of_date"] == day and row["period_start"] == date(2026, 6, 1)
        assert row["kpi_description"]
        want = progress(truth, row["kpi"], day)
        problems += [f"{row['kpi']} {p}" for p in _mismatches(row, want, SCORECARD_COLUMNS)]
    assert problems == []
