"""HubSpot as the sales CRM, over HTTP: a HubSpot-only world is served and synced by the real
ingestion asset; pipelines, activities, deal and activity associations and lead-status history
land, and incremental runs over advanced days end with the tables of one full refresh."""

from __future__ import annotations

import json

import dagster as dg
import duckdb
import pytest

from pipelines import streams
from pipelines.ingestion import QUARANTINE_CHECK, ROW_COUNT_CHECK, asset_key
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from sandbox.generator.hubspot_crm import ACTIVITY_TYPES
from tests.pipelines.conftest import load_definitions

pytestmark = pytest.mark.slow

SEED, SCALE = 13, 2000
HUBSPOT_KEYS = [asset_key(spec) for spec in streams.ALL_STREAMS if spec.schema == "raw_hubspot"]
NEW_TABLES = ["raw_hubspot.pipelines", "raw_hubspot.deal_contact_associations",
              "raw_hubspot.deal_company_associations",
              "raw_hubspot.activity_contact_associations",
              *(f"raw_hubspot.{name}" for name in ACTIVITY_TYPES)]


@pytest.fixture(scope="module")
def world():
    return generate(SEED, SCALE, topology="hubspot")[0]


@pytest.fixture
def fast_env(monkeypatch):
    monkeypatch.setenv("HUBSPOT_CALLS_PER_10_SECONDS", "100000")
    monkeypatch.setenv("HUBSPOT_SEARCH_CALLS_PER_SECOND", "100000")


def ingest(full_refresh: bool = False) -> dg.ExecuteInProcessResult:
    """The HubSpot ingestion asset alone (the world has no Salesforce), with its own checks."""
    checks = {dg.AssetCheckKey(key, name) for key in HUBSPOT_KEYS
              for name in (QUARANTINE_CHECK, ROW_COUNT_CHECK)}
    job = load_definitions().resolve_job_def("nightly").get_subset(
        asset_selection=set(HUBSPOT_KEYS), asset_check_selection=checks)
    return job.execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
        run_config={"ops": {"hubspot_raw": {"config": {"full_refresh": full_refresh}}}})


def raw_snapshot(warehouse) -> dict[str, list[tuple]]:
    """Every raw_hubspot table's content, without load metadata."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {spec.name: con.execute(
            f"select id, cursor_value, is_deleted, record::varchar from {spec.name} order by id"
        ).fetchall() for spec in streams.ALL_STREAMS if spec.schema == "raw_hubspot"}


def _records(rows: list[tuple]) -> dict[str, dict]:
    return {row[0]: json.loads(row[3]) for row in rows}


def test_a_hubspot_only_world_lands_every_sales_crm_table(world, pipeline_env, fast_env):
    point_at, warehouse = pipeline_env
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        assert ingest().success
    raw = raw_snapshot(warehouse)
    hs = world.hubspot

    pipelines = _records(raw["raw_hubspot.pipelines"])
    assert set(pipelines) == {p["id"] for p in hs["pipelines"]["deals"]}
    won = [s["id"] for p in pipelines.values() for s in p["stages"]
           if s["metadata"] == {"isClosed": "true", "probability": "1.0"}]
    assert sorted(won) == ["87654327", "closedwon"]

    for name in ACTIVITY_TYPES:
        landed = _records(raw[f"raw_hubspot.{name}"])
        assert set(landed) == {a["id"] for a in hs[name]}, name
        assert {i for i, row in landed.items() if row["archived"]} == \
            {a["id"] for a in hs[name] if a["archived"]}, name
        assert all(row["properties"].get("hs_timestamp") for row in landed.values()), name

    activity_links = _records(raw["raw_hubspot.activity_contact_associations"])
    for name in ACTIVITY_TYPES:
        for activity in hs[name]:
            row = activity_links[f"{name}/{activity['id']}"]
            expected = [] if activity["archived"] else \
                [int(link["id"]) for link in activity["associations"]["contacts"]["results"]]
            assert [to["toObjectId"] for to in row["to"]] == expected
            assert row["objectType"] == name

    deal_contacts = _records(raw["raw_hubspot.deal_contact_associations"])
    deal_companies = _records(raw["raw_hubspot.deal_company_associations"])
    for deal in hs["deals"]:
        assert [to["toObjectId"] for to in deal_contacts[deal["id"]]["to"]] == \
            [int(x["id"]) for x in deal["associations"]["contacts"]["results"]]
        companies = deal["associations"].get("companies", {}).get("results", [])
        if companies:
            types = [t["typeId"] for t in deal_companies[deal["id"]]["to"][0]["associationTypes"]]
            assert sorted(types) == [5, 341]  # Primary and unlabeled, one company

    # merge losers leave with their survivor, deals and companies as contacts do
    deals = _records(raw["raw_hubspot.deals"])
    losers = {m for d in deals.values()
              for m in (d["properties"].get("hs_merged_object_ids") or "").split(";") if m}
    assert losers and not losers & deals.keys()
    companies = _records(raw["raw_hubspot.companies"])
    assert any(c["properties"].get("hs_merged_object_ids") for c in companies.values())

    contacts = _records(raw["raw_hubspot.contacts"])
    worked = [c for c in hs["contacts"] if "hs_lead_status" in c["propertiesWithHistory"]]
    assert worked
    for contact in worked:
        assert contacts[contact["id"]]["propertiesWithHistory"]["hs_lead_status"] == \
            contact["propertiesWithHistory"]["hs_lead_status"]
        assert contacts[contact["id"]]["properties"]["hs_lead_status"] == \
            contact["properties"]["hs_lead_status"]


def test_incremental_runs_of_the_sales_crm_streams_equal_a_full_refresh(
        world, pipeline_env, fast_env, monkeypatch, tmp_path):
    point_at, warehouse = pipeline_env
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        assert ingest().success
        first = raw_snapshot(warehouse)
        for days in (3, 4):
            sandbox.advance(days)
            assert ingest().success
        incremental = raw_snapshot(warehouse)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "full.duckdb"))
        assert ingest(full_refresh=True).success
        full = raw_snapshot(tmp_path / "full.duckdb")
    grown = [t for t in NEW_TABLES if len(incremental[t]) > len(first[t])]
    assert {"raw_hubspot.activity_contact_associations", "raw_hubspot.calls"} <= set(grown), grown
    for table in [*NEW_TABLES, "raw_hubspot.contacts", "raw_hubspot.deals",
                  "raw_hubspot.companies"]:
        assert incremental[table] == full[table], f"{table} differs from a full refresh"
