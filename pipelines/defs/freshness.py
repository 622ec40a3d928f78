"""Freshness: every raw stream of the enabled sources must have landed within the last 26 hours
(a nightly job, with two hours of slack), checked by a sensor so a silently skipped night still
raises a flag."""

from datetime import timedelta

import dagster as dg

from pipelines import settings
from pipelines.ingestion import asset_key
from pipelines.streams import streams_of


@dg.definitions
def freshness() -> dg.Definitions:
    """Built when the code location loads: a disabled source's streams get no check."""
    checks = dg.build_last_update_freshness_checks(
        assets=[asset_key(spec) for spec in streams_of(settings.sources())],
        lower_bound_delta=timedelta(hours=26),
    )
    sensor = dg.build_sensor_for_freshness_checks(
        freshness_checks=checks,
        name="raw_freshness_sensor",
        default_status=dg.DefaultSensorStatus.RUNNING,
    )
    return dg.Definitions(asset_checks=checks, sensors=[sensor])
