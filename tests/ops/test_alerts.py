"""Alerts reach a local Slack webhook receiver, or only the log; the webhook URL never leaks."""

from __future__ import annotations

import logging

import dagster as dg
import pytest

from pipelines.slack import SlackPostError, post_message
from tests.pipelines.conftest import load_definitions
from tests.pipelines.test_definitions import CREDENTIALS
from tests.webhook_receiver import WebhookReceiver

UI_URL = "http://dagster.example:3000"


@dg.op
def extract() -> None:
    raise dg.Failure(description="HubSpot answered 503 three times")


@dg.job
def tiny_nightly() -> None:
    extract()


@dg.asset
def people() -> None:
    """A stand-in mart for the check below."""


@dg.asset_check(asset=people)
def people_have_emails() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.ERROR,
                               description="12 people have no e-mail")


@dg.asset_check(asset=people)
def people_are_few() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN)


@pytest.fixture
def code_location(monkeypatch):
    """The real code location's sensors and resources, loaded with the environment set by then."""
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("DAGSTER_UI_URL", UI_URL)
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    return load_definitions


def evaluate(defs: dg.Definitions, sensor_name: str, result: dg.ExecuteInProcessResult,
             instance: dg.DagsterInstance, caplog: pytest.LogCaptureFixture) -> None:
    """One evaluation of the code location's sensor for this run, as the daemon would do it."""
    failed = not result.success
    context = dg.build_run_status_sensor_context(
        sensor_name=sensor_name,
        dagster_event=result.get_run_failure_event() if failed else result.get_run_success_event(),
        dagster_instance=instance, dagster_run=result.dagster_run,
        resources={"slack": defs.resources["slack"]})
    if failed:
        context = context.for_run_failure()
    # The sensor's logger is Dagster's tick log, outside the logging tree caplog listens to.
    context.log.addHandler(caplog.handler)
    defs.resolve_sensor_def(sensor_name)(context)


def test_a_failed_run_posts_job_run_failed_steps_and_a_link(code_location, monkeypatch, caplog):
    caplog.set_level(logging.DEBUG)
    with WebhookReceiver() as slack, dg.instance_for_test() as instance:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.url)
        defs = code_location()
        result = tiny_nightly.execute_in_process(instance=instance, raise_on_error=False)
        evaluate(defs, "run_failure_alert", result, instance, caplog)
    assert len(slack.received) == 1
    text = slack.received[0]["text"]
    run_id = result.run_id
    assert "job `tiny_nightly` failed" in text
    assert run_id in text
    assert f"{UI_URL}/runs/{run_id}" in text
    assert "`extract`: HubSpot answered 503 three times" in text
    assert slack.secret not in caplog.text
    assert "posted a message to Slack" in caplog.text


def test_a_successful_run_with_failed_error_checks_posts_them(code_location, monkeypatch, caplog):
    with WebhookReceiver() as slack, dg.instance_for_test() as instance:
        monkeypatch.setenv("SLACK_WEBHOOK_URL", slack.url)
        defs = code_location()
        result = dg.materialize([people, people_have_emails, people_are_few], instance=instance)
        assert result.success
        evaluate(defs, "failed_check_alert", result, instance, caplog)
    [message] = slack.received
    assert "succeeded but 1 asset check(s) failed" in message["text"]
    assert "`people` `people_have_emails`: 12 people have no e-mail" in message["text"]
    assert "people_are_few" not in message["text"]  # WARN is for the UI


def test_without_a_webhook_nothing_is_posted_and_the_log_says_so(code_location, caplog):
    caplog.set_level(logging.INFO)
    with WebhookReceiver() as slack, dg.instance_for_test() as instance:
        defs = code_location()
        assert defs.resources["slack"].webhook_url is None
        result = tiny_nightly.execute_in_process(instance=instance, raise_on_error=False)
        evaluate(defs, "run_failure_alert", result, instance, caplog)
    assert slack.received == []
    assert "SLACK_WEBHOOK_URL is not set, so this message is only logged" in caplog.text
    assert "job `tiny_nightly` failed" in caplog.text


@pytest.mark.parametrize("status", [500, 404])
def test_a_refused_post_raises_without_the_url(status, caplog):
    caplog.set_level(logging.DEBUG)
    with WebhookReceiver(status=status) as slack:
        url = slack.url if status == 500 else slack.url.replace(slack.secret, "other")
        with pytest.raises(SlackPostError, match=f"HTTP {status}") as raised:
            post_message(url, "hello")
    assert "/services/" not in str(raised.value)
    assert raised.value.__cause__ is None and raised.value.__context__ is None
    assert slack.secret not in caplog.text and "/services/" not in caplog.text


def test_an_unreachable_webhook_raises_without_the_url(caplog):
    caplog.set_level(logging.DEBUG)
    with WebhookReceiver() as slack:
        url = slack.url
    # the receiver is closed now: nothing listens on that port any more
    with pytest.raises(SlackPostError, match="could not reach the Slack webhook") as raised:
        post_message(url, "hello", timeout=2)
    assert slack.secret not in str(raised.value) and slack.secret not in caplog.text
    assert raised.value.__suppress_context__
