"""The write-back end to end over HTTP: the nightly job against a sandbox, then the official
clients read back what samepage wrote (issue 14)."""

from __future__ import annotations

import threading

import pytest
from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInput,
    SimplePublicObjectBatchInput,
)

from pipelines.defs import writeback as writeback_defs
from pipelines.writeback.log import WRITTEN
from samepage import cli
from sandbox.app import Sandbox
from sandbox.http import FaultConfig
from tests.pipelines.conftest import load_definitions
from tests.writeback.conftest import (
    checks,
    deployed,
    differences,
    materialization,
    query,
    run_nightly,
)

pytestmark = pytest.mark.slow


def _log(warehouse, run_id=None):
    where = f"where run_id = '{run_id}'" if run_id else ""
    return query(warehouse, f"select run_id, tool, object_type, record_id, field_name, "
                            f"old_value, new_value, status, error from raw_meta.writeback_log "
                            f"{where} order by all")


def test_apply_writes_the_agreed_answers_and_the_next_nightly_writes_nothing(
        small_world, planned, pipeline_env, monkeypatch):
    point_at, warehouse = pipeline_env
    planned.copy_to(warehouse)
    with Sandbox(deployed(small_world[0])) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        defs = load_definitions()
        first = run_nightly(defs)
        assert first.success
        meta = materialization(first)
        assert meta["planned_changes"] > 0 and meta["written"] == meta["planned_changes"]
        assert all(c.passed for c in checks(first).values())
        # hubspot-api-client and simple-salesforce read what the marts say, for every person
        assert differences(sandbox, warehouse) == []
        # every planned field written once, logged with its old and new value
        log = _log(warehouse, first.run_id)
        assert len(log) == meta["planned_changes"]
        assert {row[7] for row in log} == {WRITTEN}
        assert len({row[1:5] for row in log}) == len(log)
        assert len(sandbox.write_requests()) > 0

        # No loops: the next nightly re-extracts the written records and has nothing to write.
        writes_before = len(sandbox.write_requests())
        second = run_nightly(defs)
        assert second.success
        assert query(warehouse, "select count(*) from marts.rpt_writeback_plan") == [(0,)]
        assert materialization(second)["planned_changes"] == 0
        assert len(sandbox.write_requests()) == writes_before
        assert _log(warehouse, second.run_id) == []


def test_plan_mode_shows_the_plan_and_sends_no_write(planned):
    sandbox, warehouse, result = planned.sandbox, planned.warehouse, planned.result
    assert result.success
    meta = materialization(result)
    assert meta["mode"] == "plan"
    changes = query(warehouse, "select count(*) from marts.rpt_writeback_plan")[0][0]
    assert meta["planned_changes"] == changes > 0
    assert sandbox.write_requests() == []
    # the tools still show none of the agreed answers
    assert len(differences(sandbox, warehouse)) >= changes
    assert query(warehouse, "select count(*) from information_schema.tables "
                            "where table_name = 'writeback_log'") == [(0,)]


def _tamper_hubspot_stage(sandbox: Sandbox, value: str) -> list[str]:
    """Someone overwrites samepage_stage on every live contact (hubspot-api-client)."""
    client = HubSpot(access_token=sandbox.hubspot_access_token, host=sandbox.url)
    ids = [c.id for c in client.crm.contacts.get_all()]
    for start in range(0, len(ids), 100):
        client.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=i, properties={"samepage_stage": value})
            for i in ids[start:start + 100]]))
    return ids


def _hubspot_stages(sandbox: Sandbox) -> dict[str, str | None]:
    client = HubSpot(access_token=sandbox.hubspot_access_token, host=sandbox.url)
    return {c.id: c.properties.get("samepage_stage")
            for c in client.crm.contacts.get_all(properties=["samepage_stage"])}


def test_the_guard_holds_a_mass_change_the_override_applies_it_and_revert_undoes_it(
        small_world, planned, pipeline_env, monkeypatch):
    point_at, warehouse = pipeline_env
    planned.copy_to(warehouse)
    with Sandbox(deployed(small_world[0])) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        monkeypatch.setenv("SAMEPAGE_WRITEBACK_MAX_SHARE", "0.2")
        defs = load_definitions()
        assert run_nightly(defs).success  # the first fill is not a mass change
        ids = _tamper_hubspot_stage(sandbox, "tampered")

        writes = len(sandbox.write_requests())
        held = run_nightly(defs)
        assert held.success
        meta = materialization(held)
        assert meta["held_back"] is True and meta["planned_records"] >= len(ids)
        verdict = checks(held)["not_held_back"]
        assert not verdict.passed
        assert "SAMEPAGE_WRITEBACK_MAX_SHARE=0.2" in verdict.description
        assert "allow_mass_change" in verdict.description
        assert len(sandbox.write_requests()) == writes
        assert set(_hubspot_stages(sandbox).values()) == {"tampered"}

        applied = run_nightly(defs, allow_mass_change=True)
        assert applied.success and checks(applied)["not_held_back"].passed
        assert differences(sandbox, warehouse) == []
        stages = _hubspot_stages(sandbox)
        assert "tampered" not in stages.values()

        # revert puts back the logged old values, and logs itself as a run
        assert cli.main(["writeback", "revert", applied.run_id]) == 0
        assert set(_hubspot_stages(sandbox).values()) == {"tampered"}
        reverts = query(warehouse, "select count(*), min(status), max(status), "
                                   "min(new_value), max(new_value) from raw_meta.writeback_log "
                                   f"where run_id like 'revert-{applied.run_id}-%'")
        assert reverts == [(len(ids), WRITTEN, WRITTEN, "tampered", "tampered")]


def test_revert_of_a_run_that_wrote_nothing_says_so(pipeline_env, capsys):
    assert cli.main(["writeback", "revert", "no-such-run"]) == 1
    assert "wrote nothing" in capsys.readouterr().err


def test_faults_during_apply_end_as_a_clean_run_with_one_final_status_per_field(
        small_world, planned, pipeline_env, monkeypatch):
    """429/5xx, dropped connections and Salesforce sessions expiring every second while the
    nightly extracts and writes: the tools end equal to the marts, each planned field has one
    log row, written."""
    point_at, warehouse = pipeline_env
    planned.copy_to(warehouse)  # the plan to apply under faults
    changes = query(warehouse, "select count(*) from marts.rpt_writeback_plan")[0][0]
    assert changes > 0
    with Sandbox(deployed(small_world[0])) as sandbox:
        point_at(sandbox)

        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        sandbox.set_faults(FaultConfig(error_rate=0.15, drop_rate=0.05, seed=3))
        stop = threading.Event()

        def expire_sessions() -> None:
            while not stop.wait(1.0):
                sandbox.salesforce.expire_tokens()

        expiring = threading.Thread(target=expire_sessions, daemon=True)
        expiring.start()
        try:
            applied = run_nightly(load_definitions())
        finally:
            stop.set()
            expiring.join()
            sandbox.set_faults(FaultConfig())
        assert applied.success
        faulted = [r for r in sandbox.requests() if r.status in (0, 429, 500, 503)]
        assert faulted, "the faults were not injected"
        log = _log(warehouse, applied.run_id)
        assert len(log) == len({row[1:5] for row in log}) == changes
        assert {row[7] for row in log} == {WRITTEN}
        assert differences(sandbox, warehouse) == []


def test_fields_the_org_lacks_or_refuses_are_reported_and_the_rest_written(
        small_world, pipeline_env, monkeypatch, tmp_path):
    """An org where two of samepage's Salesforce fields were never deployed and the Lead
    rejection-reason field is 5 characters long. The missing fields fail `fields_exist` with the
    metadata to deploy them and are skipped; Salesforce refuses each rejected Lead whole
    (STRING_TOO_LONG): the refusals are logged with the tool's error and fail
    `every_write_accepted`, not the run; everything else is written."""
    point_at, warehouse = pipeline_env
    missing = ["Lead.Samepage_SLA_Due_At__c", "Contact.Samepage_SLA_Due_At__c"]
    short = {"Lead.Samepage_Rejection_Reason__c": 5}
    package = tmp_path / "salesforce-fields"
    monkeypatch.setattr(writeback_defs, "SALESFORCE_PACKAGE_DIR", package)
    with Sandbox(deployed(small_world[0], missing=missing, lengths=short)) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        result = run_nightly(load_definitions())
        assert result.success

        # the missing fields: reported with an SFDX package that deploys them, and skipped
        fields_exist = checks(result)["fields_exist"]
        assert not fields_exist.passed
        for name in missing:
            assert f"salesforce {name}" in fields_exist.description
        assert "sf project deploy start" in fields_exist.description
        for name in missing:
            sobject, field = name.split(".")
            xml = (package / "force-app/main/default/objects" / sobject / "fields" /
                   f"{field}.field-meta.xml").read_text()
            assert f"<fullName>{field}</fullName>" in xml and "<type>DateTime</type>" in xml
        grants = next((package / "force-app/main/default/permissionsets").iterdir()).read_text()
        assert all(f"<field>{name}</field>" in grants for name in missing)
        log = _log(warehouse, result.run_id)
        not_deployed = {tuple(name.split(".")) for name in missing}
        assert {row[7] for row in log if (row[2], row[4]) in not_deployed} == {"skipped"}
        assert {(row[2], row[4]) for row in log if row[7] == "skipped"} == not_deployed

        # the refused Leads: failed with the tool's error; every other field sent was written
        refused_leads = {r[0] for r in query(
            warehouse, "select record_id from marts.rpt_writeback_plan where object_type = "
                       "'Lead' and field_name = 'Samepage_Rejection_Reason__c' "
                       "and length(desired_value) > 5")}
        assert refused_leads
        accepted = checks(result)["every_write_accepted"]
        assert not accepted.passed and "STRING_TOO_LONG" in accepted.description
        sent = [row for row in log if (row[2], row[4]) not in not_deployed]
        assert {row[3] for row in sent if row[7] == "failed"} == refused_leads
        assert all("STRING_TOO_LONG" in row[8] for row in sent if row[7] == "failed")
        assert {row[7] for row in sent if row[3] not in refused_leads} == {WRITTEN}
        assert ("Lead", "Samepage_Stage__c") in {(row[2], row[4]) for row in sent
                                                 if row[7] == WRITTEN}
        problems = differences(sandbox, warehouse)  # fields that exist, read back
        # what is not written is on the refused Leads only (the id is the key's third part)
        assert problems and all(p.split("'")[5] in refused_leads for p in problems)
