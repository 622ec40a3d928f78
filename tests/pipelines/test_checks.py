"""Asset checks on ingestion: quarantine and live-row drops are reported, not hidden."""

import copy

import dagster as dg
import pytest

from pipelines.ingestion import QUARANTINE_CHECK, ROW_COUNT_CHECK
from sandbox.app import Sandbox, SandboxSettings
from tests.pipelines.ingest import ingest

pytestmark = pytest.mark.slow
CONTACTS = dg.AssetKey(["raw_hubspot", "contacts"])
EVENTS = dg.AssetKey(["raw_hubspot", "email_events"])


def check_result(result: dg.ExecuteInProcessResult, key: dg.AssetKey, name: str):
    [evaluation] = [e for e in result.get_asset_check_evaluations()
                    if e.asset_key == key and e.check_name == name]
    return evaluation


def test_a_drop_in_live_rows_fails_the_check_and_a_bad_record_is_reported(
        generated, pipeline_env, monkeypatch):
    point_at, _ = pipeline_env
    monkeypatch.setenv("HUBSPOT_CALLS_PER_10_SECONDS", "100000")
    monkeypatch.setenv("HUBSPOT_SEARCH_CALLS_PER_SECOND", "100000")
    world, _ = generated
    instance = dg.DagsterInstance.ephemeral()
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        point_at(sandbox)
        first = ingest(instance=instance)
        assert first.success
        assert check_result(first, CONTACTS, ROW_COUNT_CHECK).passed  # nothing to compare yet

        # The next night the API answers with half the contacts gone, and one email event
        # mangled (no id): the load completes, and the checks say what went wrong.
        broken = copy.deepcopy(world)
        contacts = broken.hubspot["contacts"]
        del contacts[: len(contacts) // 2]
        events = broken.hubspot["email_events"]
        events.append({k: v for k, v in events[-1].items() if k != "id"})
        sandbox.set_world(broken)
        second = ingest(full_refresh=True, instance=instance)
    assert second.success
    drop = check_result(second, CONTACTS, ROW_COUNT_CHECK)
    assert not drop.passed
    assert drop.severity == dg.AssetCheckSeverity.ERROR
    assert drop.metadata["rows_live"].value < 0.85 * drop.metadata["previous_rows_live"].value
    assert check_result(second, CONTACTS, QUARANTINE_CHECK).passed

    quarantine = check_result(second, EVENTS, QUARANTINE_CHECK)
    assert not quarantine.passed
    assert quarantine.metadata["rows_quarantined"].value == 1
    [events_landed] = [m for m in second.asset_materializations_for_node("hubspot_raw")
                       if m.asset_key == EVENTS]
    assert events_landed.metadata["rows_inserted"].value == len(events) - 1
