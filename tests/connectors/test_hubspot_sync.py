"""Incremental HubSpot reads against the sandbox over real HTTP, checked against the world JSON."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests

from connectors.cursors import Checkpointed, canonical, to_millis
from connectors.errors import ApiError
from connectors.hubspot import HubSpotClient, hubspot_session, last_modified_property
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.world import World

FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
PROPERTIES = {"contacts": ["email", "hubspotscore", "lifecyclestage", "samepage_persona"],
              "companies": ["name", "domain"]}
HISTORY = {"contacts": ["hubspotscore", "lifecyclestage"], "companies": []}


def client_for(sandbox: Sandbox, **limits: Any) -> HubSpotClient:
    token = sandbox.hubspot_access_token
    return HubSpotClient(token, api_base=sandbox.url,
                         session=hubspot_session(token, retry=FAST_RETRY, **limits))


def live(world: World, object_type: str) -> list[dict[str, Any]]:
    return [r for r in world.hubspot[object_type] if not r.get("archived")]


def read_one(sandbox: Sandbox, object_type: str, record_id: str) -> dict[str, Any]:
    """The record as the single-read endpoint renders it, for comparison."""
    response = requests.get(
        f"{sandbox.url}/crm/v3/objects/{object_type}/{record_id}",
        params={"properties": ",".join(PROPERTIES[object_type]),
                "propertiesWithHistory": ",".join(HISTORY[object_type])},
        headers={"Authorization": f"Bearer {sandbox.hubspot_access_token}"}, timeout=5)
    assert response.status_code == 200
    return response.json()


@pytest.mark.parametrize("object_type", ["contacts", "companies"])
def test_changed_objects_after_advance_are_exactly_the_records_that_moved(sandbox, object_type):
    client = client_for(sandbox)
    before = client.high_water_mark(object_type)
    sandbox.advance(3)
    until = client.high_water_mark(object_type)
    assert before is not None and until is not None and until > before

    read = Checkpointed(client.changed_objects(object_type, PROPERTIES[object_type],
                                               HISTORY[object_type], since=before, until=until))
    records = list(read)
    assert read.cursor == until  # the position to commit is the high-water mark

    # Independently, from the world JSON: the live records last modified in [before, until].
    expected = {r["id"] for r in live(sandbox.world, object_type)
                if to_millis(before) <= to_millis(r["updatedAt"]) <= to_millis(until)}
    assert expected, "advancing three days changes some records"
    assert len(expected) < len(live(sandbox.world, object_type)) // 2
    assert [r["id"] for r in records if r["id"] in expected] == [r["id"] for r in records]
    assert {r["id"] for r in records} == expected and len(records) == len(expected)
    lastmod = last_modified_property(object_type)
    for record in records:
        assert record == read_one(sandbox, object_type, record["id"])  # what the API renders
        assert record["properties"][lastmod] == record["updatedAt"]
    if HISTORY[object_type]:
        assert all(set(r["propertiesWithHistory"]) == set(HISTORY[object_type]) for r in records)


def test_a_run_with_nothing_new_reads_only_the_boundary(sandbox):
    client = client_for(sandbox)
    until = client.high_water_mark("contacts")
    records = list(client.changed_objects("contacts", ["email"], since=until, until=until))
    # Inclusive bounds: the record(s) at the high-water mark itself are read again, nothing else.
    at_mark = {c["id"] for c in live(sandbox.world, "contacts")
               if to_millis(c["updatedAt"]) == to_millis(until)}
    assert {r["id"] for r in records} == at_mark


# -- beyond the 10,000-result search cap ----------------------------------------------------------

START = datetime(2025, 3, 1, tzinfo=UTC)
CAP_WORLD_SIZE = 10_450
STAMPS = [START + timedelta(hours=h) for h in range(5)]  # ~2,090 records share each instant


def _iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def big_world() -> World:
    contacts = []
    for n in range(CAP_WORLD_SIZE):
        record_id = str(100_000 + n * 3)  # gaps, as real ids have
        stamp = _iso(STAMPS[(n * 7) % len(STAMPS)])
        contacts.append({
            "id": record_id, "createdAt": _iso(START), "updatedAt": stamp, "archived": False,
            "properties": {"hs_object_id": record_id, "email": f"p{n}@example.com",
                           "createdate": _iso(START), "lastmodifieddate": stamp}})
    return World(clock=_iso(START + timedelta(days=1)), hubspot={"contacts": contacts})


@pytest.fixture(scope="module")
def big_sandbox():
    # Limits off: this test is about the search cap, not pacing (tested on its own).
    with Sandbox(big_world(), SandboxSettings.unlimited()) as running:
        yield running


def test_a_first_sync_reads_past_the_10000_search_cap(big_sandbox):
    client = client_for(big_sandbox, rate_limit=None, search_rate_limit=None)
    until = client.high_water_mark("contacts")
    assert until == _iso(STAMPS[-1])
    records = list(client.changed_objects("contacts", ["email"], since=None, until=until))
    assert len(records) == CAP_WORLD_SIZE > 10_000
    assert {r["id"] for r in records} == {c["id"] for c in big_sandbox.world.hubspot["contacts"]}

    # The control: offset paging through one query fails at the cap, so the test would catch it.
    url = f"{big_sandbox.url}/crm/v3/objects/contacts/search"
    refused = requests.post(url, json={"limit": 200, "after": 10_000},
                            headers={"Authorization": f"Bearer {big_sandbox.hubspot_access_token}"},
                            timeout=5)
    assert refused.status_code == 400


def test_ties_at_a_timestamp_across_pages_and_windows_are_all_read(big_sandbox):
    client = client_for(big_sandbox, rate_limit=None, search_rate_limit=None)
    since = STAMPS[3]  # ~2,090 records at exactly `since`, ~2,090 at the mark: many pages each
    until = canonical(STAMPS[-1])
    records = list(client.changed_objects("contacts", ["email"], since=since, until=until))
    expected = {c["id"] for c in big_sandbox.world.hubspot["contacts"]
                if to_millis(c["updatedAt"]) >= to_millis(since)}
    assert len(expected) > 2 * 200
    assert {r["id"] for r in records} == expected and len(records) == len(expected)


def test_an_error_retrying_cannot_fix_is_an_api_error_with_hubspots_message(sandbox):
    client = client_for(sandbox)
    with pytest.raises(ApiError, match=r"400 .*VALIDATION_ERROR Unable to infer") as err:
        list(client.changed_objects("widgets", ["email"], since=None, until=0))
    assert client.session.stats.retries == 0
    assert err.value.status == 400


# -- archived, definitions, owners, associations, marketing ---------------------------------------

def test_archived_objects_are_the_worlds_deleted_records(sandbox):
    archived = list(client_for(sandbox).archived_objects("contacts", ["email"]))
    assert archived and all(r["archived"] and r["archivedAt"] for r in archived)
    assert {r["id"] for r in archived} == {c["id"] for c in sandbox.world.hubspot["contacts"]
                                           if c.get("archived")}


def test_properties_include_custom_ones_and_name_their_object(sandbox):
    props = list(client_for(sandbox).properties("contacts"))
    names = {p["name"] for p in props}
    assert {"email", "hubspotscore", "samepage_persona"} <= names
    assert names == {p["name"] for p in sandbox.world.hubspot["properties"]["contacts"]}
    assert all(p["objectType"] == "contacts" for p in props)


def test_owners_are_every_owner(sandbox):
    owners = list(client_for(sandbox).owners())
    expected = sorted(o["id"] for o in sandbox.world.hubspot["owners"])
    assert sorted(o["id"] for o in owners) == expected


def test_contact_company_associations_follow_the_v4_shape(sandbox):
    client = client_for(sandbox)
    contacts = live(sandbox.world, "contacts")
    results = list(client.associations("contacts", "companies", (c["id"] for c in contacts)))
    linked = {c["id"]: c["associations"]["companies"]["results"] for c in contacts
              if c.get("associations", {}).get("companies", {}).get("results")}
    assert 0 < len(linked) < len(contacts), "some contacts have companies, some none"
    assert {r["from"]["id"] for r in results} == set(linked)
    for result in results:
        assert {str(t["toObjectId"]) for t in result["to"]} == {
            link["id"] for link in linked[result["from"]["id"]]}
        assert all(t["associationTypes"] for t in result["to"])
    assert client.session.stats.calls == -(-len(contacts) // 1000)


def test_email_events_since_a_moment(sandbox):
    events = sandbox.world.hubspot["email_events"]
    created = sorted(e["created"] for e in events)
    since = created[len(created) // 2]
    read = Checkpointed(client_for(sandbox).email_events(canonical(since)))
    got = list(read)
    expected = [e for e in events if e["created"] >= since]
    assert len(got) == len(expected) > 1000  # several pages
    assert {e["id"] for e in got} == {e["id"] for e in expected}
    assert read.cursor == canonical(created[-1])


def test_form_submissions_stop_at_since_and_name_their_form(sandbox):
    client = client_for(sandbox)
    forms = list(client.forms())
    assert {f["id"] for f in forms} == {f["id"] for f in sandbox.world.hubspot["forms"]}
    form_id = forms[0]["id"]
    stored = sandbox.world.hubspot["form_submissions"][form_id]
    times = sorted(s["submittedAt"] for s in stored)
    since = times[len(times) // 3]
    calls = client.session.stats.calls
    read = Checkpointed(client.form_submissions(form_id, since))
    got = list(read)
    expected = {s["conversionId"] for s in stored if s["submittedAt"] >= since}
    assert {s["conversionId"] for s in got} == expected and len(got) == len(expected)
    assert all(s["formId"] == form_id for s in got)
    assert read.cursor == canonical(times[-1])
    # Newest first: paging stopped at the first older submission instead of reading them all.
    assert client.session.stats.calls - calls == -(-(len(expected) + 1) // 50)
