"""PostgreSQL as the warehouse, for teams that share one server among BI users."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg2

from pipelines.warehouse.base import StagedRow, Warehouse, WarehouseUnavailableError, to_json


class PostgresWarehouse(Warehouse):
    json_type = "jsonb"
    placeholder = "%s"

    def __init__(self, dsn: str) -> None:
        self.dsn = dsn

    def __str__(self) -> str:
        # never print the password a DSN may carry
        return self.dsn.split("@")[-1] if "@" in self.dsn else self.dsn

    @contextmanager
    def connect(self) -> Iterator[Any]:
        try:
            con = psycopg2.connect(self.dsn)
        except psycopg2.OperationalError as exc:
            # refused, unknown host, no such database, bad password: the settings are wrong
            reason = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
            raise WarehouseUnavailableError(
                f"Cannot connect to the PostgreSQL warehouse {self}: {reason}. "
                "Check SAMEPAGE_WAREHOUSE (and PGPASSWORD).") from None
        try:
            yield con
        finally:
            con.close()

    def _execute(self, con: Any, sql: str, parameters: list[Any]) -> Any:
        cursor = con.cursor()
        cursor.execute(sql, parameters or None)
        return cursor

    def _encode(self, row: StagedRow) -> bytes:
        # COPY is PostgreSQL's bulk path; CSV quoting carries the JSON text untouched.
        line = io.StringIO()
        if "reason" in row:
            csv.writer(line).writerow([row["reason"], to_json(row["record"]).decode()])
        else:
            csv.writer(line).writerow([row["seq"], row["id"], row["cursor_value"],
                                       row["is_deleted"], _text_array(row["merged_ids"]),
                                       to_json(row["record"]).decode()])
        return line.getvalue().encode()

    def _stage(self, con: Any, staged: list[bytes], quarantined: list[bytes]) -> None:
        cursor = con.cursor()
        for table, lines in (("staged", staged), ("quarantined", quarantined)):
            if lines:
                cursor.copy_expert(f"copy {table} from stdin with (format csv)",
                                   io.BytesIO(b"".join(lines)))


def _text_array(values: list[str]) -> str:
    """A PostgreSQL array literal: {"a","b"}."""
    return "{" + ",".join('"' + v.replace("\\", "\\\\").replace('"', '\\"') + '"'
                          for v in values) + "}"


