"""HubSpot's hard edges over real HTTP: over-long URLs, irregular pages, association types, the
daily limit, property-history limits. The sandbox answers as HubSpot does (sandbox/README.md);
the client must read everything regardless."""

from __future__ import annotations

import copy
from typing import Any

import pytest
import requests

from connectors.cursors import Checkpointed
from connectors.errors import QuotaExhaustedError
from connectors.hubspot import HubSpotClient, hubspot_session, rejoined, url_sized_parts
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.hubspot import URL_MAX_LENGTH
from sandbox.world import World

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
HISTORY = ["hubspotscore", "lifecyclestage"]


def client_for(sandbox: Sandbox, urls: list[tuple[str, str, int]] | None = None,
               **options: Any) -> HubSpotClient:
    token = sandbox.hubspot_access_token
    session = hubspot_session(token, rate_limit=None, search_rate_limit=None, retry=FAST_RETRY,
                              **options)
    if urls is not None:  # every request the client sends: (method, URL, status)
        session.hooks["response"].append(
            lambda r, *_, **__: urls.append((r.request.method, r.request.url, r.status_code)))
    return HubSpotClient(token, api_base=sandbox.url, session=session)


def thousand_property_portal(world: World) -> World:
    """The test world with custom contact properties added up to 1,000, values on a share of
    the records (live and archived), as a real portal's catalogue looks."""
    hubspot = copy.deepcopy(world.hubspot)
    definitions = hubspot["properties"]["contacts"]
    template = {k: v for k, v in definitions[-1].items() if k not in ("name", "label")}
    extra = [f"imported_2023_custom_field_{k:04d}_value" for k in range(1000 - len(definitions))]
    definitions += [{**template, "name": name, "label": name, "type": "string",
                     "fieldType": "text", "options": []} for name in extra]
    for n, contact in enumerate(hubspot["contacts"]):
        for k in range(n % 17, len(extra), 17):  # about 6 % of them on each contact
            contact["properties"][extra[k]] = f"value {n}-{k}"
    return World(clock=world.clock, hubspot=hubspot, salesforce=world.salesforce,
                 generator=world.generator)


@pytest.fixture(scope="module")
def big_portal(generated) -> World:
    return thousand_property_portal(generated[0])


def test_an_over_long_url_is_refused_as_hubspots_edge_does(big_portal):
    with Sandbox(big_portal, SandboxSettings.unlimited()) as sandbox:
        names = [p["name"] for p in big_portal.hubspot["properties"]["contacts"]]
        response = requests.get(f"{sandbox.url}/crm/v3/objects/contacts",
                                params={"archived": "true", "properties": ",".join(names)},
                                timeout=10)  # no token: the edge refuses before auth
    assert len(response.request.url) > URL_MAX_LENGTH
    assert response.status_code == 414
    assert response.headers["Content-Type"].startswith("text/html")
    assert "<title>414 Request-URI Too Large</title>" in response.text


def test_a_thousand_property_portal_syncs_with_no_url_over_the_limit(big_portal):
    urls: list[tuple[str, str, int]] = []
    with Sandbox(big_portal, SandboxSettings.unlimited()) as sandbox:
        client = client_for(sandbox, urls)
        properties = [d["name"] for d in client.properties("contacts") if not d.get("archived")]
        assert len(properties) == 1000
        until = client.high_water_mark("contacts")
        live = list(Checkpointed(client.changed_objects("contacts", properties, HISTORY,
                                                        since=None, until=until)))
        archived = list(client.archived_objects("contacts", properties))

    assert max(len(url) for _, url, _ in urls) <= URL_MAX_LENGTH
    assert all(status < 400 for _, _, status in urls)
    listing = [url for method, url, _ in urls if method == "GET" and "archived=true" in url
               and "/crm/v3/objects/contacts" in url]
    assert len({url.split("properties=")[1].split("&")[0] for url in listing}) > 1, \
        "the archived listing's property list is split across requests"

    world = {c["id"]: c for c in big_portal.hubspot["contacts"]}
    assert {r["id"] for r in live} == {i for i, c in world.items() if not c.get("archived")}
    assert {r["id"] for r in archived} == {i for i, c in world.items() if c.get("archived")}
    assert archived, "the test world has archived contacts"
    for record in live + archived:
        landed = {k: v for k, v in record["properties"].items() if v is not None}
        stored = {k: v for k, v in world[record["id"]]["properties"].items() if v is not None}
        assert landed == stored, record["id"]


def test_url_sized_parts_keep_every_value_in_order():
    url = "https://api.hubapi.com/crm/v3/objects/contacts"
    names = [f"property_number_{k}" for k in range(2000)]
    parts = url_sized_parts(url, {"limit": 100, "archived": "true"}, "properties", names)
    assert [n for part in parts for n in part] == names and len(parts) > 2
    for part in parts:
        prepared = requests.Request("GET", url, params={
            "limit": 100, "archived": "true", "properties": ",".join(part),
            "after": "123456789012"}).prepare()
        assert len(prepared.url) <= 15_000


def test_rejoined_waits_for_every_part_and_skips_records_some_part_lacks():
    def part(ids: list[int], key: str) -> list[dict[str, Any]]:
        return [{"id": str(i), "updatedAt": "t", "properties": {"hs_object_id": str(i),
                                                                key: f"{key}{i}"}} for i in ids]
    joined = list(rejoined([part([1, 2, 3, 5], "a"), part([1, 3, 4, 5], "b")]))
    assert [r["id"] for r in joined] == ["1", "3", "5"]
    assert joined[0]["properties"] == {"hs_object_id": "1", "a": "a1", "b": "b1"}


def test_empty_and_short_search_pages_with_a_next_cursor_are_paged_through(generated):
    world = generated[0]
    settings = SandboxSettings.unlimited()
    settings.hubspot_irregular_every = 3  # many stale-entry runs: empty pages on most queries
    with Sandbox(world, settings) as sandbox:
        first = requests.post(
            f"{sandbox.url}/crm/v3/objects/contacts/search",
            headers={"Authorization": f"Bearer {sandbox.hubspot_access_token}"},
            json={"sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                  "limit": 200}, timeout=10).json()
        urls: list[tuple[str, str, int]] = []
        client = client_for(sandbox, urls)
        until = client.high_water_mark("contacts")
        records = list(client.changed_objects("contacts", ["email"], since=None, until=until))
    assert len(first["results"]) < 200 and first["paging"]["next"]["after"] == "200"
    expected = [c["id"] for c in world.hubspot["contacts"] if not c.get("archived")]
    assert sorted(r["id"] for r in records) == sorted(expected)
    assert len(records) == len(expected)


def test_short_list_pages_are_paged_through(generated):
    world = generated[0]
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        token = {"Authorization": f"Bearer {sandbox.hubspot_access_token}"}
        sizes, after = [], None
        while True:
            body = requests.get(f"{sandbox.url}/crm/v3/objects/contacts", headers=token,
                                params={"limit": 100, **({"after": after} if after else {})},
                                timeout=10).json()
            sizes.append(len(body["results"]))
            if "paging" not in body:
                break
            after = body["paging"]["next"]["after"]
        listed = list(client_for(sandbox).list_objects("contacts", ["email"]))
    assert 50 in sizes[:-1], "some pages are short and still carry a next cursor"
    assert len(listed) == sum(sizes) == sum(1 for c in world.hubspot["contacts"]
                                            if not c.get("archived"))


def test_contact_company_links_list_several_types_in_no_fixed_order(sandbox):
    client = client_for(sandbox)
    with_company = [c["id"] for c in sandbox.world.hubspot["contacts"]
                    if not c.get("archived") and c.get("associations")]
    results = list(client.associations("contacts", "companies", with_company[:400]))
    kinds = [tuple(t["typeId"] for t in link["associationTypes"])
             for result in results for link in result["to"]]
    assert {(1, 279), (279, 1)} <= set(kinds), "both orders occur"
    labelled = [t for result in results for link in result["to"]
                for t in link["associationTypes"] if t["category"] == "USER_DEFINED"]
    assert labelled and all(t["label"] in ("Decision maker", "Billing contact")
                            for t in labelled)
    assert all(sum(t == 1 for t in k) == 1 for k in kinds), "one Primary type per company"


def test_the_daily_limit_headers_and_the_guard_stop_before_the_reserve(generated):
    settings = SandboxSettings.unlimited()
    settings.hubspot_daily_limit = 40
    with Sandbox(generated[0], settings) as sandbox:
        urls: list[tuple[str, str, int]] = []
        client = client_for(sandbox, urls, daily_reserve=0.25)  # keep 10 of 40
        with pytest.raises(QuotaExhaustedError, match="daily API calls: 30 of 40 used"):
            for _ in range(3):  # about 20 pages each
                list(client.list_objects("contacts", ["email"]))
        response = requests.get(f"{sandbox.url}/crm/v3/owners", timeout=10, headers={
            "Authorization": f"Bearer {sandbox.hubspot_access_token}"})
    assert response.headers["X-HubSpot-RateLimit-Daily"] == "40"
    assert response.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "9"
    assert len(urls) == 30 and all(status == 200 for _, _, status in urls)


def test_the_sandbox_refuses_calls_past_the_daily_limit_until_the_next_day(generated):
    settings = SandboxSettings.unlimited()
    settings.hubspot_daily_limit = 3
    with Sandbox(generated[0], settings) as sandbox:
        def owners() -> requests.Response:
            return requests.get(f"{sandbox.url}/crm/v3/owners", timeout=10, headers={
                "Authorization": f"Bearer {sandbox.hubspot_access_token}"})
        answers = [owners() for _ in range(4)]
        sandbox.advance(1)
        next_day = owners()
    assert [a.status_code for a in answers] == [200, 200, 200, 429]
    refused = answers[-1].json()
    assert refused["policyName"] == "DAILY" and refused["errorType"] == "RATE_LIMIT"
    assert refused["message"] == "You have reached your daily limit."
    assert answers[-1].headers["X-HubSpot-RateLimit-Daily-Remaining"] == "0"
    assert next_day.status_code == 200
    assert next_day.headers["X-HubSpot-RateLimit-Daily-Remaining"] == "2"


def test_a_history_limit_keeps_the_newest_entries(generated):
    world = generated[0]
    settings = SandboxSettings.unlimited()
    settings.hubspot_history_limit = 2
    long = next(c for c in world.hubspot["contacts"] if not c.get("archived")
                and len(c["propertiesWithHistory"]["hubspotscore"]) > 3)
    with Sandbox(world, settings) as sandbox:
        body = requests.get(f"{sandbox.url}/crm/v3/objects/contacts/{long['id']}", timeout=10,
                            params={"propertiesWithHistory": "hubspotscore"},
                            headers={"Authorization": f"Bearer {sandbox.hubspot_access_token}"}
                            ).json()
    assert body["propertiesWithHistory"]["hubspotscore"] == \
        long["propertiesWithHistory"]["hubspotscore"][:2]
