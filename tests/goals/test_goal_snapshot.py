"""Point-in-time truth: last month's scorecard, as the nightly build published it, survives in the
snapshot after late-arriving records change that month (world advanced, raw reloaded, rebuilt)."""

from __future__ import annotations

import shutil
import time
from datetime import UTC, date, datetime
from pathlib import Path

import duckdb

from sandbox.generator import Truth, advance
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world

MEASURES = ("month_target", "actual_mtd", "expected_mtd", "attainment_mtd", "pace_mtd",
            "forecast_month_end", "status")
JUNE = date(2026, 6, 1)


def _june(warehouse: Path, sql: str, *params: object) -> dict[str, tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {row[0]: tuple(row[1:]) for row in con.execute(sql, list(params)).fetchall()}


def _snapshot_as_of(warehouse: Path, moment: datetime) -> dict[str, tuple]:
    """The June company rows of the snapshot as they stood at ``moment`` (naive UTC)."""
    return _june(warehouse, f"""
        select kpi, {", ".join(MEASURES)} from snapshots.goal_progress_monthly
        where segment_type = 'all' and month_start = ?
          and dbt_valid_from <= ? and (dbt_valid_to > ? or dbt_valid_to is null)""",
                 JUNE, moment, moment)


def test_last_months_scorecard_survives_late_records(goal_warehouse: Path, tmp_path: Path,
                                                     generated: tuple[World, Truth]) -> None:
    world, _ = generated
    warehouse = tmp_path / "nightly.duckdb"
    shutil.copy(goal_warehouse, warehouse)
    published = _june(warehouse, f"select kpi, {', '.join(MEASURES)} "
                                 "from marts.rpt_goal_scorecard where period_start = ?", JUNE)
    assert len(published) == 8
    # the snapshot's validity uses the database clock: a moment between the two builds
    time.sleep(1.0)
    between = datetime.now(UTC).replace(tzinfo=None)
    time.sleep(1.0)

    later, later_truth = advance(world, 20)   # June's MQLs convert, SLA windows close, ...
    load_world(warehouse, later, "advance-20d")
    dbt_invoke(warehouse, tmp_path, "build", vars={"as_of": later_truth.clock})

    rebuilt = _june(warehouse, f"""
        select kpi, {", ".join(MEASURES)} from marts.fct_goal_progress
        where segment_type = 'all' and date_day = ?""", date(2026, 6, 30))
    changed = sorted(kpi for kpi in published if published[kpi] != rebuilt[kpi])
    assert changed, "the later data should change June (late conversions, deletions, ...)"

    assert _snapshot_as_of(warehouse, between) == published      # reproduced as published
    now = datetime.now(UTC).replace(tzinfo=None)
    assert _snapshot_as_of(warehouse, now) == rebuilt            # and today's view moved on
    with duckdb.connect(str(warehouse), read_only=True) as con:
        versions = con.execute(
            "select count(*) from snapshots.goal_progress_monthly where segment_type = 'all' "
            "and month_start = ? and kpi = ?", [JUNE, changed[0]]).fetchone()[0]
    assert versions == 2
