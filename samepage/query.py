"""``samepage query "SQL"``: an aligned table from what BI tools read, read-only.

With a DuckDB warehouse that is the published copy (``SAMEPAGE_BI_WAREHOUSE``), opened read-only
with external access off, so a query can neither change it nor read or write other files. With
PostgreSQL it is the server itself, in a read-only transaction.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from contextlib import closing
from datetime import date, datetime
from decimal import Decimal
from typing import Any, TextIO

import duckdb
import psycopg2

from pipelines import settings
from pipelines.warehouse.duckdb import OFFLINE

DEFAULT_MAX_ROWS = 100
NULL = "NULL"


class QueryError(Exception):
    """The query cannot run; the message says why."""


def main(sql: str, max_rows: int = DEFAULT_MAX_ROWS, out: TextIO | None = None) -> int:
    """Print the result of ``sql``: 0 when it ran, 1 (with the reason on stderr) otherwise."""
    out = out or sys.stdout
    try:
        columns, rows, more = run_query(sql, max_rows)
    except (QueryError, settings.SettingsError) as exc:
        print(f"samepage query: {exc}", file=sys.stderr)
        return 1
    out.write(format_table(columns, rows))
    count = f"{len(rows)} row{'s' if len(rows) != 1 else ''}"
    out.write(f"({count}; more not shown: add a limit, or --max-rows)\n" if more
              else f"({count})\n")
    return 0


def run_query(sql: str, max_rows: int) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    """Column names, the first ``max_rows`` rows, and whether there were more."""
    location = settings.warehouse_location()
    if settings.is_postgres(location):
        return _postgres(location, sql, max_rows)
    published = settings.bi_warehouse_path(location)
    if not published.exists():
        raise QueryError(f"there is no BI copy at {published} yet: it is published at the end of "
                         "each nightly run (./run demo makes one)")
    try:
        with duckdb.connect(str(published), read_only=True,
                            config={**OFFLINE, "enable_external_access": False}) as con:
            cursor = con.execute(sql)
            if cursor.description is None:
                return [], [], False
            rows = cursor.fetchmany(max_rows + 1)
            return [column[0] for column in cursor.description], rows[:max_rows], \
                len(rows) > max_rows
    except duckdb.Error as exc:
        raise QueryError(str(exc).strip()) from None


def _postgres(dsn: str, sql: str,
              max_rows: int) -> tuple[list[str], list[tuple[Any, ...]], bool]:
    try:
        with closing(psycopg2.connect(dsn, options="-c default_transaction_read_only=on")) as con, \
                con.cursor() as cursor:
            cursor.execute(sql)
            if cursor.description is None:
                return [], [], False
            rows = cursor.fetchmany(max_rows + 1)
            return [column.name for column in cursor.description], rows[:max_rows], \
                len(rows) > max_rows
    except psycopg2.Error as exc:
        raise QueryError(str(exc).strip()) from None


def format_table(columns: Sequence[str], rows: Sequence[Sequence[Any]]) -> str:
    """psql-style: a header, a rule, one line per row; numbers right-aligned, text left."""
    if not columns:
        return ""
    cells = [[_text(value) for value in row] for row in rows]
    numeric = [all(_is_number(row[i]) or row[i] is None for row in rows)
               and any(row[i] is not None for row in rows) for i in range(len(columns))]
    widths = [max([len(name), *(len(row[i]) for row in cells)]) for i, name in enumerate(columns)]

    def line(values: Sequence[str], header: bool = False) -> str:
        return " | ".join(value.rjust(width) if numeric[i] and not header else value.ljust(width)
                          for i, (value, width) in enumerate(zip(values, widths, strict=True))
                          ).rstrip()

    return "\n".join([line(columns, header=True), "-+-".join("-" * width for width in widths),
                      *(line(row) for row in cells)]) + "\n"


def _is_number(value: Any) -> bool:
    return isinstance(value, int | float | Decimal) and not isinstance(value, bool)


def _text(value: Any) -> str:
    if value is None:
        return NULL
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, datetime | date):
        return value.isoformat(sep=" ") if isinstance(value, datetime) else value.isoformat()
    return " ".join(str(value).splitlines())
