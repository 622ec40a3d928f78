"""The Salesforce token endpoint's hard edges over real HTTP: client credentials only on My Domain,
and the JWT bearer flow against the connected app's certificate."""

from __future__ import annotations

import time
from collections.abc import Iterator
from typing import Any

import jwt
import pytest
import requests

from sandbox.app import Sandbox
from sandbox.salesforce import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SalesforceApi
from sandbox.salesforce_oauth import JWT_BEARER
from tests.sandbox.jwt_keys import key_pair, with_connected_app_certificate
from tests.sandbox.test_salesforce_api import SfServer, _serve, make_world

USERNAME = "integration@acme.example"
NOT_ON_THIS_DOMAIN = {"error": "invalid_grant",
                      "error_description": "request not supported on this domain"}


def jwt_world():
    world = with_connected_app_certificate(make_world(), key_pair().certificate)
    world.salesforce["objects"]["User"][0]["Username"] = USERNAME
    return world


@pytest.fixture
def sf() -> Iterator[SfServer]:
    yield from _serve(SalesforceApi(jwt_world()))


def assertion(key: str | None = None, **claims: Any) -> str:
    """A JWT bearer assertion as a client signs it; ``None`` claims are left out."""
    body = {"iss": DEFAULT_CLIENT_ID, "sub": USERNAME, "aud": "https://login.salesforce.com",
            "exp": int(time.time()) + 170, **claims}
    body = {k: v for k, v in body.items() if v is not None}
    return jwt.encode(body, key or key_pair().private_key, algorithm="RS256")


def jwt_token(sf: SfServer, token: str) -> requests.Response:
    return requests.post(f"{sf.url}/services/oauth2/token",
                         data={"grant_type": JWT_BEARER, "assertion": token}, timeout=10)


# -- Client credentials: My Domain only ---------------------------------------------------------

@pytest.mark.parametrize("host", ["login.salesforce.com", "test.salesforce.com:443"])
def test_client_credentials_addressed_to_a_generic_login_host_are_refused(sf: SfServer,
                                                                           host: str) -> None:
    response = requests.post(f"{sf.url}/services/oauth2/token", headers={"Host": host}, data={
        "grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
        "client_secret": DEFAULT_CLIENT_SECRET}, timeout=10)
    assert response.status_code == 400 and response.json() == NOT_ON_THIS_DOMAIN
    assert sf.token().status_code == 200  # the same request on the org's own host works


def test_the_sandbox_serves_a_generic_login_host_beside_its_my_domain() -> None:
    with Sandbox(jwt_world()) as sandbox:
        generic = f"{sandbox.salesforce_generic_login_url}/services/oauth2/token"
        assert generic.split("/services")[0] != sandbox.url
        refused = requests.post(generic, data={
            "grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
            "client_secret": DEFAULT_CLIENT_SECRET}, timeout=10)
        assert refused.status_code == 400 and refused.json() == NOT_ON_THIS_DOMAIN
        # Other grants work there, and the token names the My Domain as the instance.
        granted = requests.post(generic, data={"grant_type": JWT_BEARER,
                                               "assertion": assertion()}, timeout=10)
        assert granted.status_code == 200 and granted.json()["instance_url"] == sandbox.url
        assert sandbox.environment()["SALESFORCE_LOGIN_URL"] == sandbox.url
        assert requests.get(f"{sandbox.salesforce_generic_login_url}/services/data/v62.0/limits",
                            timeout=10).status_code == 404  # only the token endpoint lives there


# -- JWT bearer ---------------------------------------------------------------------------------

def test_a_signed_assertion_gets_a_token_for_the_named_user(sf: SfServer) -> None:
    response = jwt_token(sf, assertion())
    assert response.status_code == 200, response.text
    body = response.json()
    # The JWT bearer response: no refresh token, no signature.
    assert set(body) == {"access_token", "scope", "instance_url", "id", "token_type"}
    assert body["id"].endswith("/005000000000001AAA") and body["instance_url"] == sf.url
    limits = sf.get("/services/data/v59.0/limits", body["access_token"])
    assert limits.status_code == 200


@pytest.mark.parametrize(("claims", "error", "description"), [
    ({"key": key_pair("someone-else").private_key}, "invalid_grant", "invalid assertion"),
    ({"iss": "another-app"}, "invalid_client_id", "client identifier invalid"),
    ({"aud": "https://example.com"}, "invalid_grant", "audience is invalid"),
    ({"sub": "nobody@acme.example"}, "invalid_grant", "user hasn't approved this consumer"),
    ({"exp": int(time.time()) - 600}, "invalid_grant", "expired authorization code"),
    ({"exp": int(time.time()) + 3600}, "invalid_grant", "invalid assertion"),
    ({"sub": None}, "invalid_grant", "invalid assertion"),
])
def test_bad_assertions_are_refused_as_salesforce_refuses_them(sf: SfServer, claims: dict,
                                                               error: str,
                                                               description: str) -> None:
    response = jwt_token(sf, assertion(**claims))
    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


def test_without_a_certificate_the_jwt_flow_is_off() -> None:
    world = make_world()
    world.salesforce["objects"]["User"][0]["Username"] = USERNAME
    for sf in _serve(SalesforceApi(world)):
        assert jwt_token(sf, assertion()).json() == {
            "error": "invalid_client", "error_description": "invalid client credentials"}
        assert jwt_token(sf, "not-a-jwt").json()["error_description"] == "invalid assertion"


def test_token_grants_are_logged_without_the_token(sf: SfServer, caplog) -> None:
    with caplog.at_level("INFO", logger="sandbox.salesforce"):
        token = sf.access_token()
    assert "access token issued (client_credentials grant)" in caplog.text
    assert token not in caplog.text
