"""The HubSpot asset on HubSpot's timing edges, over real HTTP: search indexing lag (a lookback
overlap reads late-indexed records) and the daily call limit (a clean stop, resumed next day)."""

from __future__ import annotations

from typing import Any

import dagster as dg
import duckdb
import numpy as np
import pytest
import requests

from connectors.cursors import to_millis
from pipelines.defs import resources as code_location_resources
from pipelines.defs.hubspot import STREAMS as HUBSPOT_STREAMS
from pipelines.defs.hubspot import hubspot_raw
from pipelines.ingestion import asset_key
from pipelines.streams import ALL_STREAMS, HUBSPOT_CONTACTS
from pipelines.warehouse import open_warehouse
from sandbox.app import Sandbox, SandboxSettings
from sandbox.hubspot_search import IndexLag
from sandbox.world import World

pytestmark = pytest.mark.slow

# The test world changes about ten contacts a day, so the delay is stretched from HubSpot's
# seconds to hours for several records to fall inside it; the lookback covers the longest one.
LAG = IndexLag(median_seconds=8 * 3600, max_seconds=3 * 86400)
LOOKBACK = str(3 * 86400)


@pytest.fixture
def fast_env(monkeypatch):
    monkeypatch.setenv("HUBSPOT_CALLS_PER_10_SECONDS", "100000")
    monkeypatch.setenv("HUBSPOT_SEARCH_CALLS_PER_SECOND", "100000")


def ingest(full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """The HubSpot asset alone, with the code location's resources (read from the environment
    now), without dbt and its checks on the raw tables."""
    resources = code_location_resources.resources().resources
    return dg.materialize([hubspot_raw], resources=resources,
                          run_config={"ops": {"hubspot_raw": {"config": {
                              "full_refresh": full_refresh}}}},
                          raise_on_error=False)


def lagging() -> SandboxSettings:
    settings = SandboxSettings.unlimited()
    settings.hubspot_index_lag = LAG
    return settings


def unindexed_contacts(world: World) -> tuple[set[str], int]:
    """(ids of the live contacts search cannot see at the world's clock, the newest
    last-modified time among those it can: the run's high-water mark), from the world JSON."""
    live = [c for c in world.hubspot["contacts"] if not c.get("archived")]
    ids = np.array([int(c["id"]) for c in live], dtype=np.int64)
    lastmod = np.array([to_millis(c["updatedAt"]) for c in live], dtype=np.int64)
    hidden = lastmod + LAG.delays_ms(ids, lastmod) > to_millis(world.clock)
    return {c["id"] for c, h in zip(live, hidden, strict=True) if h}, int(lastmod[~hidden].max())


def daily_remaining(sandbox: Sandbox) -> int:
    """The sandbox's own count of the day's calls left, after this one."""
    answer = requests.get(f"{sandbox.url}/crm/v3/owners", timeout=10, headers={
        "Authorization": f"Bearer {sandbox.hubspot_access_token}"})
    return int(answer.headers["X-HubSpot-RateLimit-Daily-Remaining"])


def raw_snapshot(warehouse) -> dict[str, list[tuple]]:
    """Every raw HubSpot table's content, without load metadata."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {spec.name: con.execute(
            f"select id, cursor_value, is_deleted, record::varchar from {spec.name} order by id"
        ).fetchall() for spec in ALL_STREAMS if spec.name.startswith("raw_hubspot.")}


def raw_ids(warehouse, table: str) -> dict[str, Any]:
    return {row[0]: row[3] for row in raw_snapshot(warehouse)[table]}


@pytest.mark.parametrize("lookback", ["0", LOOKBACK])
def test_records_search_had_not_indexed_land_with_the_next_run(
        generated, pipeline_env, fast_env, monkeypatch, lookback):
    world = generated[0]
    point_at, warehouse = pipeline_env
    monkeypatch.setenv("HUBSPOT_SEARCH_LOOKBACK_SECONDS", lookback)
    unseen, mark = unindexed_contacts(world)
    # Modified before the high-water mark but not yet indexed: a sync from the mark skips them.
    behind = {i for i in unseen if to_millis(next(
        c for c in world.hubspot["contacts"] if c["id"] == i)["updatedAt"]) < mark}
    assert behind, "the lag should hide records older than the newest visible one"
    with Sandbox(world, lagging()) as sandbox:
        point_at(sandbox)
        assert ingest().success
        assert not unseen & raw_ids(warehouse, HUBSPOT_CONTACTS.name).keys()
        later = sandbox.advance(2)
        assert ingest().success
    landed = raw_ids(warehouse, HUBSPOT_CONTACTS.name).keys()
    still_unseen, _ = unindexed_contacts(later)  # a few delays outlast two days
    assert behind - still_unseen
    missing = (behind - still_unseen) - landed
    if lookback == "0":  # the edge bites: without the overlap they are lost for good
        changed_again = {c["id"] for c in later.hubspot["contacts"]
                         if to_millis(c["updatedAt"]) >= to_millis(world.clock)}
        assert missing and not missing & changed_again
    else:
        assert not (unseen - still_unseen) - landed


def test_incremental_runs_with_lag_and_lookback_equal_a_full_refresh(
        generated, pipeline_env, fast_env, monkeypatch, tmp_path):
    point_at, warehouse = pipeline_env
    monkeypatch.setenv("HUBSPOT_SEARCH_LOOKBACK_SECONDS", LOOKBACK)
    with Sandbox(generated[0], lagging()) as sandbox:
        point_at(sandbox)
        assert ingest().success
        for days in (1, 2, 1):
            sandbox.advance(days)
            assert ingest().success
        # The index catches up; one more nightly run, then compare with a fresh full read.
        sandbox.hubspot.index_lag = None
        sandbox.set_world(sandbox.world)
        assert ingest().success
        incremental = raw_snapshot(warehouse)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "full.duckdb"))
        assert ingest(full_refresh=True).success
        full = raw_snapshot(tmp_path / "full.duckdb")
    for table, rows in full.items():
        assert incremental[table] == rows, f"{table} differs from a full refresh"
    assert len(full[HUBSPOT_CONTACTS.name]) > 1000


def test_the_daily_limit_stops_the_run_cleanly_and_the_next_day_resumes(
        generated, pipeline_env, fast_env, monkeypatch, tmp_path):
    point_at, warehouse = pipeline_env
    # The allowance is what one full sync of this world spends: the first day's run stops 10 %
    # short of it (after the contacts, about 45 calls), the next day's finishes.
    settings = SandboxSettings.unlimited()
    settings.hubspot_daily_limit = 10**6
    with Sandbox(generated[0], settings) as probe:
        point_at(probe)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "probe.duckdb"))
        assert ingest().success
        allowance = 10**6 - daily_remaining(probe) - 1  # less the call that asked
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
    reserve = -(-allowance // 10)
    settings.hubspot_daily_limit = allowance
    with Sandbox(generated[0], settings) as sandbox:
        point_at(sandbox)
        stopped = ingest()
        assert not stopped.success
        failure = stopped.get_step_failure_events()[0].step_failure_data.user_failure_data
        assert failure is not None and "HubSpot daily API limit" in failure.description
        assert f"of {allowance} used; stopping to keep {reserve} (10%) in reserve" \
            in failure.description
        materialized = {e.asset_key for e in stopped.get_asset_materialization_events()}
        assert asset_key(HUBSPOT_CONTACTS) in materialized, "the contacts landed first"
        assert len(materialized) < len(HUBSPOT_STREAMS), "and the run stopped before the end"
        # Landed streams keep their state.
        assert open_warehouse(str(warehouse)).cursor(HUBSPOT_CONTACTS) is not None
        assert daily_remaining(sandbox) >= reserve - 1, "the reserve was left unspent"

        sandbox.advance(1)  # midnight: a new allowance
        assert ingest().success
        incremental = raw_snapshot(warehouse)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "full.duckdb"))
    with Sandbox(sandbox.world, SandboxSettings.unlimited()) as fresh:
        point_at(fresh)
        assert ingest(full_refresh=True).success
    full = raw_snapshot(tmp_path / "full.duckdb")
    for table, rows in full.items():
        assert incremental[table] == rows, f"{table} differs from a full refresh"
