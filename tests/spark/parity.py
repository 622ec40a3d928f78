"""Row-for-row comparison of the marts built on DuckDB and on Spark from the same raw tables.

Spark's managed tables are Parquet files under ``<warehouse>/tables/<schema>.db/<table>/``;
DuckDB reads them next to its own marts, so the comparison needs no second Spark session.
Values are normalised before comparing: timestamps to UTC without time zone, numbers rounded to
6 decimals (the contracts' numeric(28,6)), floating point to 9 significant figures.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import duckdb

NUMBER_TOLERANCE = 1e-5   # the contracts' numeric(28,6): engines may round the 6th decimal apart


@dataclass
class TableParity:
    table: str
    key: str
    duckdb_rows: int
    spark_rows: int
    differing_keys: int
    examples: list[dict] = field(default_factory=list)

    @property
    def equal(self) -> bool:
        return self.duckdb_rows == self.spark_rows and self.differing_keys == 0


def _is_number(data_type: str) -> bool:
    upper = data_type.upper()
    return upper.startswith("DECIMAL") or upper in (
        "HUGEINT", "BIGINT", "INTEGER", "SMALLINT", "DOUBLE", "FLOAT", "REAL")


def _normalised(column: str, data_type: str) -> str:
    quoted = f'"{column}"'
    if data_type.upper().startswith("TIMESTAMP"):
        return f"cast({quoted} as timestamp) as {quoted}"   # TimeZone is UTC: UTC wall time
    if _is_number(data_type):
        return f"cast({quoted} as double) as {quoted}"
    return quoted


def compare_marts(duckdb_path: Path, spark_warehouse: Path, tables: list[str],
                  schema: str = "marts") -> list[TableParity]:
    """Each table, matched on its first column (its unique key), column by column: equal values,
    numbers within NUMBER_TOLERANCE, timestamps as UTC."""
    results = []
    con = duckdb.connect()
    try:
        con.execute("set TimeZone = 'UTC'")
        con.execute(f"attach '{duckdb_path}' as dw (read_only)")
        for table in tables:
            files = spark_warehouse / "tables" / f"{schema}.db" / table / "*.parquet"
            columns = con.execute(
                "select column_name, data_type from information_schema.columns "
                "where table_catalog = 'dw' and table_schema = ? and table_name = ? "
                "order by ordinal_position", [schema, table]).fetchall()
            if not columns:
                raise AssertionError(f"{schema}.{table} is not in the DuckDB warehouse")
            spark_columns = [row[0] for row in con.execute(
                f"describe select * from read_parquet('{files}')").fetchall()]
            if [name for name, _ in columns] != spark_columns:
                raise AssertionError(f"{table}: columns differ: DuckDB {[c for c, _ in columns]}, "
                                     f"Spark {spark_columns}")
            select = ", ".join(_normalised(name, kind) for name, kind in columns)
            con.execute(f"create or replace temp table d as select {select} "
                        f"from dw.{schema}.{table}")
            con.execute(f"create or replace temp table s as select {select} "
                        f"from read_parquet('{files}')")
            key = columns[0][0]
            duplicates = con.execute(
                f'select count(*) - count(distinct "{key}") from d').fetchone()[0]
            if duplicates:
                raise AssertionError(f"{table}: first column {key} is not a unique key")
            differs = []
            for name, kind in columns[1:]:
                if _is_number(kind):
                    differs.append(f'(d."{name}" is null) <> (s."{name}" is null) or '
                                   f'abs(d."{name}" - s."{name}") > {NUMBER_TOLERANCE}')
                else:
                    differs.append(f'd."{name}" is distinct from s."{name}"')
            mismatch = (f'from d full join s on d."{key}" = s."{key}" '
                        f'where d."{key}" is null or s."{key}" is null or '
                        + " or ".join(f"({test})" for test in differs or ["false"]))
            differing = con.execute(f"select count(*) {mismatch}").fetchone()[0]
            examples = []
            if differing:
                cursor = con.execute(
                    f'select coalesce(d."{key}", s."{key}") as key, '
                    f"to_json(d) as duckdb_row, to_json(s) as spark_row {mismatch} limit 3")
                examples = [dict(zip(["key", "duckdb", "spark"], row, strict=True))
                            for row in cursor.fetchall()]
            results.append(TableParity(
                table=table, key=key,
                duckdb_rows=con.execute("select count(*) from d").fetchone()[0],
                spark_rows=con.execute("select count(*) from s").fetchone()[0],
                differing_keys=differing, examples=examples))
    finally:
        con.close()
    return results
