"""The same dbt models on Apache Spark (the engine behind Databricks), opt-in.

A small generated world is landed in DuckDB through the real loader; its raw tables are exported
to Parquet and registered in a local Spark warehouse; `dbt build --target spark` (dbt-spark,
session method) builds every model and runs every data and unit test; the marts must equal the
DuckDB build of the same world row for row.

Runs only with the `spark` extra (`pip install samepage[spark]`: dbt-spark, pyspark) and a Java
runtime; otherwise skipped with the reason. Deselect with `-m "not spark"`. Takes ~4-5 minutes on
2 cores (Spark's per-statement overhead, not the data, sets the pace).
"""

from __future__ import annotations

import importlib.util
import json
import os
import re
import shutil
import subprocess
import sys
import time
from pathlib import Path

import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from sandbox.generator import generate
from tests.dbt.conftest import DBT, DBT_PROJECT, dbt_invoke
from tests.dbt.raw_loader import load_world

SEED, SCALE = 11, 500   # ~500 people: every model and test has rows; Spark on 2 cores stays quick

# Goal tracking (seeds, snapshots, goal models) is built with the other targets but left out on
# Spark: its seed declares varchar column types, which Spark rejects without a length.
SPARK_EXCLUDE = ("path:seeds", "path:snapshots", "path:models/marts/goals")
CORE_MARTS = {"dim_definitions", "dim_people", "fct_campaign_performance", "fct_lead_handoffs",
              "fct_lifecycle_events", "fct_opportunities", "rpt_definition_drift"}


def _spark_missing() -> str | None:
    """Why the Spark test cannot run here, or None."""
    if shutil.which("java") is None and not os.environ.get("JAVA_HOME"):
        return "no Java runtime (java not on PATH, JAVA_HOME unset): Spark needs Java 17"
    if importlib.util.find_spec("pyspark") is None:
        return "pyspark is not installed (pip install 'samepage[spark]')"
    try:
        dbt_spark_found = importlib.util.find_spec("dbt.adapters.spark") is not None
    except ModuleNotFoundError:
        dbt_spark_found = False
    if not dbt_spark_found:
        return "dbt-spark is not installed (pip install 'samepage[spark]')"
    return None


pytestmark = [
    pytest.mark.spark,
    pytest.mark.skipif(_spark_missing() is not None, reason=_spark_missing() or ""),
    pytest.mark.timeout(900),
]


def dbt_spark(warehouse_dir: Path, work_dir: Path, *args: str) -> tuple[str, float]:
    """`dbt ARGS --target spark` on the Spark warehouse at ``warehouse_dir``; stdout and seconds."""
    cli = [str(DBT), *args, "--target", "spark", "--project-dir", str(DBT_PROJECT),
           "--profiles-dir", str(DBT_PROJECT), "--target-path", str(work_dir / "target"),
           "--log-path", str(work_dir / "logs"), "--no-use-colors"]
    env = {**os.environ, "SAMEPAGE_SPARK_WAREHOUSE": str(warehouse_dir),
           "PYSPARK_PYTHON": sys.executable}
    started = time.monotonic()
    result = subprocess.run(cli, env=env, capture_output=True, text=True, check=False,
                            cwd=DBT_PROJECT)
    elapsed = time.monotonic() - started
    if result.returncode != 0:
        problems = [line for line in result.stdout.splitlines()
                    if "ERROR" in line or "FAIL" in line or "Error" in line]
        raise AssertionError(f"dbt {' '.join(args)} --target spark failed ({result.returncode}):\n"
                             + "\n".join(problems[:40]) + "\n" + result.stdout[-4000:])
    return result.stdout, elapsed


@pytest.fixture(scope="module")
def both_builds(tmp_path_factory: pytest.TempPathFactory) -> dict:
    work = tmp_path_factory.mktemp("spark")
    world, truth = generate(SEED, SCALE)
    duck = work / "warehouse.duckdb"
    load_world(duck, world)
    spark_dir = work / "spark"

    timings = {}
    # Its own process: the embedded metastore (Derby) stays locked while a JVM that opened it
    # lives, and pyspark keeps its JVM until the Python process ends.
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "tests.spark.raw_export", str(duck), str(spark_dir)],
                   cwd=REPO_ROOT, check=True, capture_output=True, text=True)
    timings["register_raw"] = time.monotonic() - started

    as_of = {"as_of": truth.clock}
    started = time.monotonic()
    dbt_invoke(duck, work / "duckdb", "build", vars=as_of)
    timings["duckdb_build"] = time.monotonic() - started

    stdout, timings["spark_build"] = dbt_spark(
        spark_dir, work / "spark-dbt", "build", "--exclude", *SPARK_EXCLUDE,
        "--vars", json.dumps(as_of))
    summary = re.findall(r"Done\. PASS=(\d+) WARN=(\d+) ERROR=(\d+) SKIP=(\d+)", stdout)
    counts = re.findall(r"Finished running (.*) in ", stdout)
    print(f"\nSpark parity world: seed {SEED}, scale {SCALE}; timings (s): "
          + ", ".join(f"{k} {v:.1f}" for k, v in timings.items())
          + f"\nspark build: {counts[-1] if counts else '?'}; PASS/WARN/ERROR/SKIP {summary}")
    return {"duckdb": duck, "spark": spark_dir, "summary": summary[-1], "timings": timings}


def test_spark_build_runs_every_model_and_test(both_builds: dict) -> None:
    passed, _warned, errors, skipped = (int(n) for n in both_builds["summary"])
    assert (errors, skipped) == (0, 0)
    assert passed > 150   # ~37 models, ~165 data tests, 16 unit tests


def test_marts_equal_duckdb_row_for_row(both_builds: dict) -> None:
    from tests.spark.parity import compare_marts

    spark_marts = {path.name for path in (both_builds["spark"] / "tables" / "marts.db").iterdir()}
    with duckdb.connect(str(both_builds["duckdb"]), read_only=True) as con:
        duck_marts = {row[0] for row in con.execute(
            "select table_name from information_schema.tables where table_schema = 'marts'"
        ).fetchall()}
    assert spark_marts >= CORE_MARTS
    assert spark_marts <= duck_marts
    results = compare_marts(both_builds["duckdb"], both_builds["spark"], sorted(spark_marts))
    for result in results:
        print(f"{result.table}: {result.duckdb_rows} rows DuckDB, {result.spark_rows} Spark, "
              f"{result.differing_keys} differing")
    unequal = [result for result in results if not result.equal]
    assert not unequal, "\n".join(
        f"{r.table}: {r.duckdb_rows} vs {r.spark_rows} rows, {r.differing_keys} differ: "
        f"{r.examples}" for r in unequal)
    assert all(result.duckdb_rows > 0 for result in results)
