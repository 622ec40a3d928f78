"""Run only the ingestion assets of the real code location, and read raw tables back."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingestion import asset_key
from pipelines.streams import ALL_STREAMS as RAW_STREAMS
from tests.pipelines.conftest import load_definitions

INGESTION_KEYS = [asset_key(spec) for spec in RAW_STREAMS]


def ingest(full_refresh: bool = False, instance: dg.DagsterInstance | None = None,
           keys: list[dg.AssetKey] | None = None) -> dg.ExecuteInProcessResult:
    config = {"config": {"full_refresh": full_refresh}}
    job = load_definitions().resolve_job_def("nightly")
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False,
        asset_selection=keys or INGESTION_KEYS,
        run_config={"ops": {"hubspot_raw": config, "salesforce_raw": config}})


def raw_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw table's content, without load metadata (which differs run to run)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {spec.name: con.execute(
            f"select id, cursor_value, is_deleted, record::varchar from {spec.name} order by id"
        ).fetchall() for spec in RAW_STREAMS}
