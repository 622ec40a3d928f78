"""The HubSpot client against the sandbox over real HTTP."""

import logging

import pytest

from connectors.errors import AuthenticationError
from connectors.hubspot import HubSpotClient
from connectors.session import RetryPolicy, build_session
from sandbox.http import FaultConfig

PROPERTIES = ["email", "hubspotscore", "lastmodifieddate"]
FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)


def world_contact_ids(sandbox, archived: bool) -> set[str]:
    return {c["id"] for c in sandbox.world.hubspot["contacts"]
            if bool(c.get("archived")) == archived}


def client_for(sandbox, token=None, **session_options) -> HubSpotClient:
    token = token or sandbox.hubspot_access_token
    session = build_session("HubSpot", secrets=(token,), **session_options)
    return HubSpotClient(token, api_base=sandbox.url, session=session)


def test_lists_every_contact_to_the_last_page(sandbox):
    client = client_for(sandbox)
    records = list(client.list_objects("contacts", PROPERTIES))
    expected = world_contact_ids(sandbox, archived=False)
    assert len(expected) > 200, "the test world should need several pages"
    assert [r["id"] for r in records if r["id"] in expected] == [r["id"] for r in records]
    assert {r["id"] for r in records} == expected
    assert len(records) == len(expected)
    # Full pages but for the sandbox's short ones (fewer than asked for, with a next cursor).
    assert -(-len(expected) // 100) < client.session.stats.calls < len(expected) // 50 + 2
    assert set(records[0]["properties"]) >= {"email", "hubspotscore"}


def test_lists_archived_contacts_separately(sandbox):
    archived = list(client_for(sandbox).list_objects("contacts", PROPERTIES, archived=True))
    assert archived, "the generated world deletes some contacts"
    assert {r["id"] for r in archived} == world_contact_ids(sandbox, archived=True)
    assert all(r["archived"] for r in archived)


def test_a_wrong_token_is_an_authentication_error(sandbox):
    client = client_for(sandbox, token="pat-na1-wrong")
    with pytest.raises(AuthenticationError, match="HubSpot refused the access token"):
        list(client.list_objects("contacts", PROPERTIES))


def test_faults_are_retried_and_change_nothing(sandbox, caplog):
    expected = world_contact_ids(sandbox, archived=False)
    sandbox.set_faults(FaultConfig(error_rate=0.25, drop_rate=0.1, truncate_rate=0.1, seed=3))
    client = client_for(sandbox, retry=FAST_RETRY, timeout=5)
    with caplog.at_level(logging.DEBUG):
        records = list(client.list_objects("contacts", PROPERTIES))
    assert {r["id"] for r in records} == expected
    assert len(records) == len(expected)
    assert client.session.stats.retries > 0
    assert "retry" in caplog.text
    assert sandbox.hubspot_access_token not in caplog.text
