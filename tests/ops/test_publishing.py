"""The BI copy: complete, atomic, and readable by a concurrent process at every moment."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from pipelines.publishing import publish
from tests.ops.conftest import PUBLISHED, mart_keys, write_marts
from tests.pipelines.conftest import load_definitions, query
from tests.pipelines.test_definitions import CREDENTIALS


def test_publish_copies_the_marts_with_their_row_counts_in_the_old_format(tmp_path):
    warehouse, target = tmp_path / "w.duckdb", tmp_path / "bi" / "w_bi.duckdb"
    write_marts(warehouse, "run-1", {"dim_people": 3, "fct_deals": 2})
    result = publish(warehouse, target, "marts", ["dim_people", "fct_deals"], "run-1")

    assert result.row_counts == {"dim_people": 3, "fct_deals": 2}
    assert query(target, "select table_schema, table_name from information_schema.tables "
                         "order by all") == [("main", "_published"), ("marts", "dim_people"),
                                             ("marts", "fct_deals")]
    assert query(target, "select run_id, table_schema, table_name, row_count from _published "
                         "order by table_name") == [("run-1", "marts", "dim_people", 3),
                                                    ("run-1", "marts", "fct_deals", 2)]
    assert query(target, "select * from marts.dim_people order by id") == query(
        warehouse, "select * from marts.dim_people order by id")
    # readable by DuckDB 1.x, which BI drivers bundle
    assert query(target, "select tags['storage_version'] from duckdb_databases() "
                         "where not internal and database_name <> 'memory'") == [("v1.0.0+",)]
    assert sorted(p.name for p in target.parent.iterdir()) == ["w_bi.duckdb"]  # no temp left


def test_a_failed_publish_keeps_the_previous_copy(tmp_path):
    warehouse, target = tmp_path / "w.duckdb", tmp_path / "w_bi.duckdb"
    write_marts(warehouse, "run-1", {"dim_people": 3})
    publish(warehouse, target, "marts", ["dim_people"], "run-1")
    write_marts(warehouse, "run-2", {"dim_people": 5})
    with pytest.raises(duckdb.CatalogException, match="not_built_yet"):
        publish(warehouse, target, "marts", ["dim_people", "not_built_yet"], "run-2")
    assert query(target, "select distinct run_id from _published") == [("run-1",)]
    assert query(target, "select count(*) from marts.dim_people") == [(3,)]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["w.duckdb", "w_bi.duckdb"]


def start_reader(target: Path, stop: Path, *, hold: bool) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.ops.bi_reader", str(target), str(stop),
         *(["--hold"] if hold else [])],
        cwd=REPO_ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def test_concurrent_readers_never_see_an_error_or_a_half_written_copy(tmp_path):
    warehouse, target, stop = tmp_path / "w.duckdb", tmp_path / "w_bi.duckdb", tmp_path / "stop"
    tables = ["dim_people", "fct_lead_handoffs", "rpt_goal_scorecard"]
    write_marts(warehouse, "run-00", dict.fromkeys(tables, 1))
    publish(warehouse, target, "marts", tables, "run-00")
    readers = [start_reader(target, stop, hold=False), start_reader(target, stop, hold=True)]
    time.sleep(1)  # let both readers connect to run-00 before the first swap
    publishes = 12
    for n in range(1, publishes + 1):
        version = f"run-{n:02d}"
        # sizes differ per table and per publish, so a mix of two copies shows as a wrong count
        write_marts(warehouse, version, {table: 5_000 + 100 * n + 7 * i
                                         for i, table in enumerate(tables)})
        publish(warehouse, target, "marts", tables, version)
    time.sleep(0.5)
    stop.touch()
    reopening, holding = (json.loads(reader.communicate(timeout=30)[0]) for reader in readers)

    assert reopening["errors"] == [] and holding["errors"] == []
    # the reopening reader followed the publishes: each version it saw came after the one before
    assert len(reopening["versions_seen"]) >= 3, reopening
    assert reopening["versions_seen"] == sorted(reopening["versions_seen"])
    assert reopening["versions_seen"][-1] == f"run-{publishes:02d}"
    # a connection held open keeps reading the copy it opened, consistent, throughout
    assert holding["versions_seen"] == ["run-00"] and holding["checks"] > 10, holding


def test_the_asset_publishes_every_mart_of_the_dbt_project_after_them(monkeypatch, tmp_path):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
    monkeypatch.delenv("SAMEPAGE_BI_WAREHOUSE", raising=False)
    defs = load_definitions()
    marts = mart_keys(defs)
    assert marts, "the dbt project defines mart models"
    assert defs.resolve_asset_graph().get(PUBLISHED).parent_keys == marts
    assert PUBLISHED in defs.resolve_job_def("nightly").asset_layer.selected_asset_keys

    write_marts(warehouse, "stand-in", {key.path[-1]: 2 for key in marts})
    result = defs.resolve_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), asset_selection=[PUBLISHED])
    published = tmp_path / "warehouse_bi.duckdb"  # the default: beside the warehouse
    assert query(published, "select table_name, row_count, run_id from _published "
                            "order by table_name") == sorted(
        (key.path[-1], 2, result.run_id) for key in marts)
    [metadata] = [event.materialization.metadata
                  for event in result.get_asset_materialization_events()
                  if event.asset_key == PUBLISHED]
    assert metadata["tables"].value == len(marts)
    assert metadata["path"].value == str(published)
