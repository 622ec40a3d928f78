"""Salesforce's request limits over real HTTP: concurrency throttling (403, not 429) is retried,
the daily limit stops the read at once."""

from __future__ import annotations

import logging

import pytest

from connectors.errors import QuotaExhaustedError
from connectors.salesforce import SalesforceClient, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.http import FaultConfig

FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
SOQL = "SELECT Id, Email FROM Lead"


def client_for(sandbox: Sandbox, **options) -> SalesforceClient:
    session = salesforce_session(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                                 retry=FAST_RETRY, **options)
    return SalesforceClient(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                            login_url=sandbox.url, session=session)


def test_concurrency_403s_are_retried_with_back_off_and_nothing_is_lost(generated, caplog):
    world, _ = generated
    expected = {r["Id"] for r in world.salesforce["objects"]["Lead"] if not r["IsDeleted"]}
    # Injected throttling is answered as Salesforce answers it: 403 REQUEST_LIMIT_EXCEEDED
    # "ConcurrentPerOrgLongTxn Limit exceeded." (the injector's 500s and 503s come along).
    faults = FaultConfig(error_rate=0.35, seed=4)  # a 403 on the first and fourth call
    with Sandbox(world, SandboxSettings(faults=faults)) as sandbox:
        client = client_for(sandbox)
        with caplog.at_level(logging.WARNING, logger="connectors.session"):
            records = list(client.query(SOQL, batch_size=200))
    assert {r["Id"] for r in records} == expected and len(records) == len(expected)
    assert "HTTP 403 REQUEST_LIMIT_EXCEEDED (concurrent requests)" in caplog.text
    assert client.session.stats.retries > 0


def test_the_daily_limit_stops_at_once_without_retrying(generated):
    world, _ = generated
    with Sandbox(world, SandboxSettings(salesforce_daily_request_limit=3)) as sandbox:
        other = client_for(sandbox, quota_reserve=0.0)  # another integration spends the day
        for _ in range(3):
            other.api_usage()
        client = client_for(sandbox, quota_reserve=0.0)
        with pytest.raises(QuotaExhaustedError, match="TotalRequests Limit exceeded"):
            list(client.query(SOQL))
        assert client.session.stats.retries == 0
        assert client.session.stats.calls == 2  # the token, then the one refused query
