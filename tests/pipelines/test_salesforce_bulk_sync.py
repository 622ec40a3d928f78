"""Large objects' first syncs go through Bulk API 2.0 and land exactly what the REST path lands."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.ingestion import asset_key
from pipelines.streams import SALESFORCE_OBJECTS
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from tests.pipelines.ingest import ingest

pytestmark = pytest.mark.slow

KEYS = [asset_key(spec) for spec in SALESFORCE_OBJECTS.values()]


def snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {spec.name: con.execute(
            f"select id, cursor_value, is_deleted, record::varchar from {spec.name} order by id"
        ).fetchall() for spec in SALESFORCE_OBJECTS.values()}


def cursors(warehouse: Path) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute("select stream, cursor_value from raw_meta.sync_state "
                           "order by stream").fetchall()


def sync(monkeypatch, warehouse: Path, threshold: int,
         full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("SALESFORCE_BULK_THRESHOLD", str(threshold))
    result = ingest(full_refresh=full_refresh, keys=KEYS)
    assert result.success
    return result


def read_by(result: dg.ExecuteInProcessResult) -> set[str]:
    return {event.materialization.metadata["read_by"].value
            for event in result.get_asset_materialization_events()}


def test_bulk_and_rest_first_syncs_land_identical_raw_tables(pipeline_env, monkeypatch,
                                                              tmp_path):
    point_at, _ = pipeline_env
    world = generate(5, 600)[0]
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        bulk = sync(monkeypatch, tmp_path / "bulk.duckdb", threshold=0)
        rest = sync(monkeypatch, tmp_path / "rest.duckdb", threshold=10**9)
        assert read_by(bulk) == {"Bulk API 2.0 query job"} and read_by(rest) == {"REST query"}
        landed = snapshot(tmp_path / "bulk.duckdb")
        assert landed == snapshot(tmp_path / "rest.duckdb")
        assert all(landed.values()), "every object has rows"

        # The cursors committed match too: the next, incremental run starts from the same place.
        assert cursors(tmp_path / "bulk.duckdb") == cursors(tmp_path / "rest.duckdb")
