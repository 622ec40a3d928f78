"""Raw tables for a Spark warehouse: the loaders write DuckDB and PostgreSQL only, so a Spark run
takes the raw tables of a DuckDB warehouse, exported to Parquet (``record`` kept as JSON text), and
registers them as tables ``raw_hubspot.*`` / ``raw_salesforce.*`` in the Spark metastore that the
dbt ``spark`` target uses (see ``dbt_project/profiles.yml``).

    python -m tests.spark.raw_export data/samepage.duckdb data/spark

exports every raw table of the DuckDB file and registers it under the warehouse directory
``data/spark`` (Parquet under ``data/spark/raw_parquet``, metastore in ``data/spark/metastore_db``).
"""

from __future__ import annotations

import argparse
import os
import shutil
from pathlib import Path
from typing import Any

import duckdb

RAW_SCHEMAS = ("raw_hubspot", "raw_salesforce")


def spark_conf(warehouse_dir: Path) -> dict[str, str]:
    """The Spark settings of the dbt ``spark`` target, for a session opened outside dbt
    (keep in step with ``server_side_parameters`` in profiles.yml)."""
    warehouse_dir = warehouse_dir.resolve()
    return {
        "spark.master": "local[2]",
        "spark.sql.warehouse.dir": str(warehouse_dir / "tables"),
        "spark.hadoop.javax.jdo.option.ConnectionURL":
            "jdbc:derby:;databaseName=metastore_db;create=true",
        "spark.sql.session.timeZone": "UTC",
        "spark.sql.parquet.outputTimestampType": "TIMESTAMP_MICROS",
        "spark.sql.shuffle.partitions": "2",
        "spark.ui.enabled": "false",
        "spark.driver.extraJavaOptions": f"-Dderby.system.home={warehouse_dir}",
    }


def export_raw_tables(duckdb_path: Path, parquet_dir: Path) -> dict[str, Path]:
    """Copy every table of the raw schemas to ``parquet_dir/<schema>/<table>/data.parquet``;
    ``record`` becomes JSON text, ``_extracted_at`` stays a UTC instant."""
    exported: dict[str, Path] = {}
    with duckdb.connect(str(duckdb_path), read_only=True) as con:
        con.execute("set TimeZone = 'UTC'")
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            f"where table_schema in {RAW_SCHEMAS!r} order by 1, 2").fetchall()
        for schema, table in tables:
            target = parquet_dir / schema / table
            if target.exists():
                shutil.rmtree(target)
            target.mkdir(parents=True)
            con.execute(
                f"copy (select id, cursor_value, is_deleted, cast(record as varchar) as record, "
                f"_extracted_at, _run_id from {schema}.{table}) "
                f"to '{target / 'data.parquet'}' (format parquet)")
            exported[f"{schema}.{table}"] = target
    return exported


def register_raw_tables(spark: Any, exported: dict[str, Path]) -> None:
    """(Re)create each exported table in the session's metastore as a Parquet table at its
    export location."""
    for schema in sorted({name.split(".")[0] for name in exported}):
        spark.sql(f"create schema if not exists {schema}")
    for name, location in exported.items():
        spark.sql(f"drop table if exists {name}")
        spark.sql(f"create table {name} using parquet location '{location.resolve()}'")


def spark_session(warehouse_dir: Path) -> Any:
    from pyspark.sql import SparkSession

    builder = SparkSession.builder.appName("samepage-raw").enableHiveSupport()
    for key, value in spark_conf(warehouse_dir).items():
        builder = builder.config(key, value)
    return builder.getOrCreate()


def land_raw_in_spark(duckdb_path: Path, warehouse_dir: Path) -> dict[str, Path]:
    """Export the DuckDB raw tables and register them in the Spark warehouse at
    ``warehouse_dir``. The embedded metastore admits one JVM at a time and pyspark keeps its JVM
    until the Python process ends: call this from a process of its own (``python -m``) before
    running dbt."""
    exported = export_raw_tables(duckdb_path, warehouse_dir / "raw_parquet")
    spark = spark_session(warehouse_dir)
    try:
        register_raw_tables(spark, exported)
    finally:
        spark.stop()
    return exported


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("duckdb_path", type=Path)
    parser.add_argument("warehouse_dir", type=Path,
                        default=Path(os.environ.get("SAMEPAGE_SPARK_WAREHOUSE", "data/spark")),
                        nargs="?")
    args = parser.parse_args()
    exported = land_raw_in_spark(args.duckdb_path, args.warehouse_dir)
    print(f"registered {len(exported)} raw tables in {args.warehouse_dir}")


if __name__ == "__main__":
    main()
