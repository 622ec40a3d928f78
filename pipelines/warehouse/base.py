"""Landing API records in the warehouse: raw tables, quarantine and sync state.

Records stream in batches into a staging table (each engine's bulk path: DuckDB reads NDJSON,
PostgreSQL takes COPY), then are merged into the raw table (newest version of each primary key
wins) in one transaction together with the stream's sync state, so a run killed at any point
leaves either the old or the new state, never half of one. The SQL is shared: it is the subset
DuckDB and PostgreSQL both speak. Records are read and encoded on a second thread while
earlier ones are staged.
"""

from __future__ import annotations

import json
import queue
import threading
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from contextlib import AbstractContextManager, closing
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import orjson

T = TypeVar("T")

BATCH_SIZE = 50_000
META_SCHEMA = "raw_meta"
# Rows handed from the reading thread to the staging one at a time, and how many such handfuls
# may wait: enough to keep reading while a batch is staged.
READ_AHEAD_CHUNK, READ_AHEAD_CHUNKS = 500, 20


class WarehouseUnavailableError(Exception):
    """The warehouse refused the connection or does not exist: retrying the same settings cannot
    help. The message names the variable to check."""


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
    def _encode(self, row: StagedRow) -> bytes:
        """A row of ``staged`` or ``quarantined`` in the engine's bulk format."""

    @abstractmethod
    def _stage(self, con: Any, staged: list[bytes], quarantined: list[bytes]) -> None:
        """Append encoded rows to the temporary tables ``staged`` and ``quarantined``."""

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
        with self.connect() as con, closing(read_ahead(self._encoded(spec, records))) as rows:
            self._ensure_tables(con, spec)
            self._run(con, "create temporary table staged (seq bigint, id varchar, "
                           "cursor_value varchar, is_deleted boolean, merged_ids varchar[], "
                           f"record {self.json_type})")
            self._run(con, f"create temporary table quarantined (reason varchar, "
                           f"payload {self.json_type})")
            staged: list[bytes] = []
            quarantined: list[bytes] = []
            for is_quarantined, line in rows:
                result.rows_received += 1
                (quarantined if is_quarantined else staged).append(line)
                if len(staged) + len(quarantined) == BATCH_SIZE:
                    self._stage(con, staged, quarantined)
                    staged, quarantined = [], []
            self._stage(con, staged, quarantined)
            position = cursor() if cursor is not None else None
            self._begin(con)
            try:
                self._merge(con, spec, run_id, extracted_at, result, position, replace)
                self._commit(con)
            except BaseException:
                self._rollback(con)
                raise
        return result

    def _encoded(self, spec: StreamSpec,
                 records: Iterable[Any]) -> Iterator[tuple[bool, bytes]]:
        """(quarantined?, the row in the bulk format) of each record, numbered in read order.

        Encoded as they arrive, on the thread that reads them: a batch and the read-ahead then
        hold bytes, which the garbage collector leaves alone, not every record's objects, which
        it would walk again and again.
        """
        for seq, record in enumerate(records, 1):
            row = staged_row(record, spec)
            if "reason" in row:
                yield True, self._encode(row)
            else:
                row["seq"] = seq
                yield False, self._encode(row)

    def _merge(self, con: Any, spec: StreamSpec, run_id: str, extracted_at: str,
               result: LoadResult, cursor: str | None, replace: bool) -> None:
        table, p = spec.name, self.placeholder
        if replace:
            self._run(con, f"delete from {table}")
        # One row per key, newest first (then the last read): a key may repeat across pages of
        # one run. Only keys: the records stay in `staged` until the insert, not copied twice.
        self._run(con, """
            create temporary table latest as
            select distinct on (id) seq, id, cursor_value, is_deleted, merged_ids
            from staged
            order by id, cursor_value desc nulls last, is_deleted desc, seq desc
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
            from staged
            where seq in (select seq from latest)
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


def to_json(value: Any) -> bytes:
    """UTF-8 JSON, as ``json.dumps(value, ensure_ascii=False, default=str)`` writes it."""
    try:
        return orjson.dumps(value, default=str, option=orjson.OPT_PASSTHROUGH_DATETIME)
    except TypeError:  # integers beyond 64 bits, which only the standard library writes
        return json.dumps(value, ensure_ascii=False, default=str).encode()


def read_ahead(items: Iterable[T]) -> Iterator[T]:
    """``items``, read on a background thread while the caller works on the earlier ones.

    Network waits and database work release the GIL, so an API's pages arrive while the
    previous ones are staged. An exception of the reading thread is raised here, at the item
    it stopped before. Close the iterator when not reading it to the end: the reader then
    stops at its next item.
    """
    handoff: queue.Queue[list[T] | BaseException] = queue.Queue(READ_AHEAD_CHUNKS)
    stopped = threading.Event()

    def put(item: list[T] | BaseException) -> None:
        while not stopped.is_set():
            try:
                handoff.put(item, timeout=0.1)
                return
            except queue.Full:
                continue

    def read() -> None:
        iterator = iter(items)
        chunk: list[T] = []
        try:
            for item in iterator:
                if stopped.is_set():
                    break
                chunk.append(item)
                if len(chunk) == READ_AHEAD_CHUNK:
                    put(chunk)
                    chunk = []
            else:
                if chunk:
                    put(chunk)
                put([])  # the end
        except BaseException as exc:  # handed over to the caller's thread, re-raised there
            put(exc)
        finally:
            close = getattr(iterator, "close", None)
            if close is not None:  # an unfinished generator's clean-up runs in its own thread
                close()

    reader = threading.Thread(target=read, name="read-ahead", daemon=True)
    reader.start()
    try:
        while chunk := handoff.get():
            if isinstance(chunk, BaseException):
                raise chunk
            yield from chunk
    finally:
        stopped.set()
