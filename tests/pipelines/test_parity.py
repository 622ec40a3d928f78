"""The same world built on DuckDB and on PostgreSQL gives the same marts, row for row."""

import datetime as dt
import decimal
import math

import duckdb
import psycopg2
import pytest

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from tests.pipelines.conftest import load_definitions, run_nightly
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow


def normalized(value):
    """Compare values, not engines' types: numbers as floats, times as naive UTC."""
    if isinstance(value, bool) or value is None:
        return value
    if isinstance(value, int | float | decimal.Decimal):
        return float(value)
    if isinstance(value, dt.datetime):
        return (value.astimezone(dt.UTC).replace(tzinfo=None) if value.tzinfo else value)
    return value


def sort_key(value) -> tuple:
    """Order rows the same way on both sides even when the last digits of a number differ."""
    if isinstance(value, float):
        value = 0.0 if value == 0 else round(value, 3 - math.floor(math.log10(abs(value))))
    return (value is None, str(value))


def same(a, b) -> bool:
    """Equal, numbers within rounding: DuckDB and PostgreSQL round decimal division differently."""
    if isinstance(a, float) and isinstance(b, float):
        return math.isclose(a, b, rel_tol=1e-5, abs_tol=1e-9)
    return a == b


def table_rows(fetch, table: str, columns: list[str]) -> list[tuple]:
    rows = [tuple(normalized(v) for v in row) for row in fetch(
        f"select {', '.join(columns)} from marts.{table}")]
    return sorted(rows, key=lambda row: tuple(sort_key(v) for v in row))


def test_duckdb_and_postgres_build_identical_marts(pipeline_env, monkeypatch, tmp_path):
    point_at, duck_file = pipeline_env
    monkeypatch.setenv("HUBSPOT_CALLS_PER_10_SECONDS", "100000")
    monkeypatch.setenv("HUBSPOT_SEARCH_CALLS_PER_SECOND", "100000")
    world, _ = generate(21, 3000)
    with Sandbox(world, SandboxSettings.unlimited()) as sandbox, \
            temporary_database() as dsn:
        point_at(sandbox)
        assert run_nightly(load_definitions()).success
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", dsn)
        assert run_nightly(load_definitions()).success

        with duckdb.connect(str(duck_file), read_only=True) as duck, \
                psycopg2.connect(dsn) as pg:
            tables = [name for (name,) in duck.execute(
                "select table_name from information_schema.tables where table_schema = 'marts' "
                "order by table_name").fetchall()]
            assert {"dim_people", "fct_lead_handoffs", "fct_opportunities"} <= set(tables)
            cursor = pg.cursor()

            def fetch_pg(sql):
                cursor.execute(sql)
                return cursor.fetchall()

            for table in tables:
                columns = [c for (c,) in duck.execute(
                    "select column_name from information_schema.columns where table_schema = "
                    "'marts' and table_name = ? order by ordinal_position", [table]).fetchall()]
                duck_rows = table_rows(lambda sql: duck.execute(sql).fetchall(), table, columns)
                pg_rows = table_rows(fetch_pg, table, columns)
                assert len(duck_rows) == len(pg_rows), table
                differences = [
                    (column, d, p) for duck_row, pg_row in zip(duck_rows, pg_rows, strict=True)
                    for column, d, p in zip(columns, duck_row, pg_row, strict=True)
                    if not same(d, p)]
                assert not differences, (f"marts.{table} differs between DuckDB and PostgreSQL "
                                         f"({len(differences)} values), first: {differences[:5]}")
