"""The embedded warehouse: one DuckDB file."""

from __future__ import annotations

import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import duckdb

from pipelines.warehouse.base import StagedRow, Warehouse, to_json

_READ_STAGED = ("read_json(?, format='newline_delimited', columns={seq: 'bigint', "
                "id: 'varchar', cursor_value: 'varchar', is_deleted: 'boolean', "
                "merged_ids: 'varchar[]', record: 'json'})")
# Never fetch code from the network: the extensions samepage uses (json, icu, parquet) are built in,
# and a path DuckDB mistakes for a remote URL must fail, not download an extension.
OFFLINE = {"autoinstall_known_extensions": False, "autoload_known_extensions": False}
_READ_QUARANTINED = ("read_json(?, format='newline_delimited', columns={reason: 'varchar', "
                     "record: 'json'})")


def connect_duckdb(path: Path | str, read_only: bool = False) -> duckdb.DuckDBPyConnection:
    """A DuckDB connection that never installs or loads an extension on its own."""
    return duckdb.connect(str(path), read_only=read_only, config=OFFLINE)


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
        con = connect_duckdb(self.path)
        try:
            yield con
        finally:
            con.close()

    def _execute(self, con: duckdb.DuckDBPyConnection, sql: str, parameters: list[Any]) -> Any:
        return con.execute(sql, parameters)

    def _begin(self, con: duckdb.DuckDBPyConnection) -> None:
        con.begin()

    def _encode(self, row: StagedRow) -> bytes:
        return to_json(row) + b"\n"

    def _stage(self, con: duckdb.DuckDBPyConnection, staged: list[bytes],
               quarantined: list[bytes]) -> None:
        # DuckDB reads newline-delimited JSON ~100x faster than it takes row-by-row inserts.
        for table, lines, source in (("staged", staged, _READ_STAGED),
                                     ("quarantined", quarantined, _READ_QUARANTINED)):
            if lines:
                with tempfile.NamedTemporaryFile("wb", suffix=".ndjson") as batch:
                    batch.writelines(lines)
                    batch.flush()
                    con.execute(f"insert into {table} select * from {source}", [batch.name])
