"""Writes to the sandbox over real HTTP with the official clients (hubspot-api-client,
simple-salesforce): values written are read back by every read path, modified times move,
per-record errors come back in the APIs' shapes, and the world passed in stays untouched."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Iterator
from typing import Any

import pytest
import requests
from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchInputSimplePublicObjectBatchInput,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectBatchInput,
    SimplePublicObjectInput,
)
from hubspot.crm.contacts.exceptions import ApiException as ContactsApiException
from hubspot.crm.properties import PropertyCreate, PropertyGroupCreate
from hubspot.crm.properties.exceptions import ApiException as PropertiesApiException
from simple_salesforce import Salesforce, SalesforceMalformedRequest

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth
from sandbox.hubspot import READ_SCOPES
from sandbox.hubspot_search import IndexLag
from sandbox.world import World

CUSTOM_FIELDS = [{"name": "Samepage_Stage__c", "type": "string", "label": "Samepage stage",
                  "length": 40},
                 {"name": "Samepage_Mql_At__c", "type": "datetime", "label": "MQL at"},
                 {"name": "Samepage_Sla_Met__c", "type": "boolean", "label": "SLA met"}]


def with_samepage_fields(world: World) -> World:
    """The world with samepage's custom fields declared on Lead and Contact (a copy: the
    session's generated world is shared)."""
    describe = dict(world.salesforce["describe"])
    for name in ("Lead", "Contact"):
        describe[name] = {**describe[name], "fields": [*describe[name]["fields"],
                                                       *CUSTOM_FIELDS]}
    return World(clock=world.clock, hubspot=world.hubspot, generator=world.generator,
                 salesforce={**world.salesforce, "describe": describe})


@pytest.fixture
def served(generated: tuple[World, Truth]) -> Iterator[Sandbox]:
    with Sandbox(with_samepage_fields(generated[0]), SandboxSettings()) as running:
        yield running


class _HttpsToHttp(requests.adapters.HTTPAdapter):
    """simple-salesforce builds https:// URLs from the instance URL; the sandbox serves http."""

    def send(self, request: requests.PreparedRequest, *args: Any,
             **kwargs: Any) -> requests.Response:
        assert request.url is not None
        request.url = "http://" + request.url.removeprefix("https://")
        return super().send(request, *args, **kwargs)


def simple_salesforce(sandbox: Sandbox) -> Salesforce:
    token = requests.post(sandbox.url + "/services/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": sandbox.salesforce_client_id,
        "client_secret": sandbox.salesforce_client_secret}, timeout=10).json()
    session = requests.Session()
    session.mount("https://" + sandbox.url.removeprefix("http://"), _HttpsToHttp())
    return Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                      session=session, version="62.0")


def live_contacts(world: World, n: int) -> list[dict[str, Any]]:
    return [c for c in world.hubspot["contacts"] if not c.get("archived")][:n]


def leads(world: World, **wanted: Any) -> list[dict[str, Any]]:
    return [r for r in world.salesforce["objects"]["Lead"]
            if all(r.get(k) == v for k, v in wanted.items())]


# -- HubSpot ----------------------------------------------------------------------------------

def test_hubspot_client_defines_properties_and_batch_updates_read_back(served: Sandbox) -> None:
    client = HubSpot(access_token=served.hubspot_access_token, host=served.url)
    properties = client.crm.properties
    properties.groups_api.create("contacts", PropertyGroupCreate(name="samepage",
                                                                 label="samepage"))
    with pytest.raises(PropertiesApiException) as exists:
        properties.groups_api.create("contacts", PropertyGroupCreate(name="samepage",
                                                                     label="samepage"))
    assert exists.value.status == 409
    properties.core_api.create("contacts", PropertyCreate(
        name="samepage_stage", label="Agreed stage", type="enumeration", field_type="select",
        group_name="samepage", options=[{"label": s, "value": s} for s in ("mql", "sql")]))
    assert "samepage" in [g.name for g in properties.groups_api.get_all("contacts").results]

    contacts = live_contacts(served.world, 3)
    ids = [c["id"] for c in contacts]
    answer = client.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id=i, properties={"samepage_stage": "mql"})
                for i in ids]))
    assert answer.status == "COMPLETE" and sorted(r.id for r in answer.results) == sorted(ids)

    for contact in contacts:
        read = client.crm.contacts.basic_api.get_by_id(
            contact["id"], properties=["samepage_stage", "lastmodifieddate"])
        assert read.properties["samepage_stage"] == "mql"
        # The write moved the modified time past everything the world held.
        assert read.updated_at.isoformat() > served.world.clock[:19]
        assert read.properties["lastmodifieddate"] > served.world.clock
    found = client.crm.contacts.search_api.do_search(PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[Filter(property_name="samepage_stage",
                                                   operator="EQ", value="mql")])],
        properties=["samepage_stage"], limit=100))
    assert sorted(r.id for r in found.results) == sorted(ids)
    single = client.crm.contacts.basic_api.update(
        ids[0], SimplePublicObjectInput(properties={"samepage_stage": "sql"}))
    assert single.properties["samepage_stage"] == "sql"
    # The world the sandbox was given is not changed: shared fixtures stay clean.
    assert "samepage_stage" not in contacts[0]["properties"]


def test_hubspot_one_invalid_value_refuses_the_batch_and_missing_ids_are_207(
        served: Sandbox) -> None:
    client = HubSpot(access_token=served.hubspot_access_token, host=served.url)
    first, second = (c["id"] for c in live_contacts(served.world, 2))
    with pytest.raises(ContactsApiException) as refused:
        client.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(inputs=[
            SimplePublicObjectBatchInput(id=first, properties={"jobtitle": "CRO"}),
            SimplePublicObjectBatchInput(id=second, properties={"lifecyclestage": "nope",
                                                                "no_such_property": "x"})]))
    assert refused.value.status == 400
    body = json.loads(refused.value.body)
    assert body["category"] == "VALIDATION_ERROR"
    problems = json.loads(body["message"].removeprefix("Property values were not valid: "))
    assert {(p["name"], p["error"]) for p in problems} == {
        ("lifecyclestage", "INVALID_OPTION"), ("no_such_property", "PROPERTY_DOESNT_EXIST")}
    unchanged = client.crm.contacts.basic_api.get_by_id(first, properties=["jobtitle"])
    assert unchanged.properties["jobtitle"] != "CRO"  # nothing of a refused batch is written

    archived = next(c["id"] for c in served.world.hubspot["contacts"] if c.get("archived"))
    partial = client.crm.contacts.batch_api.update(BatchInputSimplePublicObjectBatchInput(
        inputs=[SimplePublicObjectBatchInput(id=i, properties={"jobtitle": "CRO"})
                for i in (first, archived, "999999999")]))
    assert [r.id for r in partial.results] == [first]
    assert partial.errors[0].category == "OBJECT_NOT_FOUND"
    assert sorted(partial.errors[0].context["ids"]) == sorted([archived, "999999999"])

    too_many = requests.post(f"{served.url}/crm/v3/objects/contacts/batch/update",
                             headers={"Authorization": f"Bearer {served.hubspot_access_token}"},
                             json={"inputs": [{"id": first, "properties": {}}] * 101},
                             timeout=10)
    assert too_many.status_code == 400 and too_many.json()["category"] == "VALIDATION_ERROR"
    read_only = requests.patch(f"{served.url}/crm/v3/objects/contacts/{first}",
                               headers={"Authorization": f"Bearer {served.hubspot_access_token}"},
                               json={"properties": {"createdate": "2020-01-01"}}, timeout=10)
    assert read_only.status_code == 400 and "READ_ONLY_VALUE" in read_only.json()["message"]


def test_hubspot_writes_need_the_write_scopes(generated: tuple[World, Truth]) -> None:
    with Sandbox(generated[0], SandboxSettings(hubspot_scopes=READ_SCOPES)) as read_only:
        headers = {"Authorization": f"Bearer {read_only.hubspot_access_token}"}
        update = requests.post(f"{read_only.url}/crm/v3/objects/contacts/batch/update",
                               headers=headers, json={"inputs": []}, timeout=10)
        define = requests.post(f"{read_only.url}/crm/v3/properties/contacts/groups",
                               headers=headers, json={"name": "samepage", "label": "s"},
                               timeout=10)
    assert update.status_code == define.status_code == 403
    assert update.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.objects.contacts.write"]
    assert define.json()["errors"][0]["context"]["requiredGranularScopes"] == [
        "crm.schemas.contacts.write"]


# -- Salesforce -------------------------------------------------------------------------------

def test_simple_salesforce_updates_a_lead_and_reads_it_back(served: Sandbox) -> None:
    sf = simple_salesforce(served)
    lead = leads(served.world, IsConverted=False, IsDeleted=False)[0]
    assert sf.Lead.update(lead["Id"], {"Samepage_Stage__c": "mql",
                                       "Samepage_Mql_At__c": "2026-06-01T10:00:00Z",
                                       "Samepage_Sla_Met__c": True}) == 204
    [row] = sf.query(f"SELECT Id, Samepage_Stage__c, Samepage_Mql_At__c, Samepage_Sla_Met__c, "
                     f"LastModifiedDate, SystemModstamp FROM Lead WHERE Id = '{lead['Id']}'"
                     )["records"]
    assert (row["Samepage_Stage__c"], row["Samepage_Mql_At__c"], row["Samepage_Sla_Met__c"]) == (
        "mql", "2026-06-01T10:00:00.000+0000", True)
    assert row["LastModifiedDate"] == row["SystemModstamp"] > lead["SystemModstamp"]
    assert sf.Lead.get(lead["Id"])["Samepage_Stage__c"] == "mql"
    assert "Samepage_Stage__c" not in lead  # the world passed in is untouched

    converted = leads(served.world, IsConverted=True, IsDeleted=False)[0]
    with pytest.raises(SalesforceMalformedRequest) as refused:
        sf.Lead.update(converted["Id"], {"Samepage_Stage__c": "mql"})
    assert refused.value.content[0]["errorCode"] == "CANNOT_UPDATE_CONVERTED_LEAD"


def test_sobject_collections_answer_per_record(served: Sandbox) -> None:
    sf = simple_salesforce(served)
    live = leads(served.world, IsConverted=False, IsDeleted=False)
    converted = leads(served.world, IsConverted=True)[0]
    deleted = leads(served.world, IsDeleted=True)[0]
    sent = [({"Samepage_Stage__c": "sql"}, live[0], None),
            ({"Samepage_Stage__c": "x" * 41}, live[1], "STRING_TOO_LONG"),
            ({"Samepage_Stage__c": "sql"}, converted, "CANNOT_UPDATE_CONVERTED_LEAD"),
            ({"Samepage_Stage__c": "sql"}, deleted, "ENTITY_IS_DELETED"),
            ({"No_Such_Field__c": "x"}, live[2], "INVALID_FIELD"),
            ({"Samepage_Sla_Met__c": "perhaps"}, live[3], "INVALID_TYPE_ON_FIELD_IN_RECORD"),
            ({"SystemModstamp": "2020-01-01T00:00:00Z"}, live[4],
             "INVALID_FIELD_FOR_INSERT_UPDATE"),
            ({"Samepage_Stage__c": "sal"}, live[5], None)]
    results = sf.restful("composite/sobjects", method="PATCH", json={
        "allOrNone": False, "records": [{"attributes": {"type": "Lead"}, "id": row["Id"],
                                         **values} for values, row, _ in sent]})
    assert [r["errors"][0]["statusCode"] if r["errors"] else None for r in results] == [
        code for *_, code in sent]
    assert [r["success"] for r in results] == [code is None for *_, code in sent]
    assert results[1]["errors"][0]["fields"] == ["Samepage_Stage__c"]
    rows = sf.query_all("SELECT Id, Samepage_Stage__c FROM Lead WHERE Samepage_Stage__c != null"
                        )["records"]
    assert sorted((r["Id"], r["Samepage_Stage__c"]) for r in rows) == sorted(
        [(live[0]["Id"], "sql"), (live[5]["Id"], "sal")])

    rolled_back = sf.restful("composite/sobjects", method="PATCH", json={
        "allOrNone": True, "records": [
            {"attributes": {"type": "Lead"}, "id": live[6]["Id"], "Samepage_Stage__c": "mql"},
            {"attributes": {"type": "Lead"}, "id": converted["Id"], "Samepage_Stage__c": "mql"}]})
    assert [r["errors"][0]["statusCode"] for r in rolled_back] == [
        "ALL_OR_NONE_OPERATION_ROLLED_BACK", "CANNOT_UPDATE_CONVERTED_LEAD"]
    assert sf.Lead.get(live[6]["Id"])["Samepage_Stage__c"] is None

    with pytest.raises(SalesforceMalformedRequest) as too_many:
        sf.restful("composite/sobjects", method="PATCH", json={"records": [
            {"attributes": {"type": "Lead"}, "id": live[0]["Id"]}] * 201})
    assert too_many.value.content[0]["errorCode"] == "EXCEEDED_ID_LIMIT"


def test_a_hidden_field_cannot_be_written(generated: tuple[World, Truth]) -> None:
    settings = SandboxSettings(salesforce_hidden_fields=("Lead.Samepage_Stage__c",))
    with Sandbox(with_samepage_fields(generated[0]), settings) as hidden:
        sf = simple_salesforce(hidden)
        lead = leads(hidden.world, IsConverted=False, IsDeleted=False)[0]
        [result] = sf.restful("composite/sobjects", method="PATCH", json={"records": [
            {"attributes": {"type": "Lead"}, "id": lead["Id"], "Samepage_Stage__c": "mql"}]})
    assert result["errors"][0]["statusCode"] == "INVALID_FIELD"


def test_the_request_log_counts_writes_and_concurrent_writes_all_land(served: Sandbox) -> None:
    sf = simple_salesforce(served)
    live = leads(served.world, IsConverted=False, IsDeleted=False)[:40]
    sf.query("SELECT Id FROM Lead LIMIT 1")
    assert served.write_requests() == []
    failures: list[BaseException] = []

    def write(rows: list[dict[str, Any]]) -> None:
        try:
            for row in rows:
                sf.Lead.update(row["Id"], {"Samepage_Stage__c": f"s{row['Id'][-6:]}"})
        except BaseException as exc:
            failures.append(exc)

    def read() -> None:
        try:
            for _ in range(10):
                sf.query_all("SELECT Id, Samepage_Stage__c FROM Lead")
        except BaseException as exc:
            failures.append(exc)

    threads = [threading.Thread(target=write, args=(live[k::4],)) for k in range(4)]
    threads += [threading.Thread(target=read) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    rows = {r["Id"]: r["Samepage_Stage__c"] for r in sf.query_all(
        "SELECT Id, Samepage_Stage__c FROM Lead WHERE Samepage_Stage__c != null")["records"]}
    assert rows == {row["Id"]: f"s{row['Id'][-6:]}" for row in live}
    writes = served.write_requests()
    assert len(writes) == 40 and {(w.method, w.status) for w in writes} == {("PATCH", 204)}


def test_search_finds_writes_once_indexed_and_a_new_world_drops_them(
        generated: tuple[World, Truth]) -> None:
    world = generated[0]
    lag = IndexLag(median_seconds=0.01, max_seconds=0.05)
    with Sandbox(world, SandboxSettings(hubspot_index_lag=lag)) as served:
        client = HubSpot(access_token=served.hubspot_access_token, host=served.url)
        contact = live_contacts(world, 1)[0]
        client.crm.contacts.basic_api.update(
            contact["id"], SimplePublicObjectInput(properties={"jobtitle": "Agreed MQL owner"}))
        time.sleep(0.2)  # longer than any indexing delay drawn
        search = PublicObjectSearchRequest(
            filter_groups=[FilterGroup(filters=[Filter(property_name="jobtitle", operator="EQ",
                                                       value="Agreed MQL owner")])],
            properties=["jobtitle"])
        assert [r.id for r in client.crm.contacts.search_api.do_search(search).results] == [
            contact["id"]]

        served.set_world(world)  # a reload serves the world given, without earlier writes
        read = client.crm.contacts.basic_api.get_by_id(contact["id"], properties=["jobtitle"])
        assert read.properties["jobtitle"] == contact["properties"].get("jobtitle")
        assert client.crm.contacts.search_api.do_search(search).results == []
