"""The production instance: the nightly job runs with run, event-log and schedule storage in
PostgreSQL, as deploy/dagster.yaml configures it."""

import os
import shutil
import subprocess
import sys
from pathlib import Path

import psycopg2
import pytest

from pipelines.paths import REPO_ROOT
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow


def test_nightly_runs_on_a_postgres_backed_instance(tmp_path):
    dagster_home = tmp_path / "dagster_home"
    dagster_home.mkdir()
    shutil.copy(REPO_ROOT / "deploy" / "dagster.yaml", dagster_home / "dagster.yaml")
    run_config = tmp_path / "in_process.yaml"
    run_config.write_text("execution:\n  config:\n    in_process: {}\n")
    world, _ = generate(3, 300)
    with temporary_database() as dsn, Sandbox(world, SandboxSettings.unlimited()) as sandbox:
        env = {**os.environ, **sandbox.environment(), "DAGSTER_HOME": str(dagster_home),
               "DAGSTER_PG_URL": dsn.replace("postgresql://", "postgresql+psycopg2://"),
               "SAMEPAGE_WAREHOUSE": str(tmp_path / "w.duckdb"),
               "HUBSPOT_CALLS_PER_10_SECONDS": "100000",
               "HUBSPOT_SEARCH_CALLS_PER_SECOND": "100000"}
        result = subprocess.run(
            # one process for every step: the storage, not the executor, is under test here
            [str(Path(sys.executable).parent / "dagster"), "job", "execute",
             "-m", "pipelines.definitions", "-j", "nightly", "-c", str(run_config)],
            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=600)
        assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
        with psycopg2.connect(dsn) as con:
            cursor = con.cursor()
            cursor.execute("select pipeline_name, status from runs")
            assert cursor.fetchall() == [("nightly", "SUCCESS")]
            cursor.execute("select count(*) from event_logs "
                           "where dagster_event_type = 'ASSET_MATERIALIZATION'")
            assert cursor.fetchone()[0] > 20  # every raw stream and every dbt model
