"""``raw_meta.writeback_log``: every write samepage made or meant to make, one final row per run,
record and field, so a run can be audited and reverted (``samepage writeback revert RUN_ID``)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import astuple, dataclass
from datetime import UTC, datetime
from typing import Any

from pipelines.warehouse import Warehouse

LOG_TABLE = "raw_meta.writeback_log"
# status of a row: what became of that field of that record in that run
WRITTEN = "written"  # the tool accepted the value
FAILED = "failed"  # refused by the tool, or unconfirmed when the run stopped (error says which)
SKIPPED = "skipped"  # not sent: the field does not exist in the tool (error says which)


@dataclass(frozen=True)
class LogEntry:
    run_id: str
    tool: str
    object_type: str
    record_id: str
    field_name: str
    old_value: str | None
    new_value: str | None
    status: str
    error: str | None
    logged_at: datetime  # UTC, naive as every samepage timestamp column


def log_entry(run_id: str, tool: str, object_type: str, record_id: str, field_name: str,
              old_value: str | None, new_value: str | None, status: str,
              error: str | None = None) -> LogEntry:
    return LogEntry(run_id, tool, object_type, record_id, field_name, old_value, new_value,
                    status, error, datetime.now(UTC).replace(tzinfo=None))


class WritebackLog:
    """The log table of one warehouse (DuckDB or PostgreSQL)."""

    def __init__(self, warehouse: Warehouse) -> None:
        self.warehouse = warehouse

    def append(self, entries: Iterable[LogEntry]) -> int:
        rows = [list(astuple(entry)) for entry in entries]
        if not rows:
            return 0
        marks = ", ".join([self.warehouse.placeholder] * len(rows[0]))
        with self.warehouse.connect() as con:
            cursor = con.cursor()
            self._ensure(cursor)
            cursor.executemany(f"insert into {LOG_TABLE} values ({marks})", rows)
            con.commit()
        return len(rows)

    def entries(self, run_id: str) -> list[LogEntry]:
        """The run's rows, in the order they were logged."""
        return list(self._select(f"where run_id = {self.warehouse.placeholder}", [run_id]))

    def _select(self, where: str, parameters: list[Any]) -> Iterator[LogEntry]:
        with self.warehouse.connect() as con:
            cursor = con.cursor()
            self._ensure(cursor)
            con.commit()
            cursor.execute(f"select * from {LOG_TABLE} {where} order by logged_at", parameters)
            rows = cursor.fetchall()
        for row in rows:
            yield LogEntry(*row)

    @staticmethod
    def _ensure(cursor: Any) -> None:
        cursor.execute("create schema if not exists raw_meta")
        cursor.execute(f"""create table if not exists {LOG_TABLE} (
            run_id varchar not null,
            tool varchar not null,
            object_type varchar not null,
            record_id varchar not null,
            field_name varchar not null,
            old_value varchar,
            new_value varchar,
            status varchar not null,
            error varchar,
            logged_at timestamp not null
        )""")
