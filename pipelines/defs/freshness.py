"""Freshness: every raw stream must have landed within the last 26 hours (a nightly job, with
two hours of slack), checked by a sensor so a silently skipped night still raises a flag."""

from datetime import timedelta

import dagster as dg

from pipelines.ingestion import asset_key
from pipelines.streams import ALL_STREAMS

raw_freshness_checks = dg.build_last_update_freshness_checks(
    assets=[asset_key(spec) for spec in ALL_STREAMS],
    lower_bound_delta=timedelta(hours=26),
)

raw_freshness_sensor = dg.build_sensor_for_freshness_checks(
    freshness_checks=raw_freshness_checks,
    name="raw_freshness_sensor",
    default_status=dg.DefaultSensorStatus.RUNNING,
)
