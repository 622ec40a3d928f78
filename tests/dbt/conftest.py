"""Fixtures for the dbt tests: a generated world landed in a DuckDB file, and a dbt runner."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT
from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.dbt.raw_loader import load_world

DBT_PROJECT = REPO_ROOT / "dbt_project"
SEED, SCALE = 11, 3000   # ~3,000 people: every rule and edge case occurs, a build takes seconds

DBT = Path(sys.executable).parent / "dbt"


def dbt_invoke(warehouse: Path, work_dir: Path, *args: str, vars: dict | None = None,
               unit_tests: bool = False) -> None:
    """Run dbt on ``warehouse`` (artifacts and logs under ``work_dir``); raise on any failure.

    A `build` leaves dbt's unit tests out unless ``unit_tests``: they pin the logic on their own
    fixture rows, so one run proves them (``built_warehouse``'s), and they are about a third of
    a build's time. A subprocess, not dbtRunner: dbt-duckdb keeps its connection open for the
    life of the process, and the tests copy and read the file between runs."""
    if args[0] == "build" and not unit_tests:
        args = (*args, "--exclude-resource-type", "unit_test")
    cli = [str(DBT), *args, "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
           "--target-path", str(work_dir / "target"), "--log-path", str(work_dir / "logs"),
           "--no-use-colors"]
    if vars:
        cli += ["--vars", json.dumps(vars)]
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(warehouse)}
    result = subprocess.run(cli, env=env, capture_output=True, text=True, check=False)
    if result.returncode != 0:
        problems = [line for line in result.stdout.splitlines()
                    if "ERROR" in line or "FAIL" in line or "Error" in line]
        raise AssertionError(f"dbt {' '.join(args)} failed ({result.returncode}):\n"
                             + "\n".join(problems[:40]) + "\n" + result.stdout[-3000:])


@pytest.fixture(scope="session")
def world_and_truth() -> tuple[World, Truth]:
    return generate(SEED, SCALE)


@pytest.fixture(scope="session")
def built_warehouse(tmp_path_factory: pytest.TempPathFactory,
                    world_and_truth: tuple[World, Truth]) -> Path:
    """The world landed through the real loader and a full `dbt build` (models, data tests and
    the suite's one run of the unit tests), as of the world's clock."""
    world, truth = world_and_truth
    work = tmp_path_factory.mktemp("dbt-e2e")
    warehouse = work / "warehouse.duckdb"
    load_world(warehouse, world)
    dbt_invoke(warehouse, work, "build", vars={"as_of": truth.clock}, unit_tests=True)
    return warehouse
