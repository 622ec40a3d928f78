"""Stand-in marts for tests of what happens after the dbt build (publishing, the UI)."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb

PUBLISHED = dg.AssetKey(["bi", "published_marts"])


def write_marts(warehouse: Path, version: str, rows: dict[str, int]) -> None:
    """(Re)build ``marts.<table>`` with ``rows[table]`` rows, each stamped with ``version``."""
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create schema if not exists marts")
        con.execute("create schema if not exists staging")
        con.execute("create or replace table staging.not_published as select 1 as x")
        for table, count in rows.items():
            con.execute(f"create or replace table marts.{table} as select ? as version, "
                        "range as id, md5(range::varchar) as payload from range(?)",
                        [version, count])


def mart_keys(defs: dg.Definitions) -> set[dg.AssetKey]:
    """The dbt mart models, as the asset graph has them (key prefix = the models' folder)."""
    return {key for key in defs.resolve_asset_graph().materializable_asset_keys
            if key.path[0] == "marts"}
