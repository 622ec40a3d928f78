"""The nightly job and its schedule."""

import os

import dagster as dg

nightly = dg.define_asset_job(
    "nightly",
    selection=dg.AssetSelection.all(),
    description="Extract HubSpot and Salesforce, then build and test every dbt model.",
)

nightly_schedule = dg.ScheduleDefinition(
    name="nightly_schedule",
    job=nightly,
    cron_schedule=os.environ.get("SAMEPAGE_NIGHTLY_CRON", "0 2 * * *"),
    execution_timezone=os.environ.get("SAMEPAGE_TIMEZONE", "UTC"),
    default_status=dg.DefaultScheduleStatus.RUNNING,
)
