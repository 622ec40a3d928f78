"""What every ingestion asset does with a stream: land it, then report it to Dagster."""

from __future__ import annotations

import time
from collections.abc import Iterable, Iterator
from typing import Any

import dagster as dg

from connectors.errors import AuthenticationError
from connectors.session import ApiSession
from pipelines.warehouse import StreamSpec, Warehouse

QUARANTINE_CHECK = "no_quarantined_records"


def asset_key(spec: StreamSpec) -> dg.AssetKey:
    """Ingestion asset keys equal the dbt sources' keys (source name, table) so lineage connects."""
    return dg.AssetKey([spec.schema, spec.table])


def quarantine_check_spec(spec: StreamSpec) -> dg.AssetCheckSpec:
    return dg.AssetCheckSpec(QUARANTINE_CHECK, asset=asset_key(spec),
                             description="Every record received had a primary key and parsed.")


def land_stream(context: dg.AssetExecutionContext, warehouse: Warehouse, spec: StreamSpec,
                records: Iterable[Any], session: ApiSession,
                credential_variables: str) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    """Load one stream and yield its materialization and quarantine check."""
    calls_before, retries_before = session.stats.calls, session.stats.retries
    started = time.monotonic()
    try:
        result = warehouse.load(spec, records, run_id=context.run.run_id)
    except AuthenticationError as exc:
        # One clear line naming the variables to fix, instead of a stack trace through requests.
        raise dg.Failure(description=f"{exc}. Check {credential_variables}.",
                         allow_retries=False) from None
    key = asset_key(spec)
    yield dg.MaterializeResult(asset_key=key, metadata={
        "rows_received": result.rows_received,
        "rows_inserted": result.rows_inserted,
        "rows_updated": result.rows_updated,
        "rows_deleted": result.rows_deleted,
        "rows_quarantined": result.rows_quarantined,
        "cursor": result.max_cursor or "",
        "api_calls": session.stats.calls - calls_before,
        "api_retries": session.stats.retries - retries_before,
        "duration_seconds": round(time.monotonic() - started, 3),
    })
    yield dg.AssetCheckResult(
        asset_key=key, check_name=QUARANTINE_CHECK, passed=result.rows_quarantined == 0,
        severity=dg.AssetCheckSeverity.WARN,
        metadata={"rows_quarantined": result.rows_quarantined,
                  "where": "select * from raw_meta.quarantine where stream = "
                           f"'{spec.name}'"},
    )
