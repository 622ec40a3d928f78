"""Fixtures for the goal tests: a small generated world built by dbt; a copy of the project."""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest

from tests.dbt.conftest import DBT, DBT_PROJECT


@pytest.fixture(scope="session")
def goal_warehouse(built_marts: Path) -> Path:
    """The shared test world (seed 7, ~1,500 people) landed through the real loader and a full
    `dbt build` (seeds, models, snapshot and tests) as of the world's clock: the session's
    built_marts, which is that build. Tests that change it work on a copy. The world is small,
    and its late records change its June."""
    return built_marts


def dbt_run_in(project: Path, warehouse: Path, work: Path,
               *args: str) -> subprocess.CompletedProcess[str]:
    """dbt on a copy of the project (``project``); returns the finished process, failed or not."""
    cli = [str(DBT), *args, "--project-dir", str(project), "--profiles-dir", str(project),
           "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
           "--no-use-colors"]
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(warehouse)}
    return subprocess.run(cli, env=env, capture_output=True, text=True, check=False)


def copy_project(destination: Path) -> Path:
    """The dbt project without its build artifacts, to change a file (e.g. a seed) safely."""
    shutil.copytree(DBT_PROJECT, destination,
                    ignore=shutil.ignore_patterns("target", "logs", "dbt_packages"))
    return destination
