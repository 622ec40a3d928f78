"""HubSpot as the sales CRM in the sandbox, over real HTTP: deal pipelines, the activity objects
and their v4 associations, read by the official hubspot-api-client and by plain requests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests
from hubspot import HubSpot

from sandbox.generator import generate
from sandbox.generator.hubspot_crm import ACTIVITY_TYPES
from sandbox.http import SandboxServer, start_server
from sandbox.hubspot import DEFAULT_ACCESS_TOKEN, HubSpotApi

AUTH = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}"}


def _stop(server: SandboxServer) -> None:
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def world():
    return generate(7, 1500, topology="hubspot")[0]


@pytest.fixture(scope="module")
def server(world) -> Iterator[SandboxServer]:
    running, _ = start_server([HubSpotApi(world, window_limit=None, search_per_second=None,
                                          irregular_every=None)])
    yield running
    _stop(running)


@pytest.fixture(scope="module")
def client(server) -> HubSpot:
    return HubSpot(access_token=DEFAULT_ACCESS_TOKEN, host=server.url)


def test_pipelines_read_by_the_official_client_carry_stage_metadata(client, world) -> None:
    pipelines = client.crm.pipelines.pipelines_api.get_all("deals").results
    assert [p.id for p in pipelines] == [p["id"] for p in world.hubspot["pipelines"]["deals"]]
    won = {s.id for p in pipelines for s in p.stages
           if s.metadata["isClosed"] == "true" and float(s.metadata["probability"]) == 1.0}
    assert won == {"closedwon", "87654327"}
    one = client.crm.pipelines.pipelines_api.get_by_id("deals", "87654321")
    assert [s.label for s in one.stages][-2:] == ["Signed", "Lost"]
    stages = client.crm.pipelines.pipeline_stages_api.get_all("deals", "default").results
    assert stages[0].id == "appointmentscheduled" and stages[0].display_order == 0


def test_unknown_pipeline_is_404_and_a_world_without_pipelines_has_the_default(server) -> None:
    answer = requests.get(f"{server.url}/crm/v3/pipelines/deals/nope", headers=AUTH, timeout=10)
    assert answer.status_code == 404 and answer.json()["category"] == "OBJECT_NOT_FOUND"
    two_tools = generate(7, 300)[0]
    running, _ = start_server([HubSpotApi(two_tools)])
    try:
        body = requests.get(f"{running.url}/crm/v3/pipelines/deals", headers=AUTH,
                            timeout=10).json()
    finally:
        _stop(running)
    assert [p["id"] for p in body["results"]] == ["default"]


def test_pipelines_need_the_deals_scope(world) -> None:
    running, _ = start_server([HubSpotApi(world, scopes=("crm.objects.contacts.read",))])
    try:
        answer = requests.get(f"{running.url}/crm/v3/pipelines/deals", headers=AUTH, timeout=10)
        calls = requests.get(f"{running.url}/crm/v3/objects/calls", headers=AUTH, timeout=10)
    finally:
        _stop(running)
    assert answer.status_code == 403 and answer.json()["category"] == "MISSING_SCOPES"
    assert calls.status_code == 200  # activities are read with the contacts scope


@pytest.mark.parametrize("name", ACTIVITY_TYPES)
def test_activities_list_search_and_batch_read_like_other_objects(server, world, name) -> None:
    records = world.hubspot[name]
    live = sorted(int(r["id"]) for r in records if not r["archived"])
    listed, after = [], None
    while True:
        page = requests.get(f"{server.url}/crm/v3/objects/{name}", headers=AUTH, timeout=10,
                            params={"limit": 100, "properties": "hs_timestamp",
                                    **({"after": after} if after else {})}).json()
        listed += [int(r["id"]) for r in page["results"]]
        assert all(r["properties"]["hs_createdate"] for r in page["results"])
        after = page.get("paging", {}).get("next", {}).get("after")
        if not after:
            break
    assert listed == live
    archived = requests.get(f"{server.url}/crm/v3/objects/{name}", headers=AUTH, timeout=10,
                            params={"archived": "true", "limit": 100}).json()["results"]
    assert {r["id"] for r in archived} == {r["id"] for r in records if r["archived"]}
    newest = max(r["updatedAt"] for r in records if not r["archived"])
    found = requests.post(f"{server.url}/crm/v3/objects/{name}/search", headers=AUTH, timeout=10,
                          json={"sorts": [{"propertyName": "hs_lastmodifieddate",
                                           "direction": "DESCENDING"}],
                                "properties": ["hs_lastmodifieddate"], "limit": 1}).json()
    assert found["total"] == len(live)
    assert found["results"][0]["properties"]["hs_lastmodifieddate"] == newest
    read = requests.post(f"{server.url}/crm/v3/objects/{name}/batch/read", headers=AUTH,
                         timeout=10, json={"inputs": [{"id": str(i)} for i in live[:3]],
                                           "properties": ["hs_timestamp", "hubspot_owner_id"]})
    assert read.status_code == 200
    assert all(r["properties"]["hubspot_owner_id"] for r in read.json()["results"])


def test_v4_associations_of_activities_and_deals(client, world) -> None:
    call = next(c for c in world.hubspot["calls"] if not c["archived"])
    answer = client.crm.associations.v4.batch_api.get_page(
        "calls", "contacts", {"inputs": [{"id": call["id"]}]})
    link = answer.results[0].to[0]
    assert str(link.to_object_id) == call["associations"]["contacts"]["results"][0]["id"]
    assert [t.type_id for t in link.association_types] == [194]
    deal = next(d for d in world.hubspot["deals"] if "companies" in d["associations"])
    to_company = client.crm.associations.v4.batch_api.get_page(
        "deals", "companies", {"inputs": [{"id": deal["id"]}]}).results[0].to[0]
    assert sorted(t.type_id for t in to_company.association_types) == [5, 341]
    to_contact = client.crm.associations.v4.batch_api.get_page(
        "deals", "contacts", {"inputs": [{"id": deal["id"]}]}).results[0].to[0]
    assert [t.type_id for t in to_contact.association_types] == [3]
