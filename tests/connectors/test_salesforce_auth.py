"""Salesforce authentication against the sandbox over real HTTP: the My Domain rule of the
client-credentials flow, and the JWT bearer flow."""

from __future__ import annotations

import logging

import pytest

from connectors.errors import AuthenticationError
from connectors.salesforce import SalesforceClient, jwt_audience, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox
from tests.sandbox.jwt_keys import key_pair, with_connected_app_certificate

FAST_RETRY = RetryPolicy(max_attempts=3, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
SOQL = "SELECT Id, Email FROM Lead"


@pytest.fixture
def jwt_sandbox(generated):
    world, _ = generated
    with Sandbox(with_connected_app_certificate(world, key_pair().certificate)) as sandbox:
        yield sandbox


def integration_username(sandbox: Sandbox) -> str:
    return next(u["Username"] for u in sandbox.world.salesforce["objects"]["User"]
                if u.get("IsActive"))


def jwt_client(sandbox: Sandbox, login_url: str | None = None,
               private_key: str | None = None) -> SalesforceClient:
    key = private_key or key_pair().private_key
    return SalesforceClient(sandbox.salesforce_client_id, username=integration_username(sandbox),
                            private_key=key, login_url=login_url or sandbox.url,
                            session=salesforce_session(sandbox.salesforce_client_id, key,
                                                       retry=FAST_RETRY))


def lead_ids(sandbox: Sandbox) -> set[str]:
    return {r["Id"] for r in sandbox.world.salesforce["objects"]["Lead"] if not r["IsDeleted"]}


def test_client_credentials_on_login_salesforce_com_say_to_use_my_domain(sandbox):
    client = SalesforceClient(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                              login_url=sandbox.salesforce_generic_login_url)
    with pytest.raises(AuthenticationError) as refused:
        list(client.query(SOQL))
    message = str(refused.value)
    assert "request not supported on this domain" in message
    assert "SALESFORCE_LOGIN_URL to https://<MyDomain>.my.salesforce.com" in message
    assert client.session.stats.retries == 0  # a configuration error: retrying cannot help
    # The same credentials on the org's My Domain (what the sandbox's environment names) work.
    on_my_domain = SalesforceClient(sandbox.salesforce_client_id,
                                    sandbox.salesforce_client_secret, login_url=sandbox.url)
    assert {r["Id"] for r in on_my_domain.query(SOQL)} == lead_ids(sandbox)


def test_jwt_bearer_reads_and_refreshes_an_expired_session_with_a_new_assertion(jwt_sandbox,
                                                                               caplog):
    client = jwt_client(jwt_sandbox)
    records = client.query(SOQL, batch_size=200)
    first = next(records)
    jwt_sandbox.salesforce.expire_tokens()
    with caplog.at_level(logging.DEBUG):
        rest = list(records)
    assert {first["Id"], *(r["Id"] for r in rest)} == lead_ids(jwt_sandbox)
    assert client.session.stats.calls >= 4  # token, page, refused page, token, page...
    for line in key_pair().private_key.splitlines()[1:-1]:
        assert line not in caplog.text


def test_jwt_bearer_works_on_the_generic_login_host_too(jwt_sandbox):
    client = jwt_client(jwt_sandbox, login_url=jwt_sandbox.salesforce_generic_login_url)
    assert client.auth.instance_url == jwt_sandbox.url  # the token names the My Domain
    assert {r["Id"] for r in client.query(SOQL)} == lead_ids(jwt_sandbox)


def test_a_key_the_app_does_not_know_is_refused_with_salesforces_words(jwt_sandbox):
    client = jwt_client(jwt_sandbox, private_key=key_pair("stranger").private_key)
    with pytest.raises(AuthenticationError, match="refused the JWT bearer assertion: "
                                                  "invalid_grant: invalid assertion"):
        list(client.query(SOQL))


def test_a_malformed_private_key_fails_at_once_without_echoing_it():
    secret_text = ("-----BEGIN PRIVATE KEY-----\nc2VjcmV0LWtleS1tYXRlcmlhbA==\n"
                   "-----END PRIVATE KEY-----")
    with pytest.raises(AuthenticationError) as refused:
        SalesforceClient("consumer-key", username="u@acme.example", private_key=secret_text)
    assert "not an unencrypted PEM RSA private key" in str(refused.value)
    assert "c2VjcmV0" not in str(refused.value)


@pytest.mark.parametrize("options", [
    {"client_secret": "s", "username": "u@acme.example", "private_key": "k"},
    {},
])
def test_exactly_one_flow_must_be_configured(options):
    with pytest.raises(AuthenticationError, match="either a client secret"):
        SalesforceClient("consumer-key", **options)


@pytest.mark.parametrize(("login_url", "audience"), [
    ("https://login.salesforce.com", "https://login.salesforce.com"),
    ("https://acme.my.salesforce.com", "https://login.salesforce.com"),
    ("https://test.salesforce.com", "https://test.salesforce.com"),
    ("https://acme--uat.sandbox.my.salesforce.com", "https://test.salesforce.com"),
])
def test_the_assertion_names_salesforces_login_server_as_audience(login_url, audience):
    assert jwt_audience(login_url) == audience
