"""Alerts: Slack (or the log, without ``SLACK_WEBHOOK_URL``) when a run or an ERROR check fails.

A failing ERROR-severity check that is blocking (dbt tests are) fails its step, so the run-failure
alert covers it and lists the failed checks; a non-blocking one leaves the run successful, so a
second sensor looks at successful runs for them. WARN checks show in the UI only.
"""

import dagster as dg

from pipelines.alerts import failed_checks_text, failed_error_checks, failed_steps, run_failure_text
from pipelines.defs.resources import SlackResource


@dg.run_failure_sensor(
    name="run_failure_alert",
    description="Posts every failed run of this code location to Slack (or logs it).",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def run_failure_alert(context: dg.RunFailureSensorContext, slack: SlackResource) -> None:
    run = context.dagster_run
    text = run_failure_text(run.job_name, run.run_id,
                            failed_steps(context.get_step_failure_events()),
                            failed_error_checks(context.instance, run.run_id),
                            context.failure_event.message or "")
    slack.post(text, log=context.log)


@dg.run_status_sensor(
    name="failed_check_alert",
    run_status=dg.DagsterRunStatus.SUCCESS,
    description="Posts successful runs whose ERROR-severity asset checks failed to Slack "
                "(or logs them).",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
def failed_check_alert(context: dg.RunStatusSensorContext, slack: SlackResource) -> None:
    run = context.dagster_run
    checks = failed_error_checks(context.instance, run.run_id)
    if checks:
        slack.post(failed_checks_text(run.job_name, run.run_id, checks), log=context.log)
