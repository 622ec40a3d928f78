"""`digest/weekly_digest` in the real code location: job, schedule, lineage, metadata, Slack."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import pytest

from tests.pipelines.conftest import load_definitions
from tests.pipelines.test_definitions import CREDENTIALS
from tests.webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.slow

DIGEST = dg.AssetKey(["digest", "weekly_digest"])


@dg.asset(key=["marts", "dim_people"])
def people() -> None:
    """A stand-in for the nightly run's dbt model, so the instance has a nightly run to report."""


@dg.asset_check(asset=people)
def people_have_emails() -> dg.AssetCheckResult:
    return dg.AssetCheckResult(passed=False, severity=dg.AssetCheckSeverity.WARN,
                               description="12 people have no e-mail")


@pytest.fixture
def code_location(monkeypatch: pytest.MonkeyPatch, warehouse_copy: Path, tmp_path: Path):
    for name, value in CREDENTIALS.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse_copy))
    monkeypatch.setenv("SAMEPAGE_DIGEST_DIR", str(tmp_path / "digest"))
    monkeypatch.setenv("SAMEPAGE_TIMEZONE", "Europe/Berlin")
    monkeypatch.setenv("DAGSTER_UI_URL", "http://dagster.example:3000")
    monkeypatch.delenv("SLACK_WEBHOOK_URL", raising=False)
    return monkeypatch


def test_job_schedule_and_lineage(code_location):
    defs = load_definitions()
    schedule = defs.resolve_schedule_def("weekly_digest_schedule")
    assert (schedule.job_name, schedule.cron_schedule, schedule.execution_timezone) == (
        "weekly_digest", "0 7 * * 1", "Europe/Berlin")
    assert schedule.default_status == dg.DefaultScheduleStatus.RUNNING
    graph = defs.resolve_asset_graph()
    node = graph.get(DIGEST)
    assert node.group_name == "digest"
    assert {dg.AssetKey(["marts", name]) for name in (
        "dim_people", "fct_lifecycle_events", "fct_lead_handoffs", "fct_campaign_performance",
        "rpt_definition_drift")} <= node.parent_keys
    assert defs.resolve_job_def("weekly_digest").asset_layer.executable_asset_keys == {DIGEST}
    # the nightly run builds; it does not report
    assert DIGEST not in defs.resolve_job_def("nightly").asset_layer.executable_asset_keys


def test_the_digest_materializes_with_its_markdown_and_reaches_slack(code_location, tmp_path):
    with WebhookReceiver() as slack, dg.instance_for_test() as instance:
        code_location.setenv("SLACK_WEBHOOK_URL", slack.url)
        nightly = dg.Definitions(assets=[people], asset_checks=[people_have_emails],
                                 jobs=[dg.define_asset_job("nightly")])
        nightly.resolve_job_def("nightly").execute_in_process(instance=instance)
        result = load_definitions().resolve_job_def("weekly_digest").execute_in_process(
            instance=instance)
        [materialization] = result.asset_materializations_for_node("digest__weekly_digest")
    metadata = {key: value.value for key, value in materialization.metadata.items()}

    markdown = metadata["digest"]
    assert isinstance(materialization.metadata["digest"], dg.MarkdownMetadataValue)
    assert markdown.startswith(f"# samepage weekly digest {metadata['week']}")
    # the latest nightly run's failed check is a data-quality note
    assert "`marts/dim_people` `people_have_emails` (WARN): 12 people have no e-mail" in markdown
    assert metadata["failed_checks_last_nightly"] == 1
    html = Path(metadata["html_path"])
    assert html.parent == tmp_path / "digest"
    assert html.name == f"samepage-digest-{metadata['week']}.html" and "<svg" in html.read_text()
    assert Path(metadata["markdown_path"]).read_text() == markdown
    assert metadata["kpis_on_track"] + metadata["kpis_at_risk"] + metadata["kpis_behind"] == 8

    assert metadata["slack_posted"] is True
    [message] = slack.received
    assert message["text"].startswith(f":bar_chart: *samepage weekly digest {metadata['week']}*")
    assert "http://dagster.example:3000/assets/digest/weekly_digest" in message["text"]
    assert str(html) in message["text"]
    assert slack.secret not in markdown


def test_without_a_webhook_the_digest_is_only_logged(code_location):
    result = load_definitions().resolve_job_def("weekly_digest").execute_in_process(
        instance=dg.DagsterInstance.ephemeral())
    [materialization] = result.asset_materializations_for_node("digest__weekly_digest")
    assert materialization.metadata["slack_posted"].value is False
    assert "No finished `nightly` run" in materialization.metadata["digest"].value
