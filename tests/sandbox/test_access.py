"""What the credentials may read: HubSpot private-app scopes (403 MISSING_SCOPES, token info)
and Salesforce objects and fields withheld from the integration user (INVALID_TYPE/FIELD)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import requests

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth
from sandbox.hubspot import READ_SCOPES
from sandbox.world import World

WITHOUT = ("crm.objects.owners.read", "content")


@pytest.fixture
def restricted(generated: tuple[World, Truth]) -> Iterator[Sandbox]:
    settings = SandboxSettings(
        hubspot_scopes=tuple(s for s in READ_SCOPES if s not in WITHOUT),
        salesforce_hidden_objects=("CampaignMember",),
        salesforce_hidden_fields=("Lead.Disqualification_Reason__c",))
    with Sandbox(generated[0], settings) as sandbox:
        yield sandbox


def _hubspot(sandbox: Sandbox, method: str, path: str, **kwargs) -> requests.Response:
    return requests.request(method, sandbox.url + path, timeout=10, headers={
        "Authorization": f"Bearer {sandbox.hubspot_access_token}"}, **kwargs)


def test_a_call_without_its_scope_answers_hubspots_403(restricted: Sandbox) -> None:
    answer = _hubspot(restricted, "GET", "/crm/v3/owners")
    assert answer.status_code == 403
    body = answer.json()
    assert body["category"] == "MISSING_SCOPES"
    assert body["message"].startswith("This app hasn't been granted all required scopes")
    assert body["errors"] == [{"message": "One or more of the following scopes are required.",
                               "context": {"requiredGranularScopes":
                                           ["crm.objects.owners.read"]}}]
    assert _hubspot(restricted, "GET", "/email/public/v1/events").status_code == 403
    # granted scopes still read
    assert _hubspot(restricted, "GET", "/crm/v3/objects/contacts").status_code == 200
    assert _hubspot(restricted, "GET", "/crm/v3/properties/contacts").status_code == 200


def test_token_info_lists_the_scopes_and_needs_none(restricted: Sandbox) -> None:
    answer = requests.post(restricted.url + "/oauth/v2/private-apps/get/access-token-info",
                           json={"tokenKey": restricted.hubspot_access_token}, timeout=10)
    assert answer.status_code == 200
    info = answer.json()
    assert set(info) == {"userId", "hubId", "appId", "scopes"}
    assert set(info["scopes"]) == set(READ_SCOPES) - set(WITHOUT)
    refused = requests.post(restricted.url + "/oauth/v2/private-apps/get/access-token-info",
                            json={"tokenKey": "pat-na1-wrong"}, timeout=10)
    assert refused.status_code == 401


def test_withheld_salesforce_objects_and_fields_are_invisible(restricted: Sandbox) -> None:
    env = restricted.environment()
    token = requests.post(f"{restricted.url}/services/oauth2/token", timeout=10, data={
        "grant_type": "client_credentials", "client_id": env["SALESFORCE_CLIENT_ID"],
        "client_secret": env["SALESFORCE_CLIENT_SECRET"]}).json()["access_token"]

    def get(path: str, **params: str) -> requests.Response:
        return requests.get(f"{restricted.url}/services/data/v62.0{path}", params=params,
                            headers={"Authorization": f"Bearer {token}"}, timeout=10)

    lead_fields = {f["name"] for f in get("/sobjects/Lead/describe").json()["fields"]}
    assert "Disqualification_Reason__c" not in lead_fields and "Status" in lead_fields
    assert get("/sobjects/CampaignMember/describe").status_code == 404
    field = get("/query", q="SELECT Id, Disqualification_Reason__c FROM Lead")
    assert field.status_code == 400 and field.json()[0]["errorCode"] == "INVALID_FIELD"
    sobject = get("/query", q="SELECT Id FROM CampaignMember")
    assert sobject.status_code == 400 and sobject.json()[0]["errorCode"] == "INVALID_TYPE"
    # the world itself is untouched: another sandbox on it sees everything
    assert any(f["name"] == "Disqualification_Reason__c"
               for f in restricted.world.salesforce["describe"]["Lead"]["fields"])
