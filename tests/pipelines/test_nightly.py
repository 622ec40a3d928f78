"""The nightly job end to end: sandbox -> raw tables -> dbt -> marts."""

import dagster as dg
import pytest

from sandbox.app import Sandbox
from tests.dbt.truth_check import compare_with_truth
from tests.pipelines.conftest import load_definitions, query, run_nightly

pytestmark = pytest.mark.slow


def test_nightly_marts_agree_with_the_truth_and_a_rerun_changes_nothing(generated,
                                                                         pipeline_env):
    """Sandbox -> connectors -> raw -> dbt -> marts, through the real job, equals what the
    generator says really happened to every person."""
    point_at, warehouse = pipeline_env
    world, truth = generated
    with Sandbox(world) as sandbox:
        point_at(sandbox)
        defs = load_definitions()
        assert run_nightly(defs).success
        assert compare_with_truth(warehouse, truth) == []
        people = query(warehouse, "select count(*) from marts.dim_people")[0][0]
        assert people == len(truth.people)

        # A second run changes nothing: nothing lost, nothing doubled.
        before = {table: query(warehouse, f"select * from marts.{table} order by all")
                  for table in ("dim_people", "fct_lead_handoffs", "fct_opportunities")}
        assert run_nightly(defs).success
        for table, rows in before.items():
            assert query(warehouse, f"select * from marts.{table} order by all") == rows, table


def test_a_refused_credential_fails_with_one_line_naming_the_variables(generated, pipeline_env,
                                                                       monkeypatch):
    point_at, _ = pipeline_env
    with Sandbox(generated[0]) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-revoked")
        result = load_definitions().resolve_job_def("nightly").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
            asset_selection=[dg.AssetKey(["raw_hubspot", "contacts"])])
    assert not result.success
    failures = [event.step_failure_data.error for event in result.all_events
                if event.is_step_failure]
    assert failures
    description = failures[0].message
    assert "HubSpot refused the access token" in description
    assert "HUBSPOT_ACCESS_TOKEN" in description
    assert "pat-na1-revoked" not in description
