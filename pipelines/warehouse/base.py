"""Landing API records in the warehouse: raw tables, quarantine and sync state.

Records stream in batches into a staging table (each engine's bulk path: DuckDB reads NDJSON,
PostgreSQL takes COPY), then are merged into the raw table (newest version of each primary key
wins) in one transaction together with the stream's sync state, so a run killed at any point
leaves either the old or the new state, never half of one. The SQL is shared: it is the subset
DuckDB and PostgreSQL both speak.
"""

from __future__ import annotations

import json
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from itertools import islice
from typing import Any

BATCH_SIZE = 50_000
META_SCHEMA = "raw_meta"


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
    rows_live: int = 0  # rows not flagged deleted in the table after this load
    max_cursor: str | None = None


StagedRow = dict[str, Any]


class Warehouse(ABC):
    """A warehouse the raw tables land in. Subclasses supply the connection and the bulk path."""

    json_type: str  # the engine's JSON column type
    placeholder: str  # the driver's parameter marker

    @abstractmethod
    def connect(self) -> AbstractContextManager[Any]:
        """A DB-API connection (cursor-capable) for the duration of the block."""

    @abstractmethod
    def _stage(self, con: Any, rows: list[StagedRow]) -> None:
        """Append rows to the temporary tables ``staged`` and ``quarantined``."""

    def _begin(self, con: Any) -> None:  # noqa: B027 - a hook; PostgreSQL is always in one
        """Start the transaction the merge runs in."""

    def _commit(self, con: Any) -> None:
        con.commit()

    def _rollback(self, con: Any) -> None:
        con.rollback()

    def cursor(self, spec: StreamSpec) -> str | None:
        """The stream's committed cursor, or None before its first load."""
        with self.connect() as con:
            self._ensure_tables(con, spec)
            row = self._one(con, f"select cursor_value from {META_SCHEMA}.sync_state "
                                 f"where stream = {self.placeholder}", [spec.name])
            self._commit(con)
        return row[0] if row else None

    def rows_since(self, spec: StreamSpec,
                   since: str | None) -> Iterator[tuple[str, bool, dict[str, Any]]]:
        """(id, is_deleted, record) of the rows whose cursor is at or after ``since`` (all rows
        when None): what landed since a dependent stream last caught up."""
        with self.connect() as con:
            self._ensure_tables(con, spec)
            p = self.placeholder
            rows = self._execute(con, f"select id, is_deleted, cast(record as varchar) "
                                      f"from {spec.name} where cast({p} as varchar) is null "
                                      f"or cursor_value >= {p}", [since, since]).fetchall()
        for record_id, is_deleted, record in rows:
            yield record_id, is_deleted, json.loads(record)

    def load(self, spec: StreamSpec, records: Iterable[Any], run_id: str, *,
             cursor: Callable[[], str | None] | None = None,
             replace: bool = False) -> LoadResult:
        """Merge ``records`` into ``spec``'s raw table and commit the stream's cursor, atomically.

        ``cursor`` gives the position to commit once every record has been read (default: the
        newest record cursor seen); it never moves backwards unless ``replace``, which makes the
        table exactly this load (a full refresh: ids not seen again are gone).
        """
        result = LoadResult(stream=spec.name)
        extracted_at = datetime.now(UTC).isoformat()
        with self.connect() as con:
            self._ensure_tables(con, spec)
            self._run(con, "create temporary table staged (id varchar, cursor_value varchar, "
                           f"is_deleted boolean, merged_ids varchar[], record {self.json_type})")
            self._run(con, f"create temporary table quarantined (reason varchar, "
                           f"payload {self.json_type})")
            iterator = iter(records)
            while batch := list(islice(iterator, BATCH_SIZE)):
                result.rows_received += len(batch)
                self._stage(con, [staged_row(record, spec) for record in batch])
            position = cursor() if cursor is not None else None
            self._begin(con)
            try:
                self._merge(con, spec, run_id, extracted_at, result, position, replace)
                self._commit(con)
            except BaseException:
                self._rollback(con)
                raise
        return result

    def _merge(self, con: Any, spec: StreamSpec, run_id: str, extracted_at: str,
               result: LoadResult, cursor: str | None, replace: bool) -> None:
        table, p = spec.name, self.placeholder
        if replace:
            self._run(con, f"delete from {table}")
        # One row per key, newest first: a key may repeat across pages of one run.
        self._run(con, """
            create temporary table latest as
            select distinct on (id) *
            from staged
            order by id, cursor_value desc nulls last, is_deleted desc
        """)
        counts = self._one(con, f"""
            select
                count(*) filter (where raw.id is null),
                count(*) filter (
                    where raw.id is not null and latest.cursor_value >= raw.cursor_value
                ),
                count(*) filter (
                    where latest.is_deleted and raw.is_deleted is distinct from true
                ),
                max(latest.cursor_value)
            from latest left join {table} as raw on raw.id = latest.id
        """)
        result.rows_inserted, result.rows_updated, result.rows_deleted = counts[:3]
        result.max_cursor = cursor if cursor is not None else counts[3]
        self._run(con, f"""
            insert into {table} as raw
            select id, cursor_value, is_deleted, record, cast({p} as timestamptz), {p}
            from latest
            on conflict (id) do update set
                cursor_value = excluded.cursor_value,
                is_deleted = excluded.is_deleted,
                record = excluded.record,
                _extracted_at = excluded._extracted_at,
                _run_id = excluded._run_id
            where excluded.cursor_value >= raw.cursor_value or raw.cursor_value is null
        """, [extracted_at, run_id])
        result.rows_merged_away = self._one(con, f"""
            with losers as (select unnest(merged_ids) as id from latest)
            select count(*) from {table} where id in (select id from losers)
        """)[0]
        self._run(con, f"""
            delete from {table} where id in (select unnest(merged_ids) from latest)
        """)
        result.rows_quarantined = self._one(con, "select count(*) from quarantined")[0]
        self._run(con, f"""
            insert into {META_SCHEMA}.quarantine
            select {p}, reason, payload, cast({p} as timestamptz), {p} from quarantined
        """, [spec.name, extracted_at, run_id])
        keep_newest = ("excluded.cursor_value" if replace
                       else "greatest(state.cursor_value, excluded.cursor_value)")
        self._run(con, f"""
            insert into {META_SCHEMA}.sync_state as state
            values ({p}, {p}, cast({p} as timestamptz), {p})
            on conflict (stream) do update set
                cursor_value = {keep_newest},
                synced_at = excluded.synced_at,
                run_id = excluded.run_id
        """, [spec.name, result.max_cursor, extracted_at, run_id])
        result.rows_live = self._one(
            con, f"select count(*) from {table} where not is_deleted")[0]
        self._run(con, "drop table latest")

    def _ensure_tables(self, con: Any, spec: StreamSpec) -> None:
        for statement in (
            f"create schema if not exists {spec.schema}",
            f"create schema if not exists {META_SCHEMA}",
            f"""create table if not exists {spec.name} (
                id varchar primary key,
                cursor_value varchar,
                is_deleted boolean not null,
                record {self.json_type} not null,
                _extracted_at timestamptz not null,
                _run_id varchar not null
            )""",
            f"""create table if not exists {META_SCHEMA}.quarantine (
                stream varchar not null,
                reason varchar not null,
                payload {self.json_type},
                _extracted_at timestamptz not null,
                _run_id varchar not null
            )""",
            f"""create table if not exists {META_SCHEMA}.sync_state (
                stream varchar primary key,
                cursor_value varchar,
                synced_at timestamptz not null,
                run_id varchar not null
            )""",
        ):
            self._run(con, statement)

    @abstractmethod
    def _execute(self, con: Any, sql: str, parameters: list[Any]) -> Any:
        """Run one statement on ``con`` itself (temp tables are per connection)."""

    def _run(self, con: Any, sql: str, parameters: list[Any] | None = None) -> None:
        self._execute(con, sql, parameters or [])

    def _one(self, con: Any, sql: str, parameters: list[Any] | None = None) -> tuple[Any, ...]:
        return self._execute(con, sql, parameters or []).fetchone()


def staged_row(record: Any, spec: StreamSpec) -> StagedRow:
    """A record keyed for staging, or a quarantine row with the reason it cannot be keyed."""
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


def to_json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, default=str)


def iter_lines(rows: list[StagedRow]) -> Iterator[str]:
    for row in rows:
        yield to_json(row) + "\n"
