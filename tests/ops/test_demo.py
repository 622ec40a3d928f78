"""`samepage demo` as a new user runs it: a log that reads as a success, and a second world that
never lands on top of the first."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from sandbox.generator import generate
from tests.pipelines.conftest import query

pytestmark = pytest.mark.slow

# dbt's, Dagster's and Python's warning lines: "[WARNING]", "- WARNING -", "SupersessionWarning:"
WARNING_LINE = re.compile(r"WARNING|Warning\b|No dagster instance configuration")


def _demo(tmp_path: Path, seed: int, scale: int) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(tmp_path / "data" / "samepage.duckdb"),
           "DAGSTER_HOME": str(tmp_path / "dagster_home"),
           "SAMEPAGE_DIGEST_DIR": str(tmp_path / "digest")}
    return subprocess.run([sys.executable, "-m", "samepage", "demo", "--seed", str(seed),
                           "--scale", str(scale)], cwd=REPO_ROOT, env=env, capture_output=True,
                          text=True, timeout=1200, check=False)


@pytest.mark.timeout(1800)  # two demos, each a nightly and a digest run through `dg launch`
def test_the_demo_log_reads_as_a_success_and_another_world_starts_empty(tmp_path):
    first = _demo(tmp_path, seed=5, scale=120)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    log = (tmp_path / "data" / "nightly.log").read_text()
    assert "RUN_SUCCESS" in log
    assert "Traceback" not in log
    assert "STEP_UP_FOR_RETRY" not in log
    noisy = [line for line in log.splitlines() if WARNING_LINE.search(line)]
    assert noisy == [], "\n".join(noisy[:10])
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()

    # Another company: the warehouse starts empty, and says so; nothing of the first remains.
    second = _demo(tmp_path, seed=6, scale=80)
    assert second.returncode == 0, second.stdout[-2000:] + second.stderr[-3000:]
    assert "starting from an empty warehouse" in second.stdout
    truth = generate(6, 80)[1]
    warehouse = tmp_path / "data" / "samepage.duckdb"
    assert query(warehouse, "select count(*) from marts.dim_people")[0][0] == len(truth.people)
    digests = sorted((tmp_path / "digest").glob("*.html"))
    assert len(digests) == 1  # the first company's digest went with it


def test_the_demo_refuses_a_warehouse_it_did_not_write(tmp_path):
    foreign = tmp_path / "ours.duckdb"
    with duckdb.connect(str(foreign)) as con:
        con.execute("create table important as select 42 as answer")
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(foreign),
           "DAGSTER_HOME": str(tmp_path / "dagster_home")}
    result = subprocess.run([sys.executable, "-m", "samepage", "demo", "--scale", "20"],
                            cwd=REPO_ROOT, env=env, capture_output=True, text=True, timeout=300,
                            check=False)
    assert result.returncode == 2
    assert "holds data the demo did not write" in result.stderr
    assert query(foreign, "select answer from important") == [(42,)]
