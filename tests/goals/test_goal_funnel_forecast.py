"""The funnel forecast (rule_goal_funnel_forecast) equals one computed by hand from the truth
file's stage times and the world's Opportunities: the measured velocity pooled over the lookback
months, the open funnel as of the clock and what it is expected to add by the month and quarter
end. With goal_forecast_method funnel the scorecard shows actual to date plus that."""

from __future__ import annotations

import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.agreed_definitions import checked_definitions, goal_kpis
from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.goals.expected_goals import as_of_date, close

STAGES = ("lead", "mql", "sal", "sql", "opportunity", "customer")


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _quarter_end(day: date) -> date:
    return _month_end(date(day.year, 3 * ((day.month - 1) // 3) + 3, 1))


def _month_end(day: date) -> date:
    next_month = date(day.year + (day.month == 12), day.month % 12 + 1, 1)
    return next_month - timedelta(days=1)


def _months_back(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 - months
    return date(index // 12, index % 12 + 1, 1)


def expected_forecasts(world: World, truth: Truth) -> dict[str, dict[str, float | None]]:
    """Per KPI with a stage: conversion rate, open records and the expected additions."""
    definitions = checked_definitions()
    censoring = timedelta(days=definitions["velocity_censoring_days"]["value"])
    lookback = definitions["goal_forecast_lookback_months"]["value"]
    clock = _at(truth.clock)
    as_of = as_of_date(truth)
    lookback_start = _months_back(as_of.replace(day=1), lookback)
    month_end, quarter_end = _month_end(as_of), _quarter_end(as_of)
    people = [{stage: _at(person[f"{stage}_at"]) for stage in (*STAGES, "rejected")}
              for person in truth.people]
    opportunities = [record for record in world.salesforce_records("Opportunity")
                     if not record.get("IsDeleted")]
    result = {}
    for kpi in goal_kpis():
        if kpi.stage is None:
            continue
        to_index = STAGES.index(kpi.stage)
        before = STAGES[to_index - 1]
        # measured: entrants in the lookback months who had the chance, converted within it
        with_chance = converted = 0
        days_total = 0.0
        for person in people:
            start = person[before]
            if start is None or start > clock or not lookback_start <= start.date() <= as_of:
                continue
            if start > clock - censoring:
                continue
            with_chance += 1
            end = person[kpi.stage]
            if end is not None and start <= end <= start + censoring and end <= clock:
                converted += 1
                days_total += (end - start).total_seconds() / 86400
        rate = converted / with_chance if with_chance else None
        mean_days = days_total / converted if converted else None
        # open: reached the stage before, nothing later, not rejected, still with a chance
        if kpi.kind == "amount":
            open_records = [(_at(o["CreatedDate"]), float(o["Amount"] or 0))
                            for o in opportunities if not o["IsClosed"]]
        else:
            open_records = [
                (person[before], 1.0) for person in people
                if person[before] is not None
                and (person["rejected"] is None or person["rejected"] > clock)
                and all(person[later] is None or person[later] > clock
                        for later in STAGES[to_index:])]
        open_records = [(start, value) for start, value in open_records
                        if clock - censoring < start <= clock]
        if mean_days is None:
            open_records = []  # no expected date without a measured mean
        due = [(start + timedelta(days=mean_days)).date() for start, _ in open_records] \
            if mean_days is not None else []
        values = [value for _, value in open_records]
        result[kpi.name] = {
            "conversion_rate": rate,
            "open_records": len(open_records),
            "expected_by_month_end": None if rate is None else rate * sum(
                v for v, d in zip(values, due, strict=True) if d <= month_end),
            "expected_by_quarter_end": None if rate is None else rate * sum(
                v for v, d in zip(values, due, strict=True) if d <= quarter_end),
        }
    return result


@pytest.fixture(scope="module")
def funnel_scorecard(goal_warehouse: Path, tmp_path_factory: pytest.TempPathFactory,
                     generated: tuple[World, Truth]) -> Path:
    """The goal warehouse with the scorecard rebuilt under goal_forecast_method funnel."""
    _, truth = generated
    work = tmp_path_factory.mktemp("funnel-forecast")
    warehouse = work / "warehouse.duckdb"
    shutil.copy(goal_warehouse, warehouse)
    dbt_invoke(warehouse, work, "build", "--select", "rpt_goal_scorecard",
               vars={"as_of": truth.clock, "goal_forecast_method": "funnel"})
    return warehouse


def test_funnel_forecast_equals_the_truth(goal_warehouse: Path,
                                          generated: tuple[World, Truth]) -> None:
    world, truth = generated
    expected = expected_forecasts(world, truth)
    with duckdb.connect(str(goal_warehouse), read_only=True) as con:
        rows = con.execute("""
            select kpi, conversion_rate, open_records, expected_by_month_end,
                   expected_by_quarter_end
            from marts.fct_goal_funnel_forecast""").fetchall()
    actual = {kpi: dict(zip(("conversion_rate", "open_records", "expected_by_month_end",
                             "expected_by_quarter_end"), values, strict=True))
              for kpi, *values in rows}
    assert set(actual) == set(expected)
    # the world measures something: a forecast of nothing everywhere would prove little
    assert any(row["expected_by_month_end"] for row in expected.values())
    for kpi, row in expected.items():
        for column, value in row.items():
            assert close(actual[kpi][column], value), (kpi, column, actual[kpi][column], value)


def test_scorecard_shows_the_funnel_forecast_when_chosen(
        goal_warehouse: Path, funnel_scorecard: Path, generated: tuple[World, Truth]) -> None:
    world, truth = generated
    expected = expected_forecasts(world, truth)
    query = ("select kpi, forecast_method, actual_mtd, actual_qtd, forecast_month_end, "
             "forecast_quarter_end from marts.rpt_goal_scorecard")
    with duckdb.connect(str(goal_warehouse), read_only=True) as con:
        run_rate = {row[0]: row for row in con.execute(query).fetchall()}
    with duckdb.connect(str(funnel_scorecard), read_only=True) as con:
        funnel = {row[0]: row for row in con.execute(query).fetchall()}
    assert {row[1] for row in run_rate.values()} == {"run_rate"}
    for kpi, (_, method, actual_mtd, actual_qtd, month_end, quarter_end) in funnel.items():
        forecast = expected.get(kpi)
        if forecast is None or forecast["expected_by_month_end"] is None:
            assert method == "run_rate", kpi
            assert (month_end, quarter_end) == run_rate[kpi][4:], kpi
        else:
            assert method == "funnel", kpi
            assert close(month_end, float(actual_mtd) + forecast["expected_by_month_end"]), kpi
            assert close(quarter_end, float(actual_qtd) + forecast["expected_by_quarter_end"]), kpi
