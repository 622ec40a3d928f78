"""The Salesforce client against the sandbox over real HTTP."""

import logging

import pytest

from connectors.errors import AuthenticationError
from connectors.salesforce import SalesforceClient
from connectors.session import build_session

SOQL = "SELECT Id, Email, IsDeleted, SystemModstamp FROM Lead"


def world_lead_ids(sandbox, include_deleted: bool) -> set[str]:
    return {lead["Id"] for lead in sandbox.world.salesforce["objects"]["Lead"]
            if include_deleted or not lead["IsDeleted"]}


def client_for(sandbox, secret=None) -> SalesforceClient:
    secret = secret or sandbox.salesforce_client_secret
    session = build_session("Salesforce", secrets=(secret,))
    return SalesforceClient(sandbox.salesforce_client_id, secret, login_url=sandbox.url,
                            session=session)


def test_query_pages_to_the_last_batch(sandbox):
    client = client_for(sandbox)
    records = list(client.query(SOQL, batch_size=200))
    expected = world_lead_ids(sandbox, include_deleted=False)
    assert len(expected) > 200, "the test world should need several pages"
    assert {r["Id"] for r in records} == expected
    assert len(records) == len(expected)
    # one token call, then one call per batch: at most 200, often fewer (short batches)
    pages = client.session.stats.calls - 1
    assert -(-len(expected) // 200) <= pages <= -(-len(expected) // 100)
    assert records[0]["attributes"]["type"] == "Lead"


def test_query_all_includes_deleted_rows(sandbox):
    records = list(client_for(sandbox).query(SOQL, include_deleted=True))
    assert {r["Id"] for r in records} == world_lead_ids(sandbox, include_deleted=True)
    assert any(r["IsDeleted"] for r in records)


def test_an_expired_token_is_refreshed_once_mid_query(sandbox, caplog):
    client = client_for(sandbox)
    records = client.query(SOQL, batch_size=200)
    first = next(records)
    sandbox.salesforce.expire_tokens()
    with caplog.at_level(logging.DEBUG):
        rest = list(records)
    assert len({first["Id"], *(r["Id"] for r in rest)}) == len(world_lead_ids(sandbox, False))
    assert client.session.stats.calls >= 3  # token, first page, second token...
    assert sandbox.salesforce_client_secret not in caplog.text


def test_wrong_client_secret_is_an_authentication_error(sandbox):
    with pytest.raises(AuthenticationError, match="refused the client credentials"):
        list(client_for(sandbox, secret="wrong-secret").query(SOQL))
