"""`samepage what-if` on a PostgreSQL warehouse: scratch schemas, dropped afterwards; the schemas
BI tools read are untouched."""

from __future__ import annotations

import json
import os
import subprocess
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest

from pipelines.defs.resources import dbt_executable
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.warehouse import PostgresWarehouse
from samepage.cli import main
from sandbox.generator import generate
from tests.dbt.raw_loader import world_streams
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow


def _dbt(dsn: str, work: Path, *args: str) -> None:
    subprocess.run([dbt_executable(), *args, "--project-dir", str(DBT_PROJECT_DIR),
                    "--profiles-dir", str(DBT_PROJECT_DIR), "--target", "postgres",
                    "--target-path", str(work / "target"), "--log-path", str(work / "logs")],
                   env={**os.environ, "SAMEPAGE_WAREHOUSE": dsn}, check=True,
                   capture_output=True)


def _state(dsn: str) -> tuple[list[str], dict[str, str]]:
    """The schemas, and a checksum of every marts table's rows.

    PostgreSQL's per-session temporary schemas (pg_temp_N, pg_toast_temp_N) come and go with
    other connections, so they are not part of the state.
    """
    with closing(psycopg2.connect(dsn)) as con, con.cursor() as cursor:
        cursor.execute("select schema_name from information_schema.schemata "
                       "where schema_name not like 'pg\\_temp\\_%' "
                       "and schema_name not like 'pg\\_toast\\_temp\\_%' order by 1")
        schemas = [name for (name,) in cursor.fetchall()]
        cursor.execute("select table_name from information_schema.tables "
                       "where table_schema = 'marts' order by 1")
        checksums = {}
        for (table,) in cursor.fetchall():
            cursor.execute(f"select md5(coalesce(string_agg(t::text, '|' order by t::text), '')) "
                           f"from marts.{table} as t")
            checksums[table] = cursor.fetchone()[0]
    return schemas, checksums


def test_what_if_on_postgres_builds_in_scratch_schemas_and_drops_them(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    world, truth = generate(5, 400)
    with temporary_database() as dsn:
        warehouse = PostgresWarehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "test-load")
        _dbt(dsn, tmp_path, "seed")
        _dbt(dsn, tmp_path, "run", "--select", "+path:models/marts",
             "--vars", json.dumps({"as_of": truth.clock}))
        before = _state(dsn)
        assert "marts" in before[0] and before[1]

        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", dsn)
        monkeypatch.delenv("SAMEPAGE_AS_OF", raising=False)
        assert main(["what-if", "mql_score_threshold=30"]) == 0
        captured = capsys.readouterr()
        assert "scratch schemas samepage_whatif_" in captured.out
        assert "what-if: mql_score_threshold 50 -> 30" in captured.out
        # month, then quarter: a lower threshold makes at least as many MQLs, more in the quarter
        month, quarter = [[int(value) for value in line.split()[1:3]]
                          for line in captured.out.splitlines() if line.startswith("  MQLs")]
        assert month[1] >= month[0] and quarter[1] > quarter[0]

        assert _state(dsn) == before   # no scratch schema left; the marts untouched
