"""Publish the marts for BI tools once every mart model is built (docs/bi.md).

The marts are read from the dbt manifest the dbt assets were built from, so a new mart model is
published, and waited for, without touching this file. A failed dbt build fails its step and
Dagster skips this asset: BI tools keep the last good copy.
"""

import json

import dagster as dg
from dagster_dbt import get_asset_key_for_model

from pipelines.defs.dbt import dbt_models, enabled_dbt_project
from pipelines.defs.resources import BIPublishResource
from pipelines.publishing import mart_relations
from pipelines.settings import warehouse_pool

MARTS_SCHEMA = "marts"

# The manifest the dbt assets are built from (pipelines.defs.dbt parses it when stale). Every set
# of sources builds the same marts, so the sources enabled at import give every load's list.
_project = enabled_dbt_project()
_manifest = json.loads(_project.manifest_path.read_text())
MART_ASSETS: dict[str, dg.AssetKey] = {
    table: get_asset_key_for_model([dbt_models(_project)], model)
    for table, model in sorted(mart_relations(_manifest, MARTS_SCHEMA).items())
}


@dg.asset(
    key=["bi", "published_marts"],
    deps=list(MART_ASSETS.values()),
    group_name="bi",
    kinds={"duckdb"},
    description="A read-only copy of schema `marts` for BI tools, swapped in atomically "
                "(SAMEPAGE_BI_WAREHOUSE).",
    pool=warehouse_pool(),  # opens the DuckDB file: one step at a time (pipelines/settings.py)
)
def published_marts(context: dg.AssetExecutionContext,
                    bi: BIPublishResource) -> dg.MaterializeResult:
    result = bi.publish(MARTS_SCHEMA, list(MART_ASSETS), context.run.run_id)
    if result is None:
        context.log.info("The warehouse is a PostgreSQL server; BI tools read it directly.")
        return dg.MaterializeResult(metadata={"published": False})
    return dg.MaterializeResult(metadata={
        "published": True,
        "path": dg.MetadataValue.path(str(result.path)),
        "tables": len(result.row_counts),
        "rows": sum(result.row_counts.values()),
        "row_counts": dg.MetadataValue.json(result.row_counts),
        "size_bytes": result.size_bytes,
    })
