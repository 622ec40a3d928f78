"""The jobs and their schedules, in SAMEPAGE_TIMEZONE: `nightly` builds, `weekly_digest` reports.

Settings are read when the code location loads (inside the definitions function, not at import),
so a reload picks up changed environment variables.
"""

import os

import dagster as dg

from pipelines.defs.digest import DIGEST_GROUP

_digest = dg.AssetSelection.groups(DIGEST_GROUP)

nightly = dg.define_asset_job(
    "nightly",
    # everything but the digest, which reports once a week on what the nightly runs built
    selection=dg.AssetSelection.all() - _digest,
    description="Extract HubSpot and Salesforce, then build and test every dbt model.",
)

weekly_digest = dg.define_asset_job(
    "weekly_digest",
    selection=_digest,
    description="Render the weekly digest from the marts and post it to Slack (when configured).",
)


@dg.definitions
def schedules() -> dg.Definitions:
    timezone = os.environ.get("SAMEPAGE_TIMEZONE", "UTC")
    return dg.Definitions(jobs=[nightly, weekly_digest], schedules=[
        dg.ScheduleDefinition(
            name="nightly_schedule",
            job=nightly,
            cron_schedule=os.environ.get("SAMEPAGE_NIGHTLY_CRON", "0 2 * * *"),
            execution_timezone=timezone,
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
        dg.ScheduleDefinition(
            name="weekly_digest_schedule",
            job=weekly_digest,
            # Monday 07:00, after Monday's nightly run (02:00) has built the week's last day
            cron_schedule=os.environ.get("SAMEPAGE_DIGEST_CRON", "0 7 * * 1"),
            execution_timezone=timezone,
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
    ])
