"""The funnel marts against the truth file at scale, with timings (opt-in, not part of the suite):

    .venv/bin/python -m tests.funnel.at_scale --people 100000

Generates a world, lands it with the real loader in a temporary DuckDB file, builds the funnel
marts and everything upstream with dbt as of the world's clock, then compares the totals (and
every row) with tests/funnel/expected_funnel.py. Exit status 1 when they differ."""

from __future__ import annotations

import argparse
import tempfile
import time
from pathlib import Path

import duckdb

from sandbox.generator import generate
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.funnel.expected_funnel import (
    expected_cohorts,
    expected_velocity,
    segments_by_truth_person,
)
from tests.funnel.test_funnel_marts import COHORT_KEY, VELOCITY_KEY, differences, read_rows


def totals(warehouse: Path) -> dict[str, tuple]:
    """Company totals (segment all) per cohort type and per stage pair."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cohorts = con.execute("""
            select cohort_type, sum(cohort_size), sum(reached_sql), sum(reached_customer)
            from marts.fct_funnel_cohorts
            where segment_type = 'all' and window_name = 'ever'
            group by cohort_type order by cohort_type""").fetchall()
        velocity = con.execute("""
            select from_stage || '>' || to_stage, sum(people_entered), sum(people_with_chance),
                   sum(people_converted)
            from marts.fct_stage_velocity
            where segment_type = 'all' and period_grain = 'month'
            group by pair_order, from_stage, to_stage order by pair_order""").fetchall()
    return {"cohorts (size, sql, customer; ever)": tuple(cohorts),
            "velocity (entered, with chance, converted)": tuple(velocity)}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    started = time.perf_counter()
    world, truth = generate(args.seed, args.people)
    print(f"generated {len(truth.people):,} people in {time.perf_counter() - started:.1f} s")
    with tempfile.TemporaryDirectory(prefix="funnel-at-scale-") as work:
        warehouse = Path(work) / "warehouse.duckdb"
        started = time.perf_counter()
        load_world(warehouse, world)
        print(f"loaded in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        dbt_invoke(warehouse, Path(work), "run", "--select", "+path:models/marts/funnel",
                   vars={"as_of": truth.clock})
        print(f"dbt run +funnel marts in {time.perf_counter() - started:.1f} s")
        started = time.perf_counter()
        dbt_invoke(warehouse, Path(work), "run", "--select", "path:models/marts/funnel",
                   vars={"as_of": truth.clock})
        print(f"dbt run of the two funnel marts alone in {time.perf_counter() - started:.1f} s")
        segments = segments_by_truth_person(warehouse, truth)
        problems = differences(read_rows(warehouse, "fct_funnel_cohorts", COHORT_KEY),
                               expected_cohorts(truth, segments))
        problems += differences(read_rows(warehouse, "fct_stage_velocity", VELOCITY_KEY),
                                expected_velocity(truth, segments))
        for name, values in totals(warehouse).items():
            print(f"{name}: {values}")
    print("\n".join(problems) if problems else "every row equals the truth file's")
    return 1 if problems else 0


if __name__ == "__main__":
    raise SystemExit(main())
