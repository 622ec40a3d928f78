"""Done when: an incremental build after the world moved on gives the same marts as a full
refresh (and both agree with the advanced world's truth)."""

from __future__ import annotations

import shutil
from pathlib import Path

import duckdb

from sandbox.generator import Truth, advance
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.dbt.truth_check import compare_with_truth

COMPARED = ("marts.dim_people", "marts.fct_lifecycle_events", "marts.fct_lead_handoffs",
            "marts.fct_opportunities", "marts.fct_campaign_performance",
            "marts.rpt_definition_drift", "intermediate.int_lifecycle_events")


def _rows(warehouse: Path, table: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        columns = [c[0] for c in con.execute(f"describe {table}").fetchall()
                   if c[0] != "extracted_at"]   # when a row landed differs between loads
        return con.execute(f"select {', '.join(columns)} from {table} "
                           f"order by all").fetchall()


def test_incremental_equals_full_refresh(built_warehouse: Path, tmp_path: Path,
                                         world_and_truth: tuple[World, Truth]) -> None:
    world, _ = world_and_truth
    later, later_truth = advance(world, 3)
    incremental = tmp_path / "incremental.duckdb"
    shutil.copy(built_warehouse, incremental)
    received = load_world(incremental, later, "advance-3d", incremental=True)
    assert received["raw_hubspot.contacts"] < len(later.hubspot["contacts"])  # a real delta

    dbt_invoke(incremental, tmp_path, "build", vars={"as_of": later_truth.clock})
    with duckdb.connect(str(incremental), read_only=True) as con:
        assert con.execute("select count(*) from intermediate.int_lifecycle_events "
                           "where extracted_at > (select min(extracted_at) from "
                           "intermediate.int_lifecycle_events)").fetchone()[0] > 0

    full = tmp_path / "full.duckdb"
    shutil.copy(incremental, full)
    dbt_invoke(full, tmp_path, "build", "--full-refresh", vars={"as_of": later_truth.clock})

    for table in COMPARED:
        assert _rows(incremental, table) == _rows(full, table), table
    assert compare_with_truth(incremental, later_truth) == []
