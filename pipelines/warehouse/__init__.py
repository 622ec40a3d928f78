"""Where raw records land: an embedded DuckDB file or a PostgreSQL server."""

from __future__ import annotations

from pathlib import Path

from pipelines.warehouse.base import LoadResult, StreamSpec, Warehouse, WarehouseUnavailableError
from pipelines.warehouse.duckdb import DuckDBWarehouse
from pipelines.warehouse.postgres import PostgresWarehouse

__all__ = ["DuckDBWarehouse", "LoadResult", "PostgresWarehouse", "StreamSpec", "Warehouse",
           "WarehouseUnavailableError", "open_warehouse"]


def open_warehouse(location: str) -> Warehouse:
    """``postgresql://...`` is a PostgreSQL server; anything else is a DuckDB file path."""
    if location.startswith(("postgresql://", "postgres://")):
        return PostgresWarehouse(location)
    return DuckDBWarehouse(Path(location))
