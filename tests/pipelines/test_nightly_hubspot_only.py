"""The nightly job of a HubSpot-only company (issue 13), end to end over HTTP: HubSpot alone
served by the sandbox -> the real code location with SAMEPAGE_SOURCES=hubspot and no Salesforce
credentials -> raw tables -> dbt -> marts equal to what the generator says happened. One run on a
small world, shared by every assertion here (suite time)."""

from __future__ import annotations

import os
from pathlib import Path

import dagster as dg
import pytest

from sandbox.app import Sandbox
from sandbox.generator import Truth, generate
from tests.conftest import TEST_SEED
from tests.dbt.truth_check import compare_with_truth, marts_totals
from tests.pipelines.conftest import load_definitions, query, run_nightly

pytestmark = pytest.mark.slow

# the smallest company of this seed in which every stage (customers too) is reached
SCALE = 500


@pytest.fixture(scope="module")
def hubspot_nightly(tmp_path_factory: pytest.TempPathFactory
                    ) -> tuple[Truth, Path, dg.ExecuteInProcessResult]:
    world, truth = generate(TEST_SEED, SCALE, topology="hubspot")
    warehouse = tmp_path_factory.mktemp("hubspot-only-nightly") / "warehouse.duckdb"
    with pytest.MonkeyPatch.context() as env, Sandbox(world) as sandbox:
        for name in [name for name in os.environ if name.startswith("SALESFORCE_")]:
            env.delenv(name)  # a HubSpot-only setup has no Salesforce account
        for name, value in sandbox.environment().items():
            if not name.startswith("SALESFORCE_"):
                env.setenv(name, value)
        env.setenv("SAMEPAGE_SOURCES", "hubspot")
        env.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
        result = run_nightly(load_definitions())
    return truth, warehouse, result


def test_the_hubspot_only_nightly_runs_no_salesforce_step(hubspot_nightly) -> None:
    _, warehouse, result = hubspot_nightly
    assert result.success
    steps = {event.step_key for event in result.all_events if event.is_step_success}
    assert "hubspot_raw" in steps and "samepage_dbt_models" in steps
    assert not any("salesforce" in step for step in steps)
    schemas = {row[0] for row in query(warehouse, "select schema_name from "
                                                  "information_schema.schemata")}
    assert "raw_hubspot" in schemas and "raw_salesforce" not in schemas


def test_the_hubspot_only_marts_agree_with_the_truth(hubspot_nightly) -> None:
    truth, warehouse, result = hubspot_nightly
    assert result.success
    assert compare_with_truth(warehouse, truth) == []
    assert marts_totals(warehouse) == truth.totals
    # every stage is reached in this world, so the equality tests each HubSpot rule
    assert all(truth.totals[k] > 0 for k in ("sals", "sqls", "rejected", "customers"))
