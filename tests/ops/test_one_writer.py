"""One writer to a DuckDB warehouse at a time, through the commands the README documents.

Steps that open the file share the concurrency pool ``duckdb_warehouse`` (limit 1 in the instance
configs), so the two sources' steps and two runs at once take turns instead of meeting each
other's file lock; the run queue holds a second ``nightly`` until the first ends.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import dagster as dg
import pytest
import requests
import yaml
from dagster_graphql import DagsterGraphQLClient

from pipelines.paths import REPO_ROOT
from sandbox.app import Sandbox
from sandbox.generator import generate
from tests.pipelines.conftest import query
from tests.pipelines.ingest import ingestion_job

pytestmark = pytest.mark.slow

LOCAL_INSTANCE = REPO_ROOT / "deploy" / "local" / "dagster.yaml"
PRODUCTION_INSTANCE = REPO_ROOT / "deploy" / "dagster.yaml"
DG = str(Path(sys.executable).parent / "dg")
# The nightly's two ingestion steps in a run of their own, with the multiprocess executor and the
# instance of DAGSTER_HOME, as `dg launch` runs them (without the dbt step, to keep the test short).
INGEST_RUN = ("import sys, dagster as dg; from tests.ops.test_one_writer import all_streams; "
              "sys.exit(0 if dg.execute_job(dg.reconstructable(all_streams), "
              "instance=dg.DagsterInstance.get(), raise_on_error=False).success else 1)")


def all_streams() -> dg.JobDefinition:
    """Reconstructable in a run's step processes: a function without arguments."""
    return ingestion_job()


@pytest.fixture(scope="module")
def small_world():
    return generate(13, 120)[0]


@pytest.fixture
def local_instance(tmp_path: Path) -> dict[str, str]:
    """The environment of `./run demo` and `dg dev`: a Dagster home with the shipped config."""
    home = tmp_path / "dagster_home"
    home.mkdir()
    shutil.copy(LOCAL_INSTANCE, home / "dagster.yaml")
    # create its storage now: two processes creating it at once race in its migrations
    with dg.DagsterInstance.from_config(str(home)):
        pass
    return {"DAGSTER_HOME": str(home), "SAMEPAGE_WAREHOUSE": str(tmp_path / "w.duckdb"),
            "SAMEPAGE_DIGEST_DIR": str(tmp_path / "digest"), "VIRTUAL_ENV": sys.prefix}


@pytest.mark.timeout(1200)  # separate Dagster processes: slow on a loaded machine
def test_two_runs_at_once_take_turns_at_the_duckdb_file(small_world, local_instance, tmp_path):
    """Each run extracts both sources in parallel processes; four writers in all, none meets a
    lock (before: `Conflicting lock` tracebacks and STEP_UP_FOR_RETRY in every nightly)."""
    logs = [tmp_path / "first.log", tmp_path / "second.log"]
    with Sandbox(small_world) as sandbox:
        env = {**os.environ, **sandbox.environment(), **local_instance}
        runs = [subprocess.Popen([sys.executable, "-c", INGEST_RUN], cwd=REPO_ROOT, env=env,
                                 stdout=log.open("w"), stderr=subprocess.STDOUT)
                for log in logs]
        codes = [run.wait(timeout=900) for run in runs]
    text = "\n".join(log.read_text() for log in logs)
    assert codes == [0, 0], text[-3000:]
    assert "Conflicting lock" not in text
    assert "STEP_UP_FOR_RETRY" not in text
    assert "Traceback" not in text
    # they did overlap, and waited for each other
    assert "blocked by limit for pool duckdb_warehouse" in text
    assert query(Path(local_instance["SAMEPAGE_WAREHOUSE"]),
                 "select count(*) from raw_hubspot.contacts")[0][0] > 0


def test_the_production_instance_has_the_same_limits():
    local = yaml.safe_load(LOCAL_INSTANCE.read_text())["concurrency"]
    production = yaml.safe_load(PRODUCTION_INSTANCE.read_text())["concurrency"]
    assert production["pools"] == local["pools"] == {"default_limit": 1}
    assert production["runs"]["tag_concurrency_limits"] == \
        local["runs"]["tag_concurrency_limits"]


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture
def dg_dev(small_world, local_instance, tmp_path) -> Iterator[DagsterGraphQLClient]:
    port = _free_port()
    with Sandbox(small_world) as sandbox:
        env = {**os.environ, **sandbox.environment(), **local_instance}
        with (tmp_path / "dg_dev.log").open("w") as log:
            # its own process group: the webserver, daemon, code server and run workers go together
            server = subprocess.Popen([DG, "dev", "-p", str(port)], cwd=REPO_ROOT, env=env,
                                      stdout=log, stderr=subprocess.STDOUT,
                                      start_new_session=True)
        try:
            deadline = time.monotonic() + 180
            while True:
                try:
                    if requests.get(f"http://127.0.0.1:{port}/server_info", timeout=5).ok:
                        break
                except requests.ConnectionError:
                    pass
                assert time.monotonic() < deadline, (tmp_path / "dg_dev.log").read_text()[-3000:]
                time.sleep(2)
            yield DagsterGraphQLClient("127.0.0.1", port_number=port)
        finally:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait(timeout=30)


@pytest.mark.timeout(1200)  # separate Dagster processes: slow on a loaded machine
def test_a_second_nightly_waits_in_the_queue_under_dg_dev(dg_dev):
    first = dg_dev.submit_job_execution("nightly")
    second = dg_dev.submit_job_execution("nightly")

    def status(run_id: str) -> str:
        return dg_dev.get_run_status(run_id).value

    deadline = time.monotonic() + 180
    while status(first) != "STARTED":
        assert time.monotonic() < deadline, status(first)
        time.sleep(1)
    # the daemon looks at its queue every few seconds: give it several looks
    for _ in range(6):
        time.sleep(2)
        if status(first) != "STARTED":
            break
        assert status(second) == "QUEUED"
