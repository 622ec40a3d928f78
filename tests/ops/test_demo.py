"""`samepage demo` as a new user runs it: a log that reads as a success, and a second world that
never lands on top of the first."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.paths import REPO_ROOT
from samepage.cli import _start_demo_world
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


@pytest.mark.timeout(1200)  # a nightly and a digest run through `dg launch`
def test_the_demo_log_reads_as_a_success_and_the_warehouse_holds_its_world(tmp_path):
    first = _demo(tmp_path, seed=5, scale=120)
    assert first.returncode == 0, first.stdout[-2000:] + first.stderr[-3000:]
    log = (tmp_path / "data" / "nightly.log").read_text()
    assert "RUN_SUCCESS" in log
    assert "Traceback" not in log
    assert "STEP_UP_FOR_RETRY" not in log
    noisy = [line for line in log.splitlines() if WARNING_LINE.search(line)]
    assert noisy == [], "\n".join(noisy[:10])
    assert (tmp_path / "dagster_home" / "dagster.yaml").exists()
    truth = generate(5, 120)[1]
    warehouse = tmp_path / "data" / "samepage.duckdb"
    assert query(warehouse, "select count(*) from marts.dim_people")[0][0] == len(truth.people)
    assert len(list((tmp_path / "digest").glob("*.html"))) == 1


def test_another_world_starts_from_an_empty_warehouse_and_says_so(tmp_path, monkeypatch, capsys):
    """What a demo of another company does before its nightly (a second whole demo run would
    only repeat the one above on the emptied warehouse)."""
    warehouse, home, digests = tmp_path / "samepage.duckdb", tmp_path / "home", tmp_path / "digest"
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
    monkeypatch.setenv("SAMEPAGE_DIGEST_DIR", str(digests))
    first, other = {"seed": 5, "scale": 120}, {"seed": 6, "scale": 80}
    assert _start_demo_world(warehouse, home, first)
    with duckdb.connect(str(warehouse)) as con:
        con.execute("create table people as select 1 as person_id")
    bi_copy = settings.bi_warehouse_path(str(warehouse))
    bi_copy.write_bytes(warehouse.read_bytes())
    (home / "history").mkdir()  # the first company's runs
    digests.mkdir()
    (digests / "samepage-digest-2026-06-29.html").write_text("first company's week")

    # the same world again continues where it stopped
    assert _start_demo_world(warehouse, home, first)
    assert query(warehouse, "select count(*) from people") == [(1,)]
    assert "empty warehouse" not in capsys.readouterr().out

    assert _start_demo_world(warehouse, home, other)
    assert "starting from an empty warehouse" in capsys.readouterr().out
    assert not warehouse.exists() and not bi_copy.exists()
    assert sorted(p.name for p in home.iterdir()) == ["dagster.yaml"]  # a new Dagster history
    assert list(digests.iterdir()) == []  # the first company's digest went with it
    stamp = json.loads(warehouse.with_name("samepage.demo.json").read_text())
    assert stamp["world"] == other


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
