"""What every ingestion asset does with a stream: land it, then report it to Dagster."""

import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import dagster as dg

from connectors.errors import ApiError, AuthenticationError
from connectors.session import ApiSession
from pipelines.warehouse import StreamSpec, Warehouse, WarehouseUnavailableError

QUARANTINE_CHECK = "no_quarantined_records"
ROW_COUNT_CHECK = "live_rows_did_not_drop"
# A night's extraction that loses more than this share of live rows is broken until proven not.
MAX_LIVE_ROW_DROP = 0.15


class IngestionConfig(dg.Config):
    full_refresh: bool = False
    """Re-read every record and replace the raw tables (records gone from the API disappear)."""


def asset_key(spec: StreamSpec) -> dg.AssetKey:
    """Ingestion asset keys equal the dbt sources' keys (source name, table) so lineage connects."""
    return dg.AssetKey([spec.schema, spec.table])


def stream_asset_spec(spec: StreamSpec, group: str, kind: str, description: str) -> dg.AssetSpec:
    return dg.AssetSpec(asset_key(spec), group_name=group, kinds={kind},
                        description=description)


def stream_check_specs(spec: StreamSpec) -> list[dg.AssetCheckSpec]:
    return [
        dg.AssetCheckSpec(QUARANTINE_CHECK, asset=asset_key(spec),
                          description="Every record received had a primary key and parsed."),
        dg.AssetCheckSpec(ROW_COUNT_CHECK, asset=asset_key(spec),
                          description=f"Live rows fell by at most {MAX_LIVE_ROW_DROP:.0%} since "
                                      "the previous load."),
    ]


@dataclass
class StreamRun:
    """One stream's load within an asset: what to read and how to commit it."""

    spec: StreamSpec
    records: Iterable[Any]
    cursor: Callable[[], str | None] | None = None
    replace: bool = False
    metadata: dict[str, Any] = field(default_factory=dict)


def is_permanent(error: ApiError) -> bool:
    """An API error retrying the step cannot fix: no answer at all after the connector's own
    retries (closed port, unknown host), or a 4xx other than a timeout or a throttle."""
    return error.status == 0 or (400 <= error.status < 500 and error.status not in (408, 429))


@contextmanager
def failing_clearly(credential_variables: str) -> Iterator[None]:
    """Errors retrying cannot fix (refused credentials, an unreachable API, a warehouse that
    refuses the connection) end the step once, with one line naming the variables to check, not
    a stack trace through requests; Dagster's step retries stay for transient failures."""
    try:
        yield
    except AuthenticationError as exc:
        raise dg.Failure(description=f"{exc}. Check {credential_variables}.",
                         allow_retries=False) from None
    except ApiError as exc:
        if not is_permanent(exc):
            raise
        raise dg.Failure(description=f"{exc}. Check {credential_variables}.",
                         allow_retries=False) from None
    except WarehouseUnavailableError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None


class Lander:
    """Lands streams for one asset run and reports each as Dagster events."""

    def __init__(self, context: dg.AssetExecutionContext, warehouse: Warehouse,
                 session: ApiSession, credential_variables: str) -> None:
        self.context = context
        self.warehouse = warehouse
        self.session = session
        self.credential_variables = credential_variables

    def selected(self, spec: StreamSpec) -> bool:
        return asset_key(spec) in self.context.selected_asset_keys

    def land(self, stream: StreamRun) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
        """Load one stream atomically and yield its materialization and quarantine check."""
        key = asset_key(stream.spec)
        previous = self._previous_live_rows(key)  # before this load's own event is recorded
        calls_before, retries_before = self.session.stats.calls, self.session.stats.retries
        started = time.monotonic()
        with failing_clearly(self.credential_variables):
            result = self.warehouse.load(stream.spec, stream.records,
                                         run_id=self.context.run.run_id, cursor=stream.cursor,
                                         replace=stream.replace)
        key = asset_key(stream.spec)
        self.context.log.info(f"{stream.spec.name}: {result.rows_received} records received, "
                              f"cursor {result.max_cursor}")
        yield dg.MaterializeResult(asset_key=key, metadata={
            "rows_received": result.rows_received,
            "rows_inserted": result.rows_inserted,
            "rows_updated": result.rows_updated,
            "rows_deleted": result.rows_deleted,
            "rows_merged_away": result.rows_merged_away,
            "rows_quarantined": result.rows_quarantined,
            "rows_live": result.rows_live,
            "cursor": result.max_cursor or "",
            "full_refresh": stream.replace,
            "api_calls": self.session.stats.calls - calls_before,
            "api_retries": self.session.stats.retries - retries_before,
            "duration_seconds": round(time.monotonic() - started, 3),
            **stream.metadata,
        })
        yield dg.AssetCheckResult(
            asset_key=key, check_name=ROW_COUNT_CHECK,
            passed=previous is None or result.rows_live >= previous * (1 - MAX_LIVE_ROW_DROP),
            severity=dg.AssetCheckSeverity.ERROR,
            metadata={"rows_live": result.rows_live, "previous_rows_live": previous or 0},
        )
        yield dg.AssetCheckResult(
            asset_key=key, check_name=QUARANTINE_CHECK, passed=result.rows_quarantined == 0,
            severity=dg.AssetCheckSeverity.WARN,
            metadata={"rows_quarantined": result.rows_quarantined,
                      "where": "select * from raw_meta.quarantine where stream = "
                               f"'{stream.spec.name}'"},
        )

    def _previous_live_rows(self, key: dg.AssetKey) -> int | None:
        """Live rows at the stream's previous materialization (None before its first)."""
        event = self.context.instance.get_latest_materialization_event(key)
        if event is None or event.asset_materialization is None:
            return None
        value = event.asset_materialization.metadata.get("rows_live")
        return int(value.value) if value is not None else None
