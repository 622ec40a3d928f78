"""The code location loads, and its pieces connect."""

import os
import subprocess
import sys
from pathlib import Path

import dagster as dg
import pytest

from pipelines.paths import REPO_ROOT
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


def test_workspace_yaml_validates():
    env = {**os.environ, **CREDENTIALS}
    result = subprocess.run(
        [str(Path(sys.executable).parent / "dagster"), "definitions", "validate",
         "-w", str(REPO_ROOT / "workspace.yaml")],
        cwd=REPO_ROOT, env=env, capture_output=True, text=True, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "Validation successful for code location samepage" in result.stdout + result.stderr


