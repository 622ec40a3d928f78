"""The digest's velocity section, cohort chart and KPI order, against values computed by hand from
the generator's truth file (stage times) and the definitions file."""

from __future__ import annotations

import re
import statistics
from datetime import date, datetime, timedelta
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from pipelines.agreed_definitions import checked_definitions, goal_kpis
from pipelines.digest import write_digest
from pipelines.digest.model import FUNNEL_STAGES, Digest
from pipelines.digest.queries import COHORT_MONTHS, COHORT_STAGE, Reader, load_digest
from pipelines.digest.render_markdown import render_markdown
from sandbox.generator import Truth
from sandbox.world import World
from tests.digest.test_render import markdown_table


@pytest.fixture(scope="module")
def digest(built_marts: Path) -> Digest:
    with duckdb.connect(str(built_marts), read_only=True) as con:
        return load_digest(Reader(con, "?"))


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _days(start: datetime, end: datetime) -> float:
    return (end - start).total_seconds() / 86400


def _censoring() -> timedelta:
    return timedelta(days=checked_definitions()["velocity_censoring_days"]["value"])


def expected_velocity(truth: Truth) -> dict[tuple[str, str], tuple | None]:
    """Per step from MQL on: (week, median days, 4-week average, conversion rate) of the latest
    week whose entrants all had the chance and some converted; None without one."""
    clock, censoring = _at(truth.clock), _censoring()
    result: dict[tuple[str, str], tuple | None] = {}
    for before, after in pairwise(FUNNEL_STAGES[1:]):
        weeks: dict[date, list[tuple[datetime, datetime | None]]] = {}
        for person in truth.people:
            start = _at(person[f"{before}_at"])
            if start is not None and start <= clock:
                monday = start.date() - timedelta(days=start.weekday())
                weeks.setdefault(monday, []).append((start, _at(person[f"{after}_at"])))

        def stats(entries):
            chance = [(s, e) for s, e in entries if s <= clock - censoring]
            converted = [_days(s, e) for s, e in chance
                         if e is not None and s <= e <= s + censoring]
            median = statistics.median(converted) if converted else None
            return len(chance), len(converted), median

        measured = {week: stats(entries) for week, entries in weeks.items()}
        full = [week for week, (chance, _, median) in measured.items()
                if chance == len(weeks[week]) and median is not None]
        if not full:
            result[(before, after)] = None
            continue
        latest = max(full)
        chance, converted, median = measured[latest]
        earlier = [measured[latest - timedelta(weeks=n)][2] for n in range(1, 5)
                   if latest - timedelta(weeks=n) in measured]
        earlier = [m for m in earlier if m is not None]
        result[(before, after)] = (latest, median,
                                   sum(earlier) / len(earlier) if earlier else None,
                                   converted / chance)
    return result


def test_velocity_equals_the_truth(digest: Digest, generated: tuple[World, Truth]) -> None:
    _, truth = generated
    expected = expected_velocity(truth)
    assert [(v.from_stage, v.to_stage) for v in digest.velocity] == list(expected)
    assert any(value is not None for value in expected.values())
    for step in digest.velocity:
        want = expected[(step.from_stage, step.to_stage)]
        if want is None:
            assert step.week_start is None and step.median_days is None
            continue
        week, median, average, rate = want
        assert step.week_start == week
        assert step.median_days == pytest.approx(median, abs=1e-5)
        assert (step.four_week_average is None) == (average is None)
        if average is not None:
            assert step.four_week_average == pytest.approx(average, abs=1e-5)
            assert step.trend_days == pytest.approx(median - average, abs=1e-5)
        assert step.conversion_rate == pytest.approx(rate)
    row = markdown_table(render_markdown(digest), "## Velocity")["MQL → SAL"]
    first = digest.velocity[0]
    assert row[1] == ("-" if first.median_days is None else f"{first.median_days:,.1f}")


def test_cohort_chart_equals_the_truth(digest: Digest, generated: tuple[World, Truth]) -> None:
    _, truth = generated
    clock = _at(truth.clock)
    chart = digest.cohorts
    assert chart is not None and chart.stage == COHORT_STAGE
    windows = checked_definitions()["cohort_windows_days"]["value"]
    assert chart.windows == [f"within_{days}_days" for days in windows] + ["ever"]
    cohorts: dict[date, list[tuple[datetime, datetime | None]]] = {}
    for person in truth.people:
        mql = _at(person["mql_at"])
        if mql is not None and mql <= clock:
            cohorts.setdefault(mql.date().replace(day=1), []).append(
                (mql, _at(person[f"{COHORT_STAGE}_at"])))
    months = sorted(cohorts)[-COHORT_MONTHS:]
    assert [row.cohort_month for row in chart.rows] == months
    for row in chart.rows:
        people = cohorts[row.cohort_month]
        assert row.cohort_size == len(people)
        next_month = (row.cohort_month + timedelta(days=32)).replace(day=1)
        for days, rate in zip([*windows, None], row.reach_rates, strict=True):
            if days is not None and next_month + timedelta(days=days) > clock.date():
                assert rate is None, (row.cohort_month, days)  # not lived through yet
                continue
            reached = sum(1 for mql, later in people if later is not None and mql <= later <= clock
                          and (days is None or _days(mql, later) <= days))
            assert rate == pytest.approx(reached / len(people)), (row.cohort_month, days)


def test_the_scorecard_reads_in_the_catalogue_order(digest: Digest) -> None:
    order = [kpi.name for kpi in goal_kpis()]
    shown = [score.kpi for score in digest.scorecard]
    assert shown == [name for name in order if name in shown]
    assert {score.forecast_method for score in digest.scorecard} <= {"run_rate", "funnel"}


def test_html_has_the_cohort_chart(digest: Digest, tmp_path: Path) -> None:
    html = write_digest(digest, tmp_path).html_path.read_text()
    [chart] = re.findall(r"<svg class='chart cohorts'.*?</svg>", html)
    rates = [row.reach_rates for row in digest.cohorts.rows]
    # a point per window lived through, a line only between two such windows side by side
    assert chart.count("<circle") == sum(r is not None for row in rates for r in row) > 0
    assert chart.count("class='series'") == sum(
        a is not None and b is not None for row in rates for a, b in pairwise(row))
