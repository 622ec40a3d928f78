"""The whole nightly job, sandbox to marts, on DuckDB and on PostgreSQL side by side.

The sandbox serves a generated world from a child process with its rate limits off, so the
figures are the pipeline's own: extraction through the real connectors and loaders, `dbt build`
(models and data tests), and the BI publish. Each engine starts from an empty warehouse (a first,
full sync), then runs once more after the world advanced a day (an incremental night).

    .venv/bin/python -m benchmarks.nightly --scale 100000   # from the repository root
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import tempfile
import time
from pathlib import Path
from typing import Any

import dagster as dg

from pipelines.paths import REPO_ROOT
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from tests.postgres import temporary_database

STEPS = ("hubspot_raw", "salesforce_raw", "samepage_dbt_models", "bi__published_marts")


def serve(scale: int, seed: int, pipe: Any) -> None:
    """The sandbox process: answers the parent's requests to advance the world."""
    world, _ = generate(seed, scale)
    sandbox = Sandbox(world, SandboxSettings.unlimited())
    sandbox.start()
    pipe.send(sandbox.environment())
    while (message := pipe.recv()) != "stop":
        sandbox.advance(float(message))
        pipe.send(sandbox.environment())


def run_nightly(env: dict[str, str]) -> dict[str, float]:
    """Seconds per step and in all for one in-process run of `nightly` with ``env``."""
    previous = {name: os.environ.get(name) for name in env}
    os.environ.update(env)
    try:
        defs = dg.load_from_defs_folder(path_within_project=REPO_ROOT / "pipelines")
        started = time.perf_counter()
        result = defs.resolve_job_def("nightly").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=True)
        total = time.perf_counter() - started
    finally:
        for name, value in previous.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    seconds = {"total": total}
    for event in result.all_events:
        if event.is_step_success:
            seconds[event.step_key] = event.event_specific_data.duration_ms / 1000
    return seconds


def report(engine: str, night: str, seconds: dict[str, float]) -> None:
    steps = "  ".join(f"{step} {seconds.get(step, 0):7.1f}" for step in STEPS)
    print(f"  {engine:<10} {night:<12} total {seconds['total']:7.1f} s   {steps}", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="people in the world")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--engines", default="duckdb,postgres")
    args = parser.parse_args()

    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.scale, args.seed, child_end),
                                    daemon=True)
    started = time.perf_counter()
    child.start()
    sandbox_env = parent_end.recv()
    print(f"world of {args.scale:,} people generated and served in "
          f"{time.perf_counter() - started:.1f} s; seconds per step:", flush=True)
    engines = args.engines.split(",")
    try:
        with tempfile.TemporaryDirectory() as work, temporary_database() as dsn:
            warehouses = {"duckdb": str(Path(work) / "samepage.duckdb"), "postgres": dsn}
            common = {"HUBSPOT_CALLS_PER_10_SECONDS": "1000000",
                      "HUBSPOT_SEARCH_CALLS_PER_SECOND": "1000000",
                      "SAMEPAGE_BI_WAREHOUSE": str(Path(work) / "bi.duckdb"),
                      "DAGSTER_HOME": work}
            for night in ("first sync", "next night"):
                if night == "next night":
                    parent_end.send("1")
                    sandbox_env = parent_end.recv()
                for engine in engines:
                    env = {**sandbox_env, **common, "SAMEPAGE_WAREHOUSE": warehouses[engine]}
                    report(engine, night, run_nightly(env))
    finally:
        parent_end.send("stop")
        child.join(timeout=10)
        child.terminate()


if __name__ == "__main__":
    main()
