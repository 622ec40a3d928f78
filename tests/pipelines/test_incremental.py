"""Nothing lost, nothing doubled: incremental, faulted, killed and repeated runs all end with the
raw tables of one clean full refresh."""

import os
import signal
import subprocess
import sys
import time

import dagster as dg
import pytest

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from sandbox.http import FaultConfig
from sandbox.hubspot_search import IndexLag
from sandbox.salesforce import ORG_ID
from tests.pipelines.ingest import ingest, raw_snapshot

pytestmark = pytest.mark.slow

# Seed 13 at this scale has new people, updates, deletions and merges within a week (see the
# assertions below: the test refuses to pass on a world where nothing of that happens).
SEED, SCALE = 13, 2000


@pytest.fixture(scope="module")
def world():
    return generate(SEED, SCALE)[0]


@pytest.fixture
def fast_env(monkeypatch):
    # The sandbox in these tests has no rate limits; don't throttle the client either.
    monkeypatch.setenv("HUBSPOT_CALLS_PER_10_SECONDS", "100000")
    monkeypatch.setenv("HUBSPOT_SEARCH_CALLS_PER_SECOND", "100000")


def changes_between(before, after) -> dict[str, int]:
    contacts_before = {c["id"]: c for c in before.hubspot["contacts"]}
    contacts_after = {c["id"]: c for c in after.hubspot["contacts"]}
    merged = {m for c in after.hubspot["contacts"]
              for m in (c["properties"].get("hs_merged_object_ids") or "").split(";") if m}
    return {
        "new": len(contacts_after.keys() - contacts_before.keys()),
        "updated": sum(1 for i, c in contacts_after.items() if i in contacts_before
                       and c["updatedAt"] != contacts_before[i]["updatedAt"]),
        "archived": sum(1 for i, c in contacts_after.items() if c.get("archived")
                        and not contacts_before.get(i, {}).get("archived")),
        "merged": len(merged & contacts_before.keys()),
        "lead_deletions": sum(1 for lead in after.salesforce["objects"]["Lead"]
                              if lead["IsDeleted"]) - sum(
            1 for lead in before.salesforce["objects"]["Lead"] if lead["IsDeleted"]),
    }


def test_incremental_runs_over_advanced_days_equal_a_full_refresh(world, pipeline_env, fast_env,
                                                                  monkeypatch, tmp_path):
    point_at, warehouse = pipeline_env
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        assert ingest().success  # first sync: everything
        for days in (2, 2, 3):
            sandbox.advance(days)
            assert ingest().success
        changes = changes_between(world, sandbox.world)
        assert all(changes[k] > 0 for k in ("new", "updated", "archived", "merged",
                                            "lead_deletions")), changes
        incremental = raw_snapshot(warehouse)

        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "full.duckdb"))
        assert ingest(full_refresh=True).success
        full = raw_snapshot(tmp_path / "full.duckdb")
    for table, rows in full.items():
        assert incremental[table] == rows, f"{table} differs from a full refresh"
    assert len(full["raw_hubspot.contacts"]) > 1000


def test_faults_change_nothing(world, pipeline_env, fast_env, monkeypatch, tmp_path):
    point_at, warehouse = pipeline_env
    clean_file = tmp_path / "clean.duckdb"
    faults = FaultConfig(error_rate=0.08, drop_rate=0.03, truncate_rate=0.03, timeout_rate=0.01,
                         timeout_seconds=2.0, seed=11)
    # Search indexing lag on too (stretched to hours so records of the test world fall inside
    # it): both runs see the same index, so only the faults can make them differ.
    with Sandbox(world, SandboxSettings(hubspot_window_limit=None,
                                        hubspot_search_per_second=None,
                                        hubspot_index_lag=IndexLag(median_seconds=8 * 3600,
                                                                   max_seconds=3 * 86400),
                                        salesforce_token_ttl_seconds=1.0)) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(clean_file))
        assert ingest().success
        sandbox.set_faults(faults)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
        result = ingest()
        assert result.success
    retries = sum(m.metadata["api_retries"].value for m in result.asset_materializations_for_node(
        "hubspot_raw") + result.asset_materializations_for_node("salesforce_raw"))
    assert retries > 0, "the faults should have forced retries"
    assert raw_snapshot(warehouse) == raw_snapshot(clean_file)


def test_associations_catch_up_after_a_run_that_landed_only_the_contacts(
        world, pipeline_env, fast_env, monkeypatch, tmp_path):
    """A run that dies after committing contacts but before their associations: the next run
    reads the associations of every contact landed since the associations last caught up."""
    point_at, warehouse = pipeline_env
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        assert ingest().success
        sandbox.advance(3)
        assert ingest(keys=[dg.AssetKey(["raw_hubspot", "contacts"])]).success
        assert ingest().success
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "full.duckdb"))
        assert ingest(full_refresh=True).success
    table = "raw_hubspot.contact_company_associations"
    assert raw_snapshot(warehouse)[table] == raw_snapshot(tmp_path / "full.duckdb")[table]


KILLED_RUN = """
import sys
from tests.pipelines.ingest import ingest
sys.exit(0 if ingest().success else 1)
"""


def test_a_killed_run_converges_when_rerun(world, pipeline_env, fast_env, monkeypatch,
                                           tmp_path):
    point_at, warehouse = pipeline_env
    clean_file = tmp_path / "clean.duckdb"
    # Slow answers so the kill lands mid-stream.
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        sandbox.set_faults(FaultConfig(latency_ms=15))
        for kill_after in (2.0, 5.0):  # once early, once later in the run
            child = subprocess.Popen([sys.executable, "-c", KILLED_RUN], env=dict(os.environ),
                                     cwd=os.getcwd(), start_new_session=True)
            time.sleep(kill_after)
            os.killpg(child.pid, signal.SIGKILL)
            child.wait()
        sandbox.set_faults(FaultConfig())
        assert ingest().success
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(clean_file))
        assert ingest().success
    killed, clean = raw_snapshot(warehouse), raw_snapshot(clean_file)
    assert killed == clean
    for table, rows in killed.items():
        ids = [row[0] for row in rows]
        assert len(ids) == len(set(ids)), f"duplicates in {table}"


def test_no_secret_reaches_logs_or_dagster_events(world, pipeline_env, fast_env, capfd):
    point_at, _ = pipeline_env
    instance = dg.DagsterInstance.ephemeral()
    with Sandbox(world, SandboxSettings(salesforce_token_ttl_seconds=1.0)) as sandbox:
        point_at(sandbox)
        sandbox.set_faults(FaultConfig(error_rate=0.05, seed=5))
        result = ingest(instance=instance)
        assert result.success
        # every Salesforce access token the sandbox issues starts with the org id and "!"
        secrets = [sandbox.hubspot_access_token, sandbox.salesforce_client_secret,
                   f"{ORG_ID[:15]}!"]
    records = instance.all_logs(result.run_id)
    text = "\n".join(str(record) for record in records)
    captured = capfd.readouterr()
    assert "api_calls" in text  # the events were captured
    for secret in secrets:
        assert secret not in text
        assert secret not in captured.out + captured.err
