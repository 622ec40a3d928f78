"""The write-back with a PostgreSQL warehouse: the plan mart and raw_meta.writeback_log there."""

import psycopg2
import pytest

from pipelines.writeback.log import WRITTEN
from sandbox.app import Sandbox
from tests.pipelines.conftest import load_definitions
from tests.postgres import temporary_database
from tests.writeback.conftest import deployed, materialization, run_nightly

pytestmark = pytest.mark.slow


def _rows(dsn: str, sql: str) -> list[tuple]:
    with psycopg2.connect(dsn) as con:
        cursor = con.cursor()
        cursor.execute(sql)
        return cursor.fetchall()


def test_apply_on_postgres_writes_and_logs_every_field(small_world, monkeypatch):
    with temporary_database() as dsn, Sandbox(deployed(small_world[0])) as sandbox:
        for name, value in sandbox.environment().items():
            monkeypatch.setenv(name, value)
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", dsn)
        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        first = run_nightly(load_definitions())
        assert first.success
        planned = materialization(first)["planned_changes"]
        assert planned > 0
        assert _rows(dsn, "select count(*), min(status), max(status) from "
                          f"raw_meta.writeback_log where run_id = '{first.run_id}'") == [
            (planned, WRITTEN, WRITTEN)]
        assert len(sandbox.write_requests()) > 0
