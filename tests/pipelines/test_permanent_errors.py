"""Errors retrying cannot fix fail the step once, at once, with a first sentence naming the variable
to check; Dagster's step retries (15 s, then 45 s) are left for transient failures."""

from __future__ import annotations

import socket
import time

import dagster as dg
import pytest

from sandbox.app import Sandbox
from sandbox.generator import generate
from tests.pipelines.conftest import load_definitions
from tests.postgres import SERVER_DSN

OWNERS = dg.AssetKey(["raw_hubspot", "owners"])


@pytest.fixture(scope="module")
def small_world():
    return generate(11, 60)[0]


def _run_owners() -> dg.ExecuteInProcessResult:
    return load_definitions().resolve_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, asset_selection=[OWNERS])


def _failures(result: dg.ExecuteInProcessResult) -> list[str]:
    """The first line a person reads of each step failure: the error, its type name stripped."""
    return [event.step_failure_data.error.message.split(": ", 1)[1]
            for event in result.all_events if event.is_step_failure]


def _retries(result: dg.ExecuteInProcessResult) -> int:
    return sum(event.event_type_value == "STEP_UP_FOR_RETRY" for event in result.all_events)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]  # nothing listens once the probe closes


def test_an_unreachable_api_fails_once_naming_the_variable(small_world, pipeline_env,
                                                          monkeypatch):
    point_at, _ = pipeline_env
    with Sandbox(small_world) as sandbox:
        point_at(sandbox)
    monkeypatch.setenv("HUBSPOT_API_BASE", f"http://127.0.0.1:{_closed_port()}")
    started = time.monotonic()
    result = _run_owners()
    elapsed = time.monotonic() - started
    assert not result.success
    assert _retries(result) == 0
    [message] = _failures(result)
    assert "HUBSPOT_API_BASE" in message
    # the connector's own back-off only (about 8 s on average), not two more step attempts
    assert elapsed < 45, elapsed


def test_a_missing_secret_fails_its_step_with_the_variable_first(small_world, pipeline_env,
                                                                monkeypatch):
    point_at, _ = pipeline_env
    with Sandbox(small_world) as sandbox:
        point_at(sandbox)
        monkeypatch.delenv("HUBSPOT_ACCESS_TOKEN")
        result = _run_owners()
    assert not result.success
    assert _retries(result) == 0
    [message] = _failures(result)
    assert message.startswith("HUBSPOT_ACCESS_TOKEN is not set"), message


def test_a_postgresql_database_that_does_not_exist_fails_once_naming_the_variable(
        small_world, pipeline_env, monkeypatch):
    point_at, _ = pipeline_env
    dsn = SERVER_DSN.rsplit("/", 1)[0] + "/samepage_no_such_database"
    with Sandbox(small_world) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", dsn)
        result = _run_owners()
    assert not result.success
    assert _retries(result) == 0
    [message] = _failures(result)
    assert message.startswith("Cannot connect to the PostgreSQL warehouse"), message
    assert "samepage_no_such_database" in message
    assert "SAMEPAGE_WAREHOUSE" in message
