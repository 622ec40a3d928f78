"""The code location loads, and its pieces connect."""

import os
import re
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines import settings
from pipelines.defs.publishing import MART_ASSETS
from pipelines.paths import REPO_ROOT
from pipelines.streams import ALL_STREAMS
from tests.pipelines.conftest import load_definitions

CREDENTIALS = {"HUBSPOT_ACCESS_TOKEN": "pat-test", "SALESFORCE_CLIENT_ID": "id",
               "SALESFORCE_CLIENT_SECRET": "secret"}


@pytest.fixture
def defs(monkeypatch) -> dg.Definitions:
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    return load_definitions()


def test_nightly_job_and_schedule_exist(defs):
    assert defs.resolve_job_def("nightly") is not None
    schedule = defs.resolve_schedule_def("nightly_schedule")
    assert schedule.job_name == "nightly"
    assert schedule.cron_schedule == "0 2 * * *"


def test_ingestion_keys_equal_dbt_source_keys_so_lineage_connects(defs):
    graph = defs.resolve_asset_graph()
    staging = graph.get(dg.AssetKey(["staging", "stg_hubspot__contacts"]))
    assert dg.AssetKey(["raw_hubspot", "contacts"]) in staging.parent_keys
    leads = graph.get(dg.AssetKey(["staging", "stg_salesforce__leads"]))
    assert dg.AssetKey(["raw_salesforce", "lead"]) in leads.parent_keys
    # and those parents are materializable ingestion assets, not external stubs
    assert graph.get(dg.AssetKey(["raw_hubspot", "contacts"])).is_materializable
    assert graph.get(dg.AssetKey(["raw_salesforce", "lead"])).is_materializable


@pytest.mark.parametrize("enabled", ["", "hubspot"])
def test_the_code_location_holds_the_enabled_sources_only(enabled, monkeypatch):
    """A disabled source has no ingestion step, stream, check or dbt model in the code location,
    and its credentials are not needed to load it."""
    monkeypatch.setenv("SAMEPAGE_SOURCES", enabled)
    monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-test")
    for name in ("SALESFORCE_CLIENT_ID", "SALESFORCE_CLIENT_SECRET"):
        monkeypatch.delenv(name, raising=False)
    defs = load_definitions()
    graph = defs.resolve_asset_graph()
    keys = {key.to_user_string() for key in graph.get_all_asset_keys()}
    checks = {(check.asset_key.to_user_string(), check.name) for check in graph.asset_check_keys}
    nightly = defs.resolve_job_def("nightly")
    steps = {node.name for node in nightly.graph.node_defs}
    expected = {"hubspot": ["raw_hubspot"], "": ["raw_hubspot", "raw_salesforce"]}[enabled]

    assert {step for step in steps if step.endswith("_raw")} == {
        f"{schema.removeprefix('raw_')}_raw" for schema in expected}
    for spec in ALL_STREAMS:
        key = "/".join([spec.schema, spec.table])
        wanted = spec.schema in expected
        assert (key in keys) is wanted, key
        assert ((key, "freshness_check") in checks) is wanted, key
        assert ((key, "no_quarantined_records") in checks) is wanted, key
    # dbt's own: a disabled source's staging models and its sources' tests are not assets/checks
    assert ("staging/stg_salesforce__leads" in keys) is (enabled == "")
    assert "staging/stg_hubspot__contacts" in keys
    assert any(key.startswith("raw_salesforce/") and not name.endswith(("_records", "_drop"))
               and name != "freshness_check" for key, name in checks) is (enabled == "")
    # every set of sources builds the same marts: the ones published (read once, at import)
    assert {key for key in keys if key.startswith("marts/")} == {
        key.to_user_string() for key in MART_ASSETS.values()}
    assert "bi/published_marts" in keys


def test_the_pipeline_and_dbt_know_the_same_sources():
    """settings.KNOWN_SOURCES lists the tools of dbt's registry, known_sources() in
    macros/sources.sql, in its order (dbt's enabled_sources() keeps that order too)."""
    macros = (REPO_ROOT / "dbt_project" / "macros" / "sources.sql").read_text()
    registry = macros.split("macro known_sources()", 1)[1].split("endmacro", 1)[0]
    assert tuple(re.findall(r"'(\w+)':", registry)) == settings.KNOWN_SOURCES


def test_workspace_yaml_validates():
    env = {**os.environ, **CREDENTIALS}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-w", str(REPO_ROOT / "workspace.yaml")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful for code location samepage" in result.stdout + result.stderr


