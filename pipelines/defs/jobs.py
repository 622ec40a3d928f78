"""The jobs and their schedules, in SAMEPAGE_TIMEZONE: `nightly` builds, `weekly_digest` reports.

Settings are read when the code location loads (inside the definitions function, not at import),
so a reload picks up changed environment variables.
"""

import dagster as dg

from pipelines import settings
from pipelines.defs.digest import DIGEST_GROUP

_digest = dg.AssetSelection.groups(DIGEST_GROUP)

nightly = dg.define_asset_job(
    "nightly",
    # everything but the digest, which reports once a week on what the nightly runs built
    selection=dg.AssetSelection.all() - _digest,
    description="Extract the enabled sources (SAMEPAGE_SOURCES), then build and test every "
                "dbt model.",
    # the instance's run queue admits one run with this tag at a time (deploy/dagster.yaml,
    # deploy/local/dagster.yaml): a second nightly waits for the first
    tags={"samepage/job": "nightly"},
)

weekly_digest = dg.define_asset_job(
    "weekly_digest",
    selection=_digest,
    description="Render the weekly digest from the marts and post it to Slack (when configured).",
)


@dg.definitions
def schedules() -> dg.Definitions:
    when = settings.schedules()
    return dg.Definitions(jobs=[nightly, weekly_digest], schedules=[
        dg.ScheduleDefinition(
            name="nightly_schedule",
            job=nightly,
            cron_schedule=when.nightly_cron,
            execution_timezone=when.timezone,
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
        dg.ScheduleDefinition(
            name="weekly_digest_schedule",
            job=weekly_digest,
            cron_schedule=when.digest_cron,
            execution_timezone=when.timezone,
            default_status=dg.DefaultScheduleStatus.RUNNING,
        ),
    ])
