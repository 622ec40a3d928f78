"""The embedded warehouse: one DuckDB file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.base import StagedRow, Warehouse, iter_lines

_READ_BATCH = ("read_json(?, format='newline_delimited', columns={id: 'varchar', "
               "cursor_value: 'varchar', is_deleted: 'boolean', merged_ids: 'varchar[]', "
               "record: 'json', reason: 'varchar'})")


class DuckDBWarehouse(Warehouse):
    json_type = "json"
    placeholder = "?"

    def __init__(self, path: Path) -> None:
        self.path = path

    def __str__(self) -> str:
        return str(self.path)

    @contextmanager
    def connect(self) -> Iterator[duckdb.DuckDBPyConnection]:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        con = duckdb.connect(str(self.path))
        try:
            yield con
        finally:
            con.close()

    def _execute(self, con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any]) -> Any:
        return con.execute(sql, parameters)

    def _begin(self, con: duckdb.DuckDBPyConnection) -> None:
        con.begin()

    def _stage(self, con: duckdb.DuckDBPyConnection, rows: list[StagedRow]) -> None:
        # DuckDB reads newline-delimited JSON ~100x faster than it takes row-by-row inserts.
        with tempfile.NamedTemporaryFile("w", suffix=".ndjson", encoding="utf-8") as batch:
            batch.writelines(iter_lines(rows))
            batch.flush()
            con.execute("insert into staged select id, cursor_value, is_deleted, merged_ids, "
                        f"record from {_READ_BATCH} where reason is null", [batch.name])
            con.execute(f"insert into quarantined select reason, record from {_READ_BATCH} "
                        "where reason is not null", [batch.name])
