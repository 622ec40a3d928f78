"""Run only the ingestion assets of the real code location, and read raw tables back."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

from pipelines.ingestion import QUARANTINE_CHECK, ROW_COUNT_CHECK, asset_key
from pipelines.streams import ALL_STREAMS as RAW_STREAMS
from tests.pipelines.conftest import load_definitions

INGESTION_KEYS = [asset_key(spec) for spec in RAW_STREAMS]


def ingestion_job(keys: list[dg.AssetKey] | None = None) -> dg.JobDefinition:
    """The nightly's ingestion steps with their own checks only: the dbt source tests (checks of
    the same assets) and the freshness checks belong to other steps, which this leaves out."""
    keys = keys or INGESTION_KEYS
    checks = {dg.AssetCheckKey(key, name) for key in keys
              for name in (QUARANTINE_CHECK, ROW_COUNT_CHECK)}
    return load_definitions().resolve_job_def("nightly").get_subset(
        asset_selection=set(keys), asset_check_selection=checks)


def ingest(full_refresh: bool = False, instance: dg.DagsterInstance | None = None,
           keys: list[dg.AssetKey] | None = None) -> dg.ExecuteInProcessResult:
    job = ingestion_job(keys)
    # config only for the ingestion steps the subset kept: Dagster refuses config for others
    config = {name: {"config": {"full_refresh": full_refresh}}
              for name in ("hubspot_raw", "salesforce_raw") if job.graph.has_node_named(name)}
    return job.execute_in_process(
        instance=instance or dg.DagsterInstance.ephemeral(), raise_on_error=False,
        run_config={"ops": config})


def raw_snapshot(warehouse: Path) -> dict[str, list[tuple]]:
    """Every raw table's content, without load metadata (which differs run to run)."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return {spec.name: con.execute(
            f"select id, cursor_value, is_deleted, record::varchar from {spec.name} order by id"
        ).fetchall() for spec in RAW_STREAMS}
