"""What an alert says: which run failed, where, and a link to it in the Dagster UI."""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass

import dagster as dg
from dagster_shared.error import SerializableErrorInfo

DEFAULT_UI_URL = "http://127.0.0.1:3000"
# One line per failure is enough to triage; the whole stack trace is one click away in the UI.
MAX_ERROR_CHARS = 300


@dataclass(frozen=True)
class FailedStep:
    step_key: str
    error: str


@dataclass(frozen=True)
class FailedCheck:
    asset: str
    check_name: str
    description: str


def ui_url(path: str) -> str:
    """A page of the Dagster UI (``DAGSTER_UI_URL``, default the local ``dagster dev``)."""
    return f"{os.environ.get('DAGSTER_UI_URL', DEFAULT_UI_URL).rstrip('/')}/{path.lstrip('/')}"


def run_url(run_id: str) -> str:
    """The run's page in the Dagster UI."""
    return ui_url(f"runs/{run_id}")


def failed_steps(events: Sequence[dg.DagsterEvent]) -> list[FailedStep]:
    """Each STEP_FAILURE event as its step and the first line of its error."""
    steps = []
    for event in events:
        error = event.step_failure_data.error if event.step_failure_data else None
        steps.append(FailedStep(event.step_key or "?", _error_text(error) if error else ""))
    return steps


def _error_text(error: SerializableErrorInfo) -> str:
    """``module.path.ValueError: text`` as ``ValueError: text``; a ``dg.Failure`` as its text
    only, since its description is the message the code wrote for people."""
    line = first_line(error.message)
    qualified, separator, text = line.partition(": ")
    if not separator or qualified.rsplit(".", 1)[-1] != error.cls_name:
        return line
    return text if error.cls_name == "Failure" else f"{error.cls_name}: {text}"


def failed_check_evaluations(instance: dg.DagsterInstance,
                             run_id: str) -> list[dg.AssetCheckEvaluation]:
    """Every asset check of the run that did not pass, whatever its severity."""
    records = instance.get_records_for_run(
        run_id, of_type=dg.DagsterEventType.ASSET_CHECK_EVALUATION).records
    evaluations = [record.event_log_entry.dagster_event.event_specific_data for record in records]
    return [evaluation for evaluation in evaluations if not evaluation.passed]


def failed_error_checks(instance: dg.DagsterInstance, run_id: str) -> list[FailedCheck]:
    """Asset checks of the run that failed with severity ERROR (WARN is for the UI, not alerts)."""
    return [FailedCheck(evaluation.asset_key.to_user_string(), evaluation.check_name,
                        first_line(evaluation.description or ""))
            for evaluation in failed_check_evaluations(instance, run_id)
            if evaluation.severity == dg.AssetCheckSeverity.ERROR]


def run_failure_text(job_name: str, run_id: str, steps: Sequence[FailedStep],
                     checks: Sequence[FailedCheck], reason: str) -> str:
    """The alert for a failed run; ``reason`` stands in when no step failed (e.g. bad config)."""
    lines = [f":red_circle: samepage: job `{job_name}` failed (run {run_id})",
             f"Run in Dagster: {run_url(run_id)}"]
    if steps:
        lines.append("Failed steps:")
        lines += [f"• `{step.step_key}`: {step.error}" for step in steps]
    else:
        lines.append(f"Reason: {first_line(reason)}")
    lines += _check_lines(checks)
    return "\n".join(lines)


def failed_checks_text(job_name: str, run_id: str, checks: Sequence[FailedCheck]) -> str:
    """The alert for a run that succeeded although some ERROR-severity checks failed."""
    return "\n".join([
        f":large_orange_circle: samepage: job `{job_name}` succeeded but "
        f"{len(checks)} asset check(s) failed (run {run_id})",
        f"Run in Dagster: {run_url(run_id)}",
        *_check_lines(checks),
    ])


def _check_lines(checks: Sequence[FailedCheck]) -> list[str]:
    if not checks:
        return []
    return ["Failed asset checks:"] + [
        f"• `{check.asset}` `{check.check_name}`"
        + (f": {check.description}" if check.description else "")
        for check in checks]


def first_line(text: str) -> str:
    """The first non-blank line, shortened to MAX_ERROR_CHARS."""
    line = next((line.strip() for line in text.splitlines() if line.strip()), "")
    return line if len(line) <= MAX_ERROR_CHARS else line[:MAX_ERROR_CHARS - 1] + "…"
