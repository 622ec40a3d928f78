"""Run the code location against a sandbox, into a DuckDB file of the test's own."""

from __future__ import annotations

from pathlib import Path

import dagster as dg
import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from sandbox.app import Sandbox


def load_definitions() -> dg.Definitions:
    """The code location exactly as workspace.yaml loads it (reads the environment now)."""
    return dg.load_from_defs_folder(path_within_project=REPO_ROOT / "pipelines")


@pytest.fixture
def pipeline_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    """Point the pipeline's configuration at a sandbox; returns (set_sandbox, warehouse path)."""
    warehouse = tmp_path / "warehouse.duckdb"
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))

    def point_at(sandbox: Sandbox) -> None:
        for name, value in sandbox.environment().items():
            monkeypatch.setenv(name, value)

    return point_at, warehouse


def run_nightly(defs: dg.Definitions) -> dg.ExecuteInProcessResult:
    job = defs.resolve_job_def("nightly")
    return job.execute_in_process(instance=dg.DagsterInstance.ephemeral(), raise_on_error=False)


def query(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()
