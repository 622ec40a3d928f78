"""A broken world is refused when it loads, naming file, record, field and problem; a sandbox
500 logs its cause, and the connector's error carries the start of the answer."""

from __future__ import annotations

import copy
import json
import logging
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from connectors.errors import ApiError
from connectors.salesforce import SalesforceClient, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox
from sandbox.world import FORMAT, World, WorldError

SAMEPAGE = str(Path(sys.executable).parent / "samepage")
LEAD_ID = "00Q000000000001AAA"


def _doc() -> dict[str, Any]:
    """A small valid world: one contact, one Lead."""
    return {
        "format": FORMAT, "clock": "2026-06-30T00:00:00.000Z",
        "hubspot": {"contacts": [{
            "id": "1001", "createdAt": "2025-02-03T09:15:00.000Z",
            "updatedAt": "2025-03-01T12:00:00.000Z", "archived": False,
            "properties": {"email": "ana@acme.io", "hs_merged_object_ids": "1002;1003"},
            "associations": {"companies": {"results": [{"id": "501",
                                                        "type": "contact_to_company"}]}}}]},
        "salesforce": {
            "describe": {"Lead": {"name": "Lead", "label": "Lead", "custom": False, "fields": [
                {"name": "Id", "type": "id", "label": "Lead ID"},
                {"name": "IsDeleted", "type": "boolean", "label": "Deleted"},
                {"name": "Email", "type": "email", "label": "Email"},
                {"name": "NumberOfEmployees", "type": "int", "label": "Employees"},
                {"name": "ConvertedDate", "type": "date", "label": "Converted Date"},
                {"name": "SystemModstamp", "type": "datetime", "label": "System Modstamp"},
            ]}},
            "objects": {"Lead": [{"Id": LEAD_ID, "IsDeleted": False, "Email": "ana@acme.io",
                                  "NumberOfEmployees": 40, "ConvertedDate": None,
                                  "SystemModstamp": "2025-02-03T09:15:00.000+0000"}]},
        },
    }


def _write(tmp_path: Path, doc: Any) -> Path:
    path = tmp_path / "world.json"
    path.write_text(json.dumps(doc))
    return path


def test_a_valid_hand_written_world_loads(tmp_path: Path) -> None:
    world = World.load(_write(tmp_path, _doc()))
    assert world.salesforce_records("Lead")[0]["Id"] == LEAD_ID


@pytest.mark.parametrize(("break_it", "expected"), [
    (lambda d: d["hubspot"]["contacts"][0].pop("id"),
     "hubspot.contacts[0]: id: None is not a numeric string id"),
    (lambda d: d["hubspot"]["contacts"][0].update(updatedAt="yesterday"),
     "hubspot.contacts[0] (id '1001'): updatedAt: 'yesterday' is not an ISO-8601 datetime"),
    (lambda d: d["hubspot"]["contacts"][0]["properties"].update(hs_merged_object_ids="1002,1003"),
     "hs_merged_object_ids: '1002,1003' is not a numeric id"),
    (lambda d: d["hubspot"]["contacts"][0]["properties"].update(hubspotscore=55),
     "properties.hubspotscore: 55 is not a string"),
    (lambda d: d["salesforce"]["objects"]["Lead"][0].update(SystemModstamp="03/02/2025 09:15"),
     f"salesforce.objects.Lead[0] (Id '{LEAD_ID}'): SystemModstamp: '03/02/2025 09:15' is not "
     "a Salesforce datetime"),
    (lambda d: d["salesforce"]["objects"]["Lead"][0].update(ConvertedDate="2025-02-30"),
     "ConvertedDate: '2025-02-30' is not a Salesforce date (YYYY-MM-DD)"),
    (lambda d: d["salesforce"]["objects"]["Lead"][0].update(NumberOfEmployees="40"),
     "NumberOfEmployees: '40' is not a JSON number"),
    (lambda d: d["salesforce"]["objects"]["Lead"].append(
        dict(d["salesforce"]["objects"]["Lead"][0])),
     f"salesforce.objects.Lead[1] (Id '{LEAD_ID}'): Id: appears twice"),
    (lambda d: d["salesforce"]["describe"]["Lead"]["fields"].append({"name": "Status"}),
     "salesforce.describe.Lead.fields[6]: every field needs a name and a type"),
    (lambda d: d.update(clock="now"), "clock: 'now' is not an ISO-8601 datetime"),
])
def test_a_broken_world_names_file_record_field_and_problem(tmp_path, break_it, expected) -> None:
    doc = copy.deepcopy(_doc())
    break_it(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(WorldError) as caught:
        World.load(path)
    assert str(caught.value).startswith(f"{path}: ")
    assert expected in str(caught.value)


def test_invalid_json_names_the_file_and_the_place(tmp_path: Path) -> None:
    path = tmp_path / "world.json"
    path.write_text('{"format": "samepage-world/1",\n "clock": }')
    with pytest.raises(WorldError, match=r"world\.json: is not valid JSON: .* line 2 column 11"):
        World.load(path)


def test_every_problem_is_counted_and_the_first_ones_shown(tmp_path: Path) -> None:
    doc = _doc()
    doc["hubspot"]["contacts"] = [{"id": str(i), "updatedAt": "bad"} for i in range(50)]
    with pytest.raises(WorldError) as caught:
        World.load(_write(tmp_path, doc))
    assert len(caught.value.problems) == 50
    assert "... and 30 more problem(s)" in str(caught.value)


def test_the_sandbox_cli_refuses_a_broken_world_without_a_traceback(tmp_path: Path) -> None:
    doc = _doc()
    del doc["hubspot"]["contacts"][0]["id"]
    path = _write(tmp_path, doc)
    for args in (["--world", str(path), "--port", "0"], ["advance", "--world", str(path),
                                                         "--days", "1"]):
        result = subprocess.run([SAMEPAGE, "sandbox", *args], capture_output=True, text=True,
                                timeout=60)
        assert result.returncode == 2, result.stderr
        assert f"{path}: hubspot.contacts[0]: id:" in result.stderr
        assert "Traceback" not in result.stderr


def test_a_sandbox_500_logs_its_cause_and_the_connector_error_carries_it(caplog) -> None:
    # Built in code, so never validated: a stand-in for any bug that makes the server fail.
    doc = _doc()
    doc["salesforce"]["objects"]["Lead"][0]["SystemModstamp"] = "03/02/2025 09:15"
    world = World(clock=doc["clock"], salesforce=doc["salesforce"])
    caplog.set_level(logging.ERROR, logger="sandbox.http")
    with Sandbox(world) as sandbox:
        env = sandbox.environment()
        session = salesforce_session(env["SALESFORCE_CLIENT_ID"],
                                     env["SALESFORCE_CLIENT_SECRET"],
                                     retry=RetryPolicy(max_attempts=2, backoff_base_seconds=0.01))
        client = SalesforceClient(env["SALESFORCE_CLIENT_ID"], env["SALESFORCE_CLIENT_SECRET"],
                                  login_url=env["SALESFORCE_LOGIN_URL"], session=session)
        with pytest.raises(ApiError) as caught:
            list(client.changed_records("Lead", ["Email"]))
    assert caught.value.status == 500
    assert "not a datetime: '03/02/2025 09:15'" in str(caught.value)
    logged = [r for r in caplog.records if r.name == "sandbox.http"]
    assert logged and "/services/data/" in logged[0].getMessage()
    assert "not a datetime" in str(logged[0].exc_info[1])
