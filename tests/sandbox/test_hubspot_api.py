"""The HubSpot half of the sandbox over real HTTP, including the official hubspot-api-client."""

from __future__ import annotations

import json
import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from hubspot import HubSpot
from hubspot.crm.contacts import (
    BatchReadInputSimplePublicObjectId,
    Filter,
    FilterGroup,
    PublicObjectSearchRequest,
    SimplePublicObjectId,
)

from sandbox.http import SandboxServer, start_server
from sandbox.hubspot import DEFAULT_ACCESS_TOKEN, HubSpotApi
from sandbox.world import World

START = datetime(2025, 1, 1, tzinfo=UTC)
LIVE, ARCHIVED = 137, 4
STAGES = ("subscriber", "lead", "customer")
AUTH = {"Authorization": f"Bearer {DEFAULT_ACCESS_TOKEN}"}


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def _contact(n: int, *, archived: bool = False, **extra: str) -> dict[str, Any]:
    record_id = str(1000 + n)
    created = START + timedelta(hours=n)
    # Several contacts share a modification time so cursor windows must break ties by id.
    modified = START + timedelta(days=30, hours=(n * 37) % 50)
    props = {"hs_object_id": record_id, "email": f"Person{n}@Example.com",
             "firstname": f"First{n}", "lastname": f"Last{n}", "createdate": _iso(created),
             "lastmodifieddate": _iso(modified), "lifecyclestage": STAGES[n % 3], **extra}
    if n % 4 == 0:
        props["hubspotscore"] = str((n * 13) % 100)
    record = {"id": record_id, "properties": props, "createdAt": _iso(created),
              "updatedAt": _iso(modified), "archived": archived}
    if archived:
        record["archivedAt"] = _iso(modified + timedelta(days=1))
    if n % 5 == 0:
        record["associations"] = {"companies": {"results": [
            {"id": str(500 + n % 3), "type": "contact_to_company"},
            {"id": str(500 + n % 3), "type": "contact_to_company_unlabeled"}]}}
    return record


def _world() -> World:
    contacts = [_contact(n) for n in range(1, LIVE + 1)]
    contacts += [_contact(n, archived=True) for n in range(LIVE + 1, LIVE + ARCHIVED + 1)]
    # Contact 1002 survived a merge of 1900 and 1901, which are no longer listed.
    contacts[1]["properties"]["hs_merged_object_ids"] = "1900;1901"
    contacts[2]["propertiesWithHistory"] = {"lifecyclestage": [
        {"value": "customer", "timestamp": "2025-02-01T00:00:00.000Z", "sourceType": "CRM_UI"},
        {"value": "lead", "timestamp": "2025-01-05T00:00:00.000Z", "sourceType": "FORM"}]}
    properties = [{"name": n, "label": n, "type": t, "fieldType": "text", "groupName": "info"}
                  for n, t in (("email", "string"), ("hubspotscore", "number"),
                               ("lifecyclestage", "enumeration"), ("favorite_color", "string"),
                               ("lastmodifieddate", "datetime"))]
    forms = [{"id": f"form-{k}", "name": f"Form {k}", "formType": "hubspot", "archived": False,
              "createdAt": _iso(START), "updatedAt": _iso(START)} for k in range(3)]
    submissions = {"form-0": [{"conversionId": f"c{k}", "submittedAt": 1_740_000_000_000 + k,
                               "values": [{"name": "email", "value": f"p{k}@example.com",
                                           "objectTypeId": "0-1"}],
                               "pageUrl": "https://example.com/demo"} for k in range(120)]}
    events = [{"id": f"e{k}", "created": 1_740_000_000_000 + k * 1000,
               "type": ("SENT", "OPEN", "CLICK")[k % 3], "recipient": f"p{k % 7}@example.com",
               "portalId": 24681357, "appId": 113, "emailCampaignId": 9} for k in range(250)]
    owners = [{"id": str(70 + k), "email": f"owner{k}@example.com", "type": "PERSON",
               "firstName": f"Owner{k}", "lastName": "Sales", "userId": 900 + k,
               "archived": False, "createdAt": _iso(START), "updatedAt": _iso(START)}
              for k in range(7)]
    return World(clock=_iso(START + timedelta(days=365)), hubspot={
        "contacts": contacts, "properties": {"contacts": properties}, "forms": forms,
        "form_submissions": submissions, "email_events": events, "owners": owners})


def _serve(world: World, **limits: Any) -> tuple[HubSpotApi, SandboxServer]:
    # Regular pages unless a test asks for irregular ones (they have tests of their own).
    api = HubSpotApi(world, **{"window_limit": None, "search_per_second": None,
                               "irregular_every": None, **limits})
    server, _ = start_server([api])
    return api, server


@pytest.fixture(scope="module")
def world() -> World:
    return _world()


@pytest.fixture(scope="module")
def server(world: World) -> Iterator[SandboxServer]:
    _, running = _serve(world)
    yield running
    running.shutdown()


@pytest.fixture
def session() -> requests.Session:
    http = requests.Session()
    http.headers.update(AUTH)
    return http


def _live(world: World) -> list[dict[str, Any]]:
    return [c for c in world.hubspot["contacts"] if not c["archived"]]


def _search(session: requests.Session, server: SandboxServer, body: dict[str, Any],
            object_type: str = "contacts") -> requests.Response:
    return session.post(f"{server.url}/crm/v3/objects/{object_type}/search", json=body)


def _search_all(session: requests.Session, server: SandboxServer,
                body: dict[str, Any]) -> list[dict[str, Any]]:
    found, after = [], None
    while True:
        page = _search(session, server, {**body, "limit": 7, **({"after": after} if after else {})})
        assert page.status_code == 200, page.text
        payload = page.json()
        found += payload["results"]
        after = payload.get("paging", {}).get("next", {}).get("after")
        if after is None:
            assert payload["total"] == len(found)
            return found


# -- list, get, properties ----------------------------------------------------------------------


def test_list_pages_to_the_last_page(server: SandboxServer, session: requests.Session,
                                     world: World) -> None:
    ids, after, pages = [], None, 0
    while True:
        params = {"limit": 25, **({"after": after} if after else {})}
        response = session.get(f"{server.url}/crm/v3/objects/contacts", params=params)
        assert response.status_code == 200
        body = response.json()
        pages += 1
        ids += [r["id"] for r in body["results"]]
        if "paging" not in body:
            break
        after = body["paging"]["next"]["after"]
        assert body["paging"]["next"]["link"].startswith(f"{server.url}/crm/v3/objects/contacts?")
    assert ids == sorted((c["id"] for c in _live(world)), key=int)
    assert pages == -(-LIVE // 25) and len(body["results"]) == LIVE % 25
    first = session.get(f"{server.url}/crm/v3/objects/contacts").json()
    assert len(first["results"]) == 10  # the default page size
    assert session.get(f"{server.url}/crm/v3/objects/contacts",
                       params={"limit": 500}).json()["results"].__len__() == 100


def test_default_and_selected_properties(server: SandboxServer, session: requests.Session) -> None:
    url = f"{server.url}/crm/v3/objects/contacts"
    default = session.get(url, params={"limit": 1}).json()["results"][0]
    assert set(default["properties"]) == {"createdate", "email", "firstname", "hs_object_id",
                                          "lastmodifieddate", "lastname"}
    assert set(default) == {"id", "properties", "createdAt", "updatedAt", "archived"}
    # Repeated and comma-separated forms; an unknown name is dropped, a defined unset one is null.
    chosen = session.get(url, params=[("limit", "1"), ("properties", "email,no_such_property"),
                                      ("properties", "favorite_color")]).json()["results"][0]
    assert chosen["properties"] == {
        "createdate": "2025-01-01T01:00:00.000Z", "email": "Person1@Example.com",
        "favorite_color": None, "hs_object_id": "1001",
        "lastmodifieddate": chosen["updatedAt"]}


def test_properties_with_history_lowers_the_page_size(server: SandboxServer,
                                                      session: requests.Session) -> None:
    body = session.get(f"{server.url}/crm/v3/objects/contacts",
                       params={"limit": 100, "propertiesWithHistory": "lifecyclestage"}).json()
    assert len(body["results"]) == 50
    assert body["paging"]["next"]["after"] == "1051"
    stored = body["results"][2]["propertiesWithHistory"]["lifecyclestage"]
    assert [h["value"] for h in stored] == ["customer", "lead"]
    synthesized = body["results"][0]
    assert synthesized["propertiesWithHistory"]["lifecyclestage"] == [
        {"value": "lead", "timestamp": synthesized["updatedAt"], "sourceType": "API"}]
    assert "lifecyclestage" not in synthesized["properties"]  # history does not add the value


def test_archived_listing(server: SandboxServer, session: requests.Session) -> None:
    url = f"{server.url}/crm/v3/objects/contacts"
    archived = session.get(url, params={"archived": "true", "limit": 100}).json()["results"]
    assert [r["id"] for r in archived] == [str(1000 + n) for n in range(LIVE + 1, LIVE + 5)]
    assert all(r["archived"] is True and r["archivedAt"] for r in archived)
    live = session.get(url, params={"limit": 100, "after": "1130"}).json()["results"]
    assert [r["id"] for r in live][-1] == str(1000 + LIVE)


def test_get_by_id_email_merged_and_missing(server: SandboxServer,
                                            session: requests.Session) -> None:
    url = f"{server.url}/crm/v3/objects/contacts"
    assert session.get(f"{url}/1005").json()["properties"]["email"] == "Person5@Example.com"
    by_email = session.get(f"{url}/person7%40example.com", params={"idProperty": "email"})
    assert by_email.json()["id"] == "1007"
    merged = session.get(f"{url}/1901", params={"properties": "hs_merged_object_ids"})
    assert merged.status_code == 200
    assert merged.json()["id"] == "1002"
    assert merged.json()["properties"]["hs_merged_object_ids"] == "1900;1901"
    missing = session.get(f"{url}/999999")
    assert missing.status_code == 404
    assert missing.json()["message"] == "resource not found"
    assert {"status", "message", "correlationId"} <= set(missing.json())
    assert session.get(f"{url}/{1000 + LIVE + 1}").status_code == 404  # archived: only on ask
    assert session.get(f"{url}/{1000 + LIVE + 1}", params={"archived": "true"}).status_code == 200
    with_links = session.get(f"{url}/1005", params={"associations": "companies"}).json()
    assert with_links["associations"]["companies"]["results"][0] == {
        "id": "502", "type": "contact_to_company"}


def _batch_read(session: requests.Session, server: SandboxServer, body: dict[str, Any],
                **params: str) -> requests.Response:
    return session.post(f"{server.url}/crm/v3/objects/contacts/batch/read", json=body,
                        params=params)


def test_batch_read_renders_the_list_endpoints_bytes(server: SandboxServer,
                                                     session: requests.Session) -> None:
    props, history = ["email", "favorite_color", "hubspotscore"], ["lifecyclestage"]
    listed = session.get(f"{server.url}/crm/v3/objects/contacts",
                         params={"limit": 50, "properties": ",".join(props),
                                 "propertiesWithHistory": ",".join(history)})
    wanted = ["1003", "1001", "1040", "1001"]  # out of order, one asked twice
    read = _batch_read(session, server, {"inputs": [{"id": i} for i in wanted],
                                         "properties": props, "propertiesWithHistory": history})
    assert read.status_code == 200
    body = read.json()
    assert body["status"] == "COMPLETE" and body["startedAt"] and body["completedAt"]
    assert "errors" not in body and "numErrors" not in body
    assert [r["id"] for r in body["results"]] == ["1003", "1001", "1040"]
    for record in body["results"]:
        encoded = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
        assert encoded in listed.text and encoded in read.text  # byte for byte the same
    assert body["results"][0]["propertiesWithHistory"]["lifecyclestage"][1]["value"] == "lead"
    plain = _batch_read(session, server, {"inputs": [{"id": "1002"}]}).json()["results"][0]
    assert set(plain["properties"]) == {"createdate", "email", "firstname", "hs_object_id",
                                        "lastmodifieddate", "lastname"}  # the default set


def test_batch_read_missing_merged_archived_and_id_property(server: SandboxServer,
                                                            session: requests.Session) -> None:
    partly = _batch_read(session, server, {"inputs": [{"id": "1005"}, {"id": "999999"},
                                                      {"id": "1901"}, {"id": "abc"}],
                                           "properties": ["email"]})
    assert partly.status_code == 207
    body = partly.json()
    assert [r["id"] for r in body["results"]] == ["1005", "1002"]  # 1901 reads as its survivor
    assert body["numErrors"] == 1
    assert body["errors"] == [{
        "status": "error", "category": "OBJECT_NOT_FOUND",
        "message": "Could not get some CONTACT objects, they may be deleted or not exist. "
                   "Check that ids are valid.", "context": {"ids": ["999999", "abc"]}}]
    archived_id = str(1000 + LIVE + 1)
    assert _batch_read(session, server, {"inputs": [{"id": archived_id}]}).status_code == 207
    archived = _batch_read(session, server, {"inputs": [{"id": archived_id}]}, archived="true")
    assert archived.status_code == 200
    assert archived.json()["results"][0]["archived"] is True
    assert archived.json()["results"][0]["archivedAt"]
    by_email = _batch_read(session, server, {"inputs": [{"id": "PERSON7@example.com"}],
                                             "idProperty": "email"}).json()
    assert [r["id"] for r in by_email["results"]] == ["1007"]


def test_batch_read_limits(server: SandboxServer, session: requests.Session) -> None:
    ids = [{"id": str(1001 + n)} for n in range(101)]
    too_many = _batch_read(session, server, {"inputs": ids})
    assert too_many.status_code == 400
    assert too_many.json()["category"] == "VALIDATION_ERROR"
    assert _batch_read(session, server, {"inputs": ids[:100]}).status_code == 200
    history = {"inputs": ids[:51], "propertiesWithHistory": ["lifecyclestage"]}
    refused = _batch_read(session, server, history)
    assert refused.status_code == 400
    assert refused.json()["message"].startswith(
        "The maximum number of inputs supported in a batch request for property histories is 50")
    assert _batch_read(session, server, {**history, "inputs": ids[:50]}).status_code == 200
    assert _batch_read(session, server, {"inputs": "1001"}).status_code == 400


def test_properties_and_owners(server: SandboxServer, session: requests.Session) -> None:
    props = session.get(f"{server.url}/crm/v3/properties/contacts").json()["results"]
    assert "favorite_color" in {p["name"] for p in props}
    owners, after = [], None
    while True:
        body = session.get(f"{server.url}/crm/v3/owners",
                           params={"limit": 3, **({"after": after} if after else {})}).json()
        owners += body["results"]
        after = body.get("paging", {}).get("next", {}).get("after")
        if after is None:
            break
    assert [o["id"] for o in owners] == [str(70 + k) for k in range(7)]


# -- search -------------------------------------------------------------------------------------


def test_search_cursor_window_matches_a_brute_force_filter(
        server: SandboxServer, session: requests.Session, world: World) -> None:
    pivot = _live(world)[40]["updatedAt"]
    pivot_ms = int(datetime.fromisoformat(pivot).timestamp() * 1000)
    expected = sorted((c for c in _live(world) if c["updatedAt"] >= pivot),
                      key=lambda c: (c["updatedAt"], int(c["id"])))
    for value in (pivot, str(pivot_ms)):  # ISO and epoch-ms strings are both accepted
        found = _search_all(session, server, {
            "filterGroups": [{"filters": [
                {"propertyName": "lastmodifieddate", "operator": "GTE", "value": value}]}],
            "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]})
        assert [r["id"] for r in found] == [c["id"] for c in expected]
    # The keyset window: GTE on the date AND GT on the id, answered through a vector mask.
    windowed = _search_all(session, server, {
        "filterGroups": [{"filters": [
            {"propertyName": "lastmodifieddate", "operator": "GTE", "value": str(pivot_ms)},
            {"propertyName": "hs_object_id", "operator": "GT", "value": "1060"}]}],
        "sorts": [{"propertyName": "lastmodifieddate", "direction": "ASCENDING"}]})
    assert [r["id"] for r in windowed] == [c["id"] for c in expected if int(c["id"]) > 1060]
    by_id = _search_all(session, server, {
        "filterGroups": [{"filters": [
            {"propertyName": "hs_object_id", "operator": "BETWEEN", "value": "1010",
             "highValue": "1020"}]}], "sorts": ["hs_object_id"]})
    assert [r["id"] for r in by_id] == [str(i) for i in range(1010, 1021)]


def test_search_newest_first_and_the_connectors_keyset(
        server: SandboxServer, session: requests.Session, world: World) -> None:
    live = _live(world)
    # Newest first, ties in id order (as a stable sort leaves them): the high-water-mark query.
    newest = _search_all(session, server, {
        "sorts": [{"propertyName": "lastmodifieddate", "direction": "DESCENDING"}]})
    assert [r["id"] for r in newest] == [c["id"] for c in sorted(
        live, key=lambda c: (-datetime.fromisoformat(c["updatedAt"]).timestamp(), int(c["id"])))]
    assert [r["id"] for r in _search_all(session, server, {"sorts": ["-hs_object_id"]})] == [
        c["id"] for c in sorted(live, key=lambda c: -int(c["id"]))]
    # The connector's keyset: ids above the last one seen, modified up to a mark; every page
    # reports the total still to come.
    mark = live[70]["updatedAt"]
    expected = [c["id"] for c in live if c["updatedAt"] <= mark]
    found, last = [], "0"
    while True:
        page = _search(session, server, {
            "filterGroups": [{"filters": [
                {"propertyName": "lastmodifieddate", "operator": "LTE", "value": mark},
                {"propertyName": "hs_object_id", "operator": "GT", "value": last}]}],
            "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
            "limit": 9}).json()
        assert page["total"] == len(expected) - len(found)
        found += [r["id"] for r in page["results"]]
        if "paging" not in page:
            break
        last = found[-1]
    assert found == expected


def test_search_generic_filters_or_groups_and_sorts(server: SandboxServer,
                                                    session: requests.Session,
                                                    world: World) -> None:
    live = _live(world)
    found = _search_all(session, server, {
        "filterGroups": [
            {"filters": [{"propertyName": "email", "operator": "EQ",
                          "value": "person3@example.com"}]},  # case-insensitive
            {"filters": [{"propertyName": "lifecyclestage", "operator": "IN",
                          "values": ["customer"]},
                         {"propertyName": "hubspotscore", "operator": "HAS_PROPERTY"}]}],
        "sorts": [{"propertyName": "hubspotscore", "direction": "DESCENDING"}],
        "properties": ["hubspotscore", "lifecyclestage"]})
    expected = [c for c in live if c["id"] == "1003" or (
        c["properties"]["lifecyclestage"] == "customer" and "hubspotscore" in c["properties"])]
    scored = sorted((c for c in expected if "hubspotscore" in c["properties"]),
                    key=lambda c: -int(c["properties"]["hubspotscore"]))
    assert [r["id"] for r in found] == [c["id"] for c in scored] + ["1003"]
    assert found[0]["properties"]["hubspotscore"] == scored[0]["properties"]["hubspotscore"]
    unscored = _search_all(session, server, {"filterGroups": [{"filters": [
        {"propertyName": "hubspotscore", "operator": "NOT_HAS_PROPERTY"},
        {"propertyName": "createdate", "operator": "LT", "value": "2025-01-02T00:00:00Z"}]}]})
    assert [r["id"] for r in unscored] == [
        c["id"] for c in live if "hubspotscore" not in c["properties"]
        and c["createdAt"] < "2025-01-02T00:00:00.000Z"]
    everyone = _search(session, server, {"limit": 200}).json()
    assert everyone["total"] == LIVE  # archived records are never searched
    too_many = _search(session, server, {"filterGroups": [{"filters": []}] * 6})
    assert too_many.status_code == 400 and too_many.json()["category"] == "VALIDATION_ERROR"


def test_search_refuses_to_page_past_ten_thousand(session: requests.Session) -> None:
    many = [{"id": str(n), "properties": {"hs_object_id": str(n), "email": f"c{n}@x.io",
                                          "lastmodifieddate": "2025-01-01T00:00:00.000Z"},
             "createdAt": "2025-01-01T00:00:00.000Z", "updatedAt": "2025-01-01T00:00:00.000Z",
             "archived": False} for n in range(1, 10_101)]
    _, server = _serve(World(clock="2026-01-01T00:00:00.000Z", hubspot={"contacts": many}))
    try:
        seen, after = 0, 0
        while True:
            response = _search(session, server, {"limit": 200, "after": str(after)})
            if response.status_code != 200:
                break
            body = response.json()
            assert body["total"] == 10_100
            seen += len(body["results"])
            after = int(body["paging"]["next"]["after"])
        assert seen == 10_000 and after == 10_000
        assert response.status_code == 400
        assert response.json()["category"] == "VALIDATION_ERROR"
        tail = _search(session, server, {"limit": 200, "after": "9950"}).json()
        assert len(tail["results"]) == 50  # nothing past the 10,000th result is ever served
    finally:
        server.shutdown()


# -- auth and limits ----------------------------------------------------------------------------


def test_bad_or_missing_token_is_401(server: SandboxServer) -> None:
    for headers in ({}, {"Authorization": "Bearer pat-na1-wrong"}):
        response = requests.get(f"{server.url}/crm/v3/objects/contacts", headers=headers)
        assert response.status_code == 401
        body = response.json()
        assert body["status"] == "error" and body["category"] == "INVALID_AUTHENTICATION"
        assert body["message"].startswith("Authentication credentials not found.")
        assert body["correlationId"]


def test_ten_second_window_and_search_second_limits(world: World,
                                                    session: requests.Session) -> None:
    _, server = _serve(world, window_limit=3, window_seconds=10.0, search_per_second=2)
    try:
        url = f"{server.url}/crm/v3/objects/contacts"
        answers = [session.get(url, params={"limit": 1}) for _ in range(4)]
        assert [a.status_code for a in answers] == [200, 200, 200, 429]
        assert [a.headers["X-HubSpot-RateLimit-Remaining"] for a in answers] == ["2", "1", "0",
                                                                                  "0"]
        assert answers[0].headers["X-HubSpot-RateLimit-Max"] == "3"
        assert answers[0].headers["X-HubSpot-RateLimit-Interval-Milliseconds"] == "10000"
        refused = answers[3].json()
        assert refused["policyName"] == "TEN_SECONDLY_ROLLING"
        assert refused["errorType"] == "RATE_LIMIT" and refused["status"] == "error"
        # Search has its own per-second limit, is exempt from the window, sends no headers.
        searches = [_search(session, server, {"limit": 1}) for _ in range(3)]
        assert [s.status_code for s in searches] == [200, 200, 429]
        assert searches[2].json()["policyName"] == "SECONDLY"
        assert not any(h.startswith("X-HubSpot-RateLimit") for h in searches[0].headers)
        time.sleep(1.05)
        assert _search(session, server, {"limit": 1}).status_code == 200
    finally:
        server.shutdown()


# -- associations and marketing -----------------------------------------------------------------


def test_associations_batch_read(server: SandboxServer, session: requests.Session) -> None:
    url = f"{server.url}/crm/v4/associations/contacts/companies/batch/read"
    complete = session.post(url, json={"inputs": [{"id": "1005"}, {"id": "1010"}]})
    assert complete.status_code == 200
    results = complete.json()["results"]
    assert results[0] == {"from": {"id": "1005"}, "to": [{"toObjectId": 502, "associationTypes": [
        {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Primary"},
        {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}]}]}
    partial = session.post(url, json={"inputs": [{"id": "1005"}, {"id": "1006"}]})
    assert partial.status_code == 207
    body = partial.json()
    assert body["numErrors"] == 1 and len(body["results"]) == 1
    assert body["errors"][0]["subCategory"] == "crm.associations.NO_ASSOCIATIONS_FOUND"
    assert body["errors"][0]["context"]["fromObjectId"] == ["1006"]


def test_email_events_paging_and_filters(server: SandboxServer,
                                         session: requests.Session) -> None:
    url = f"{server.url}/email/public/v1/events"
    start, end = 1_740_000_000_000 + 10_000, 1_740_000_000_000 + 209_000
    events, offset = [], None
    while True:
        params = {"startTimestamp": start, "endTimestamp": end, "limit": 40,
                  **({"offset": offset} if offset else {})}
        body = session.get(url, params=params).json()
        events += body["events"]
        offset = body["offset"]
        if not body["hasMore"]:
            break
    assert [e["id"] for e in events] == [f"e{k}" for k in range(209, 9, -1)]  # newest first
    clicks = session.get(url, params={"eventType": "click", "limit": 1000}).json()
    assert {e["type"] for e in clicks["events"]} == {"CLICK"} and len(clicks["events"]) == 83


def test_forms_and_submissions_paging(server: SandboxServer, session: requests.Session) -> None:
    forms = session.get(f"{server.url}/marketing/v3/forms", params={"limit": 2}).json()
    assert [f["id"] for f in forms["results"]] == ["form-0", "form-1"]
    rest = session.get(f"{server.url}/marketing/v3/forms",
                       params={"limit": 2, "after": forms["paging"]["next"]["after"]}).json()
    assert [f["id"] for f in rest["results"]] == ["form-2"] and "paging" not in rest
    url = f"{server.url}/form-integrations/v1/submissions/forms/form-0"
    seen, after, sizes = [], None, []
    while True:
        body = session.get(url, params={"limit": 80, **({"after": after} if after else {})}).json()
        sizes.append(len(body["results"]))
        seen += [s["conversionId"] for s in body["results"]]
        after = body.get("paging", {}).get("next", {}).get("after")
        if after is None:
            break
    assert sizes == [50, 50, 20]  # limit is capped at 50
    assert seen == [f"c{k}" for k in range(119, -1, -1)]
    assert session.get(f"{server.url}/form-integrations/v1/submissions/forms/nope").status_code \
        == 404


def test_load_swaps_in_an_advanced_world(world: World, session: requests.Session) -> None:
    api, server = _serve(world)
    try:
        url = f"{server.url}/crm/v3/objects/contacts/1003"
        assert session.get(url).json()["properties"]["firstname"] == "First3"
        advanced = _world()
        advanced.hubspot["contacts"][2]["properties"]["firstname"] = "Renamed"
        api.load(advanced)
        assert session.get(url).json()["properties"]["firstname"] == "Renamed"
    finally:
        server.shutdown()


# -- the official client ------------------------------------------------------------------------


def test_official_client_pages_and_searches(server: SandboxServer, world: World) -> None:
    client = HubSpot(access_token=DEFAULT_ACCESS_TOKEN, host=server.url)
    ids, after = [], None
    while True:
        page = client.crm.contacts.basic_api.get_page(limit=30, after=after,
                                                      properties=["email", "lifecyclestage"])
        ids += [c.id for c in page.results]
        assert page.results[0].properties["lifecyclestage"] in STAGES
        if page.paging is None:
            break
        after = page.paging.next.after
    assert ids == [c["id"] for c in _live(world)]
    request = PublicObjectSearchRequest(
        filter_groups=[FilterGroup(filters=[
            Filter(property_name="lifecyclestage", operator="EQ", value="customer")])],
        sorts=["-hs_object_id"], properties=["email"], limit=10)
    found = client.crm.contacts.search_api.do_search(public_object_search_request=request)
    customers = [c["id"] for c in _live(world) if c["properties"]["lifecyclestage"] == "customer"]
    assert found.total == len(customers)
    assert [c.id for c in found.results] == sorted(customers, key=int, reverse=True)[:10]
    assert found.paging.next.after == "10"
    batch = client.crm.contacts.batch_api.read(
        batch_read_input_simple_public_object_id=BatchReadInputSimplePublicObjectId(
            inputs=[SimplePublicObjectId(id="1003"), SimplePublicObjectId(id="1004")],
            properties=["email"], properties_with_history=["lifecyclestage"]))
    assert [c.id for c in batch.results] == ["1003", "1004"]
    assert batch.results[0].properties_with_history["lifecyclestage"][0].value == "customer"
