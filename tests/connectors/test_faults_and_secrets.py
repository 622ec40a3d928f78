"""Under injected faults both clients read exactly what a clean run reads, and no credential
reaches a log line (ours or urllib3's, at DEBUG) or an exception message."""

from __future__ import annotations

import logging
from collections.abc import Callable
from typing import Any

import pytest

from connectors.errors import ApiError, AuthenticationError, ConnectorError, QuotaExhaustedError
from connectors.hubspot import HubSpotClient, hubspot_session
from connectors.salesforce import SalesforceClient, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.http import FaultConfig

FAST_RETRY = RetryPolicy(max_attempts=10, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
# Every kind of fault the sandbox injects; a timed-out call hangs 1 s against a 0.3 s timeout.
FAULTS = FaultConfig(error_rate=0.15, drop_rate=0.05, truncate_rate=0.05, timeout_rate=0.05,
                     timeout_seconds=1.0, seed=11)
CLIENT_TIMEOUT = 0.3


def hubspot(sandbox: Sandbox, token: str | None = None, **options: Any) -> HubSpotClient:
    token = token or sandbox.hubspot_access_token
    options = {"retry": FAST_RETRY, "timeout": CLIENT_TIMEOUT, **options}
    return HubSpotClient(token, api_base=sandbox.url, session=hubspot_session(token, **options))


def salesforce(sandbox: Sandbox, secret: str | None = None, **options: Any) -> SalesforceClient:
    secret = secret or sandbox.salesforce_client_secret
    options = {"retry": FAST_RETRY, "timeout": CLIENT_TIMEOUT, **options}
    session = salesforce_session(sandbox.salesforce_client_id, secret, **options)
    return SalesforceClient(sandbox.salesforce_client_id, secret, login_url=sandbox.url,
                            session=session)


def hubspot_read(client: HubSpotClient) -> list[dict[str, Any]]:
    until = client.high_water_mark("contacts")
    records = list(client.changed_objects("contacts", ["email", "samepage_persona"],
                                          ["hubspotscore"], since=None, until=until))
    return records + list(client.archived_objects("contacts", ["email"]))


def salesforce_read(client: SalesforceClient) -> list[dict[str, Any]]:
    return list(client.changed_records("Task", ["Subject", "WhoId", "IsDeleted"],
                                       since="2025-06-01T00:00:00Z", batch_size=200))


def test_hubspot_faults_change_nothing(sandbox, caplog):
    clean = hubspot_read(hubspot(sandbox))
    sandbox.set_faults(FAULTS)
    client = hubspot(sandbox)
    with caplog.at_level(logging.DEBUG):
        faulted = hubspot_read(client)
    assert len(faulted) == len(clean) > 1000
    assert sorted(faulted, key=lambda r: r["id"]) == sorted(clean, key=lambda r: r["id"])
    assert client.session.stats.retries > 5
    assert "ReadTimeout" in caplog.text and "unparsable JSON" in caplog.text
    assert sandbox.hubspot_access_token not in caplog.text


def test_salesforce_faults_and_an_expired_session_change_nothing(sandbox, caplog):
    clean = salesforce_read(salesforce(sandbox))
    sandbox.set_faults(FAULTS)
    client = salesforce(sandbox)
    with caplog.at_level(logging.DEBUG):
        records = client.changed_records("Task", ["Subject", "WhoId", "IsDeleted"],
                                         since="2025-06-01T00:00:00Z", batch_size=200)
        faulted = [next(records)]
        sandbox.salesforce.expire_tokens()  # the session expires mid-query: refreshed once
        faulted += list(records)
    assert faulted == clean and len(clean) > 400
    assert client.session.stats.retries > 0
    assert sandbox.salesforce_client_secret not in caplog.text


def test_no_secret_in_debug_logs_or_any_exception(sandbox, caplog):
    token = sandbox.hubspot_access_token
    client_id, secret = sandbox.salesforce_client_id, sandbox.salesforce_client_secret
    raised: list[ConnectorError] = []

    def expect(error: type[ConnectorError], read: Callable[[], object]) -> None:
        with pytest.raises(error) as caught:
            read()
        raised.append(caught.value)

    # urllib3's own level too: the official HubSpot client, used by other tests, raises it
    with caplog.at_level(logging.DEBUG), caplog.at_level(logging.DEBUG, logger="urllib3"):
        sandbox.set_faults(FAULTS)
        sf = salesforce(sandbox)
        salesforce_read(sf)
        hubspot_read(hubspot(sandbox))
        expect(AuthenticationError, lambda: hubspot_read(hubspot(sandbox, token="pat-na1-wrong")))
        expect(AuthenticationError, lambda: salesforce_read(salesforce(sandbox, secret="wrong")))
        expect(ApiError, lambda: list(sf.changed_records("Lead", ["Nope__c"])))
        sandbox.set_faults(FaultConfig(error_rate=1.0, seed=1))
        give_up = RetryPolicy(max_attempts=2, backoff_base_seconds=0.01)
        expect(ApiError, lambda: hubspot_read(hubspot(sandbox, retry=give_up)))
        expect(ApiError, lambda: salesforce_read(salesforce(sandbox, retry=give_up)))
        sandbox.set_faults(FaultConfig())
    with Sandbox(sandbox.world, SandboxSettings(salesforce_daily_request_limit=3)) as small:
        expect(QuotaExhaustedError, lambda: salesforce_read(salesforce(small, quota_reserve=0.5)))

    session_token = sf.auth._access_token
    assert session_token and "urllib3" in {r.name.split(".")[0] for r in caplog.records}
    for secret_value in (token, secret, session_token):
        assert secret_value not in caplog.text
        for error in raised:
            assert secret_value not in str(error) and secret_value not in repr(error)
    assert client_id not in caplog.text  # not secret, but the redaction list covers it
    assert len(raised) == 6
