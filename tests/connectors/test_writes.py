"""The clients' write methods against the sandbox over real HTTP: one WriteResult per record in
order, per-record errors as results, the next incremental read sees exactly the written records,
and injected faults (429/5xx, drops, cut bodies, timeouts, an expired session) change nothing."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from connectors.salesforce import COLLECTION_SIZE
from connectors.writes import WriteResult
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth
from sandbox.http import FaultConfig
from sandbox.world import World
from tests.connectors.test_faults_and_secrets import hubspot, salesforce
from tests.sandbox.test_writes import with_samepage_fields

SAMEPAGE_GROUP = "samepage"
# Writes are few calls (100 or 200 records each), so faults are denser than for reads; a timed-out
# or cut answer comes after the write was applied, so the retry re-sends an applied batch.
WRITE_FAULTS = FaultConfig(error_rate=0.15, drop_rate=0.05, truncate_rate=0.1, timeout_rate=0.1,
                           timeout_seconds=1.0, seed=4)
STAGE = {"name": "samepage_stage", "label": "Agreed stage", "type": "enumeration",
         "fieldType": "select", "groupName": SAMEPAGE_GROUP,
         "options": [{"label": s, "value": s} for s in ("mql", "sal", "sql")]}


@pytest.fixture
def served(generated: tuple[World, Truth]) -> Iterator[Sandbox]:
    with Sandbox(with_samepage_fields(generated[0]), SandboxSettings()) as running:
        yield running


def define_stage(sandbox: Sandbox) -> None:
    client = hubspot(sandbox)
    assert client.ensure_property_group("contacts", SAMEPAGE_GROUP, "samepage") is True
    assert client.ensure_property("contacts", STAGE) is True


def contact_ids(world: World) -> tuple[list[str], list[str]]:
    live = [c["id"] for c in world.hubspot["contacts"] if not c.get("archived")]
    archived = [c["id"] for c in world.hubspot["contacts"] if c.get("archived")]
    return live, archived


def test_hubspot_definitions_are_created_once(served: Sandbox) -> None:
    define_stage(served)
    client = hubspot(served)
    # A second run (or a retry whose first answer was lost) finds them: nothing is duplicated.
    assert client.ensure_property_group("contacts", SAMEPAGE_GROUP, "samepage") is False
    assert client.ensure_property("contacts", STAGE) is False
    assert [g["name"] for g in client.property_groups("contacts")].count(SAMEPAGE_GROUP) == 1
    assert [p["name"] for p in client.properties("contacts")].count("samepage_stage") == 1


def test_hubspot_update_objects_one_result_per_update_and_the_next_read_sees_them(
        served: Sandbox) -> None:
    define_stage(served)
    client = hubspot(served)
    live, archived = contact_ids(served.world)
    before = client.high_water_mark("contacts")
    updates = [{"id": i, "properties": {"samepage_stage": "mql"}} for i in live[:230]]
    updates[7]["properties"] = {"samepage_stage": "not-a-stage"}  # refuses its whole batch
    updates[150]["id"] = archived[0]
    updates.append({"id": "999999999", "properties": {"samepage_stage": "sql"}})
    calls = served.write_requests()

    results = list(client.update_objects("contacts", updates))

    assert [r.record_id for r in results] == [str(u["id"]) for u in updates]
    failed = {r.record_id: r for r in results if not r.ok}
    assert failed[live[7]] == WriteResult(
        live[7], False, "INVALID_OPTION", failed[live[7]].message, ("samepage_stage",))
    assert "not-a-stage" in (failed[live[7]].message or "")
    assert failed[archived[0]].error_code == failed["999999999"].error_code == "OBJECT_NOT_FOUND"
    assert len(failed) == 3
    # 3 batches, plus the halvings that isolate the invalid update in the first (2 per level).
    writes = len(served.write_requests()) - len(calls)
    assert 3 < writes <= 3 + 2 * 7

    written = {u["id"] for u in updates} - set(failed)
    after = client.high_water_mark("contacts")
    changed = [r for r in client.changed_objects("contacts", ["samepage_stage"], since=before,
                                                 until=after)
               if r["updatedAt"] > before]  # the bounds are inclusive
    assert {r["id"] for r in changed} == written
    assert {r["properties"]["samepage_stage"] for r in changed} == {"mql"}


def test_hubspot_writes_converge_under_faults(served: Sandbox) -> None:
    define_stage(served)
    live, _ = contact_ids(served.world)
    updates = [{"id": i, "properties": {"samepage_stage": ("mql", "sal", "sql")[n % 3]}}
               for n, i in enumerate(live)]
    served.set_faults(WRITE_FAULTS)
    client = hubspot(served)
    results = list(client.update_objects("contacts", updates))
    served.set_faults(FaultConfig())
    assert client.session.stats.retries > 0
    assert [(r.record_id, r.ok) for r in results] == [(u["id"], True) for u in updates]
    read = {r["id"]: r["properties"]["samepage_stage"]
            for r in hubspot(served).list_objects("contacts", ["samepage_stage"])}
    assert {u["id"]: read[u["id"]] for u in updates} == {
        u["id"]: u["properties"]["samepage_stage"] for u in updates}


def salesforce_rows(world: World, **wanted: Any) -> list[dict[str, Any]]:
    return [r for r in world.salesforce["objects"]["Lead"]
            if all(r.get(k) == v for k, v in wanted.items())]


def test_salesforce_update_records_per_record_results_and_the_next_read_sees_them(
        served: Sandbox) -> None:
    client = salesforce(served)
    live = salesforce_rows(served.world, IsConverted=False, IsDeleted=False)
    assert len(live) > COLLECTION_SIZE  # more than one call
    converted = salesforce_rows(served.world, IsConverted=True)[0]
    deleted = salesforce_rows(served.world, IsDeleted=True)[0]
    cursor = max(r["SystemModstamp"] for r in served.world.salesforce["objects"]["Lead"])
    records = [{"Id": r["Id"], "Samepage_Stage__c": "mql",
                "Samepage_Mql_At__c": "2026-06-01T10:00:00Z"} for r in live]
    records[3]["Samepage_Stage__c"] = "x" * 41
    records += [{"Id": converted["Id"], "Samepage_Stage__c": "mql"},
                {"Id": deleted["Id"], "Samepage_Stage__c": "mql"}]

    results = list(client.update_records("Lead", records))

    assert [r.record_id for r in results] == [r["Id"] for r in records]
    failed = {r.record_id: (r.error_code, r.fields) for r in results if not r.ok}
    assert failed == {live[3]["Id"]: ("STRING_TOO_LONG", ("Samepage_Stage__c",)),
                      converted["Id"]: ("CANNOT_UPDATE_CONVERTED_LEAD", ()),
                      deleted["Id"]: ("ENTITY_IS_DELETED", ())}
    calls = len(served.write_requests())
    assert calls == -(-len(records) // COLLECTION_SIZE)

    changed = list(client.changed_records("Lead", ["Samepage_Stage__c", "Samepage_Mql_At__c"],
                                          since=cursor))
    assert {r["Id"] for r in changed if r["SystemModstamp"] > cursor} == {
        r["Id"] for r in records} - set(failed)
    fields = [f for f in client.fields("Lead") if f.name in ("Samepage_Stage__c",)]
    bulk = {r["Id"]: r["Samepage_Stage__c"]
            for r in client.bulk_changed_records("Lead", fields, since=cursor)}
    assert {bulk[r["Id"]] for r in records if r["Id"] not in failed} == {"mql"}


def test_salesforce_writes_converge_under_faults_and_an_expired_session(
        served: Sandbox) -> None:
    live = salesforce_rows(served.world, IsConverted=False, IsDeleted=False)
    records = [{"Id": r["Id"], "Samepage_Stage__c": f"s{n % 7}"} for n, r in enumerate(live)]
    client = salesforce(served)
    client.api_usage()  # authenticated before the session expires
    served.salesforce.expire_tokens()
    served.set_faults(WRITE_FAULTS)
    results = list(client.update_records("Lead", records))
    served.set_faults(FaultConfig())
    assert client.session.stats.retries > 0
    assert [(r.record_id, r.ok) for r in results] == [(r["Id"], True) for r in records]
    read = {r["Id"]: r["Samepage_Stage__c"] for r in salesforce(served).query(
        "SELECT Id, Samepage_Stage__c FROM Lead WHERE Samepage_Stage__c != null")}
    assert read == {r["Id"]: r["Samepage_Stage__c"] for r in records}
