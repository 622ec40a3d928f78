"""Landing API records in the warehouse: raw tables, quarantine and sync state.

Records stream in batches through a newline-delimited JSON file (DuckDB reads it far faster than
row-by-row inserts), land in a staging table, and are merged into the raw table (newest version of
each primary key wins) in one transaction together with the stream's sync state, so a run killed at
any point leaves either the old or the new state, never half of one.
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import Any

import duckdb

BATCH_SIZE = 50_000
META_SCHEMA = "raw_meta"
_READ_BATCH = ("read_json(?, format='newline_delimited', columns={id: 'varchar', "
               "cursor_value: 'varchar', is_deleted: 'boolean', merged_ids: 'varchar[]', "
               "record: 'json', reason: 'varchar'})")


@dataclass(frozen=True)
class StreamSpec:
    """How to read the key, cursor and deleted flag out of one stream's records."""

    schema: str  # raw_hubspot / raw_salesforce
    table: str
    primary_key: Callable[[dict[str, Any]], str | None]
    cursor: Callable[[dict[str, Any]], str | None]
    is_deleted: Callable[[dict[str, Any]], bool]
    # Ids a record absorbed (HubSpot merges): they leave the raw table when the survivor lands.
    merged_ids: Callable[[dict[str, Any]], list[str]] = lambda record: []

    @property
    def name(self) -> str:
        return f"{self.schema}.{self.table}"


@dataclass
class LoadResult:
    stream: str
    rows_received: int = 0
    rows_inserted: int = 0
    rows_updated: int = 0
    rows_deleted: int = 0  # records flagged deleted in this load
    rows_merged_away: int = 0  # merge losers removed because their survivor landed
    rows_quarantined: int = 0
    max_cursor: str | None = None


class DuckDBWarehouse:
    def __init__(self, path: Path) -> None:
        self.path = path

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path))
        try:
            yield con
        finally:
            con.close()

    def cursor(self, spec: StreamSpec) -> str | None:
        """The stream's committed cursor, or None before its first load."""
        with self.connect() as con:
            _ensure_tables(con, spec)
            row = con.execute(f"select cursor_value from {META_SCHEMA}.sync_state "
                              "where stream = ?", [spec.name]).fetchone()
        return row[0] if row else None

    def load(self, spec: StreamSpec, records: Iterable[Any], run_id: str, *,
             cursor: str | None = None, replace: bool = False) -> LoadResult:
        """Merge ``records`` into ``spec``'s raw table and commit the stream's cursor, atomically.

        ``cursor`` is the position to commit (default: the newest record cursor seen); it never
        moves backwards unless ``replace``, which makes the table exactly this load (a full
        refresh: ids not seen again are gone).
        """
        result = LoadResult(stream=spec.name)
        extracted_at = datetime.now(UTC).isoformat()
        with self.connect() as con, tempfile.TemporaryDirectory(prefix="samepage-") as tmp:
            _ensure_tables(con, spec)
            con.execute("create temporary table staged (id varchar, cursor_value varchar, "
                        "is_deleted boolean, merged_ids varchar[], record json)")
            con.execute("create temporary table quarantined (reason varchar, payload json)")
            batch_file = Path(tmp) / "batch.ndjson"
            iterator = iter(records)
            while batch := list(islice(iterator, BATCH_SIZE)):
                _write_batch(batch_file, batch, spec, result)
                con.execute(
                    f"insert into staged select id, cursor_value, is_deleted, merged_ids, record "
                    f"from {_READ_BATCH} where reason is null", [str(batch_file)])
                con.execute(f"insert into quarantined select reason, record from {_READ_BATCH} "
                            "where reason is not null", [str(batch_file)])
            self._merge(con, spec, run_id, extracted_at, result, cursor, replace)
        return result

    @staticmethod
    def _merge(con: duckdb.DuckDBPyConnection, spec: StreamSpec, run_id: str,
               extracted_at: str, result: LoadResult, cursor: str | None,
               replace: bool) -> None:
        table = f"{spec.schema}.{spec.table}"
        con.execute("begin transaction")
        try:
            if replace:
                con.execute(f"delete from {table}")
            # One row per key, newest first: a key may repeat across pages of one run.
            con.execute("""
                create temporary table latest as
                select * from staged
                qualify row_number() over (
                    partition by id order by cursor_value desc nulls last, is_deleted desc
                ) = 1
            """)
            counts = con.execute(f"""
                select
                    count(*) filter (where raw.id is null),
                    count(*) filter (where raw.id is not null
                                       and latest.cursor_value >= raw.cursor_value),
                    count(*) filter (
                        where latest.is_deleted and raw.is_deleted is distinct from true
                    ),
                    max(latest.cursor_value)
                from latest left join {table} as raw on raw.id = latest.id
            """).fetchone()
            assert counts is not None
            result.rows_inserted, result.rows_updated, result.rows_deleted = counts[:3]
            result.max_cursor = cursor if cursor is not None else counts[3]
            con.execute(f"""
                insert into {table} as raw
                select id, cursor_value, is_deleted, record, ?::timestamptz, ?
                from latest
                on conflict (id) do update set
                    cursor_value = excluded.cursor_value,
                    is_deleted = excluded.is_deleted,
                    record = excluded.record,
                    _extracted_at = excluded._extracted_at,
                    _run_id = excluded._run_id
                where excluded.cursor_value >= raw.cursor_value or raw.cursor_value is null
            """, [extracted_at, run_id])
            result.rows_merged_away = con.execute(f"""
                delete from {table}
                where id in (select unnest(merged_ids) from latest)
            """).fetchone()[0]
            result.rows_quarantined = con.execute("select count(*) from quarantined").fetchone()[0]
            con.execute(f"""
                insert into {META_SCHEMA}.quarantine
                select ?, reason, payload, ?::timestamptz, ? from quarantined
            """, [spec.name, extracted_at, run_id])
            keep_newest = "excluded.cursor_value" if replace else \
                "greatest(state.cursor_value, excluded.cursor_value)"
            con.execute(f"""
                insert into {META_SCHEMA}.sync_state as state values (?, ?, ?::timestamptz, ?)
                on conflict (stream) do update set
                    cursor_value = {keep_newest},
                    synced_at = excluded.synced_at,
                    run_id = excluded.run_id
            """, [spec.name, result.max_cursor, extracted_at, run_id])
            con.execute("drop table latest")
            con.execute("commit")
        except BaseException:
            con.execute("rollback")
            raise


def _ensure_tables(con: duckdb.DuckDBPyConnection, spec: StreamSpec) -> None:
    con.execute(f"create schema if not exists {spec.schema}")
    con.execute(f"create schema if not exists {META_SCHEMA}")
    con.execute(f"""
        create table if not exists {spec.schema}.{spec.table} (
            id varchar primary key,
            cursor_value varchar,
            is_deleted boolean not null,
            record json not null,
            _extracted_at timestamptz not null,
            _run_id varchar not null
        )
    """)
    con.execute(f"""
        create table if not exists {META_SCHEMA}.quarantine (
            stream varchar not null,
            reason varchar not null,
            payload json,
            _extracted_at timestamptz not null,
            _run_id varchar not null
        )
    """)
    con.execute(f"""
        create table if not exists {META_SCHEMA}.sync_state (
            stream varchar primary key,
            cursor_value varchar,
            synced_at timestamptz not null,
            run_id varchar not null
        )
    """)


def _write_batch(path: Path, batch: list[Any], spec: StreamSpec, result: LoadResult) -> None:
    """Write one batch as NDJSON lines: good records keyed, bad ones with a quarantine reason."""
    with path.open("w", encoding="utf-8") as f:
        for record in batch:
            result.rows_received += 1
            f.write(json.dumps(_staged_row(record, spec), ensure_ascii=False, default=str))
            f.write("\n")


def _staged_row(record: Any, spec: StreamSpec) -> dict[str, Any]:
    if not isinstance(record, dict):
        return {"reason": f"record is a {type(record).__name__}, not an object",
                "record": {"value": record}}
    key = spec.primary_key(record)
    if key in (None, ""):
        return {"reason": "record has no primary key", "record": record}
    try:
        cursor = spec.cursor(record)
    except (TypeError, ValueError) as exc:
        return {"reason": f"record has an unreadable cursor: {exc}", "record": record}
    return {"id": str(key), "cursor_value": cursor, "is_deleted": bool(spec.is_deleted(record)),
            "merged_ids": spec.merged_ids(record), "record": record}
