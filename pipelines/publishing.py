"""Publish the marts as a separate read-only DuckDB file that BI tools can read during a run.

DuckDB lets one process write a file, and a writer excludes every reader, so BI tools cannot hold
the warehouse open while the nightly run writes. Instead the marts are copied into a new file beside
the published one and swapped in with ``os.replace``, atomic on one filesystem: a reader that opens
the path gets the previous copy or the new one, never a half-written table, and a reader holding
the old copy open keeps reading it, consistent, until it reconnects.
"""

from __future__ import annotations

import os
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from pipelines.paths import DEFAULT_WAREHOUSE
from pipelines.warehouse.duckdb import connect_duckdb

PUBLISHED_TABLE = "_published"
# DuckDB 2.x writes a storage format older readers refuse; BI drivers bundle older DuckDBs, so the
# copy is written in the 1.0 format every DuckDB since 1.0 reads.
STORAGE_VERSION = "v1.0.0"
# dbt resources that become a relation in the warehouse (ephemeral models do not).
RELATION_RESOURCE_TYPES = ("model", "seed", "snapshot")


@dataclass(frozen=True)
class PublishResult:
    path: Path
    run_id: str
    row_counts: dict[str, int]
    size_bytes: int


def mart_relations(manifest: Mapping[str, Any], schema: str) -> dict[str, str]:
    """Relation name -> dbt node name of every dbt node that builds a relation in ``schema``."""
    return {
        node["alias"] or node["name"]: node["name"]
        for node in manifest["nodes"].values()
        if node["resource_type"] in RELATION_RESOURCE_TYPES
        and node["schema"] == schema
        and node["config"].get("materialized") != "ephemeral"
    }


def default_published_path(warehouse: str) -> Path:
    """``data/samepage.duckdb`` publishes to ``data/samepage_bi.duckdb``; a server warehouse
    (a URL) has no file to sit beside, so its copy goes to the default data folder."""
    source = DEFAULT_WAREHOUSE if "://" in warehouse else Path(warehouse)
    return source.with_name(f"{source.stem}_bi{source.suffix or '.duckdb'}")


def publish(source: Path, target: Path, schema: str, tables: Sequence[str],
            run_id: str) -> PublishResult:
    """Copy ``schema.<table>`` for each table from ``source`` into ``target``, atomically.

    The copy also holds ``main._published`` (run id, time, table, row count), so a reader can tell
    which run it sees and that every table belongs to that run.
    """
    target.parent.mkdir(parents=True, exist_ok=True)
    # Same directory as the target: os.replace is only atomic within one filesystem.
    staging = target.with_name(f".{target.name}.{uuid.uuid4().hex}.tmp")
    try:
        row_counts = _write_copy(source, staging, schema, tables, run_id)
        _fsync(staging)
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
        staging.with_name(f"{staging.name}.wal").unlink(missing_ok=True)
    _fsync(target.parent)  # make the rename itself durable
    return PublishResult(target, run_id, row_counts, target.stat().st_size)


def _write_copy(source: Path, staging: Path, schema: str, tables: Sequence[str],
                run_id: str) -> dict[str, int]:
    with connect_duckdb(":memory:") as con:
        con.execute(f"attach {_literal(source)} as source (read_only)")
        con.execute(f"attach {_literal(staging)} as published "
                    f"(storage_version '{STORAGE_VERSION}')")
        con.execute(f'create schema published."{schema}"')
        row_counts = {}
        for table in tables:
            con.execute(f'create table published."{schema}"."{table}" as '
                        f'select * from source."{schema}"."{table}"')
            row_counts[table] = con.execute(
                f'select count(*) from published."{schema}"."{table}"').fetchone()[0]
        con.execute(f"""
            create table published.main.{PUBLISHED_TABLE} (
                run_id varchar not null,
                published_at timestamptz not null,
                table_schema varchar not null,
                table_name varchar not null,
                row_count bigint not null
            )
        """)
        con.executemany(
            f"insert into published.main.{PUBLISHED_TABLE} values (?, now(), ?, ?, ?)",
            [[run_id, schema, table, rows] for table, rows in row_counts.items()])
        # Detaching checkpoints, so the whole copy is in the file and no WAL is left beside it.
        con.execute("detach published")
        con.execute("detach source")
    return row_counts


def _literal(path: Path) -> str:
    return "'" + str(path).replace("'", "''") + "'"


def _fsync(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
