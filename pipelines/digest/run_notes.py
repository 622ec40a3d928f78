"""Data-quality notes from the Dagster instance: how the latest nightly run went."""

from __future__ import annotations

from datetime import UTC, datetime

import dagster as dg

from pipelines.alerts import failed_check_evaluations, first_line
from pipelines.digest.model import FailedCheck, NightlyRun

NIGHTLY_JOB = "nightly"
_FINISHED = [dg.DagsterRunStatus.SUCCESS, dg.DagsterRunStatus.FAILURE,
             dg.DagsterRunStatus.CANCELED]


def latest_nightly(instance: dg.DagsterInstance) -> NightlyRun | None:
    """The latest finished `nightly` run and its failed asset checks (WARN and ERROR), or None
    when this instance has never finished one."""
    records = instance.get_run_records(
        filters=dg.RunsFilter(job_name=NIGHTLY_JOB, statuses=_FINISHED), limit=1)
    if not records:
        return None
    record = records[0]
    run_id = record.dagster_run.run_id
    ended = record.end_time
    checks = [FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name,
                          evaluation.severity.value, first_line(evaluation.description or ""))
              for evaluation in failed_check_evaluations(instance, run_id)]
    return NightlyRun(run_id, record.dagster_run.status.value,
                      _utc_text(ended) if ended is not None else None, checks)


def _utc_text(timestamp: float) -> str:
    return datetime.fromtimestamp(timestamp, UTC).strftime("%Y-%m-%d %H:%M UTC")
