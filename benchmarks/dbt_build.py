"""How long `dbt build` takes: a full build over a generated world, then an incremental build
after the world moved on by one day (only the changed records landed, as a nightly sync lands
them), as a share of the full build.

The world is landed through the real loader (tests/dbt/raw_loader.py) into a fresh DuckDB file.
Each build is timed as the nightly runs it: `dbt build --exclude-resource-type unit_test` in a
subprocess (dbt's start-up included), the as-of moment in SAMEPAGE_AS_OF, after an untimed
`dbt parse` so that both builds start from a saved manifest as every nightly does. The unit tests
(which CI runs, not the nightly) are timed once on their own.

    .venv/bin/python benchmarks/dbt_build.py                  # 100,000 people
    .venv/bin/python benchmarks/dbt_build.py --people 1000000 # ~70 s and 11 GB to generate
    .venv/bin/python benchmarks/dbt_build.py --topology hubspot   # HubSpot alone (its CRM too)

Targets (issue 4): full build <= 30 s at 100k people and <= 120 s at 1M; incremental <= 15 %.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO_ROOT))

from pipelines.defs.dbt import NIGHTLY_BUILD  # noqa: E402
from pipelines.warehouse import duckdb as duckdb_warehouse  # noqa: E402
from sandbox.generator import generate  # noqa: E402
from sandbox.generator.formats import iso, ms  # noqa: E402
from sandbox.generator.params import DAY, DEFAULT_TOPOLOGY, TOPOLOGIES  # noqa: E402
from tests.dbt.raw_loader import load_world  # noqa: E402

DBT_PROJECT = REPO_ROOT / "dbt_project"
DBT = Path(sys.executable).parent / "dbt"


def dbt(warehouse: Path, work: Path, as_of: str, *args: str) -> float:
    """Seconds for one dbt command (raises when anything fails)."""
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(warehouse), "SAMEPAGE_AS_OF": as_of}
    cli = [str(DBT), *args, "--project-dir", str(DBT_PROJECT),
           "--profiles-dir", str(DBT_PROJECT), "--target-path", str(work / "target"),
           "--log-path", str(work / "logs"), "--quiet"]
    started = time.perf_counter()
    result = subprocess.run(cli, env=env, capture_output=True, text=True, check=False)
    elapsed = time.perf_counter() - started
    if result.returncode != 0:
        raise SystemExit(f"dbt {args[0]} failed:\n{result.stdout[-4000:]}{result.stderr[-2000:]}")
    return elapsed


def print_slowest(work: Path, count: int = 8) -> None:
    """The slowest nodes of the last build, from dbt's run_results.json."""
    results = json.loads((work / "target" / "run_results.json").read_text())
    nodes = sorted(results["results"], key=lambda r: r["execution_time"], reverse=True)
    kinds: dict[str, float] = {}
    for node in results["results"]:
        kind = node["unique_id"].split(".")[0]
        kinds[kind] = kinds.get(kind, 0.0) + node["execution_time"]
    print(f"  dbt's own elapsed time {results['elapsed_time']:.1f} s; node time by kind: "
          + ", ".join(f"{kind} {seconds:.1f} s" for kind, seconds in sorted(kinds.items())))
    for node in nodes[:count]:
        print(f"  {node['execution_time']:6.2f} s  {node['unique_id']}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000, help="people in the world")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--topology", choices=TOPOLOGIES, default=DEFAULT_TOPOLOGY,
                        help="the generated company's tools; only those sources are enabled")
    parser.add_argument("--days", type=float, default=1.0, help="how far to advance the world")
    parser.add_argument("--landing-memory-limit", default="3GB",
                        help="DuckDB's memory limit while the world lands (not for dbt)")
    parser.add_argument("--workdir", type=Path, default=None,
                        help="keep the warehouse here (default: a temporary directory)")
    args = parser.parse_args()
    # The generated world stays in this process while it lands (~16 GB at 1,000,000 people):
    # DuckDB's buffer pool must not also take its default 80 % of the memory beside it.
    duckdb_warehouse.OFFLINE["memory_limit"] = args.landing_memory_limit
    # the nightly of a company running these tools enables only their sources (README)
    os.environ["SAMEPAGE_SOURCES"] = args.topology.replace("+", ",")

    with tempfile.TemporaryDirectory(prefix="samepage-dbt-bench-") as tmp:
        work = args.workdir or Path(tmp)
        work.mkdir(parents=True, exist_ok=True)
        warehouse = work / "bench.duckdb"
        warehouse.unlink(missing_ok=True)

        started = time.perf_counter()
        world, truth = generate(args.seed, args.people, topology=args.topology)
        print(f"generated {args.people:,} people ({args.topology}) in "
              f"{time.perf_counter() - started:.1f} s "
              f"({truth.totals['people']:,} people in the truth)")
        started = time.perf_counter()
        load_world(warehouse, world, "bench-full")
        print(f"landed the world in the raw tables in {time.perf_counter() - started:.1f} s")
        clock = world.clock
        del world
        gc.collect()

        dbt(warehouse, work, clock, "parse")
        full = dbt(warehouse, work, clock, *NIGHTLY_BUILD)
        print(f"full dbt build: {full:.1f} s")
        print_slowest(work)
        if args.topology == DEFAULT_TOPOLOGY:  # the unit tests pin the shipped definitions
            unit = dbt(warehouse, work, clock, "test", "--select", "test_type:unit")
            print(f"unit tests (CI, not nightly): {unit:.1f} s; full build + unit tests "
                  f"{full + unit:.1f} s")

        # advance(world, days) is generate() at a later clock; called directly so that only one
        # world is in memory at a time (11 GB each at 1M people)
        later_clock = iso(ms(clock) + round(args.days * DAY))
        later, later_truth = generate(args.seed, args.people, later_clock, topology=args.topology)
        started = time.perf_counter()
        received = load_world(warehouse, later, "bench-incremental", incremental=True)
        print(f"landed the {args.days:g}-day delta ({sum(received.values()):,} records) in "
              f"{time.perf_counter() - started:.1f} s")
        del later
        gc.collect()

        incremental = dbt(warehouse, work, later_truth.clock, *NIGHTLY_BUILD)
        print(f"incremental dbt build: {incremental:.1f} s = {incremental / full:.0%} of full")
        print_slowest(work)

        refresh = dbt(warehouse, work, later_truth.clock, *NIGHTLY_BUILD, "--full-refresh")
        print(f"full-refresh dbt build after the delta: {refresh:.1f} s")


if __name__ == "__main__":
    main()
