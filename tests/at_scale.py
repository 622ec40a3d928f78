"""Issue 15's marts against the truth file at scale, with timings (opt-in, not part of the suite):

    .venv/bin/python -m tests.at_scale --people 100000

Generates one world, lands it once with the real loader in a temporary DuckDB file, builds the
marts and everything upstream once with dbt (models and data tests) as of the world's clock, then
compares every row with the expectation functions the small-world tests use: the funnel marts
(tests/funnel), the pipeline history replayed and its as-of day against the open opportunities
(tests/pipeline_history), the accounts (tests/accounts), and the handoff SLA on the wall clock
(the truth file's own verdicts) and, after a second build of fct_lead_handoffs with sla_clock
business_hours, in business hours (tests/sla). Prints each mart's totals, mart vs expected, the
rows compared, the differences and the seconds; exit status 1 on any difference."""

from __future__ import annotations

import argparse
import dataclasses
import operator
import tempfile
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.accounts.test_accounts import duckdb_query, expected_accounts, read_accounts
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.funnel.expected_funnel import (
    VELOCITY_PAIRS,
    expected_cohorts,
    expected_velocity,
    segments_by_truth_person,
)
from tests.funnel.test_funnel_marts import COHORT_KEY, VELOCITY_KEY, close, read_rows
from tests.pipeline_history.test_pipeline_history import (
    FLOWS,
    _day,
    _read_daily,
    _salesforce_opportunities,
    expected_daily,
)
from tests.sla.expected_sla import expected_handoffs
from tests.sla.test_business_hours_sla import _by_truth_person

MARTS = ("fct_funnel_cohorts", "fct_stage_velocity", "fct_pipeline_daily", "dim_accounts",
         "fct_account_matches", "fct_account_people", "fct_lead_handoffs")
PIPELINE_COLUMNS = ("open_count", "open_amount", *(f"{flow}_{what}" for flow in FLOWS
                                                   for what in ("count", "amount")))
SLA_COLUMNS = ("owner_time_zone", "sla_due_at", "is_sla_met", "response_business_hours")
Rows = dict[Any, dict[str, Any]]


def numbers_close(got: Any, want: Any) -> bool:
    """Numbers to the warehouse's 6 decimals (the funnel test's rule), anything else equal."""
    numeric = (int, float, Decimal)
    if isinstance(want, numeric) and not isinstance(want, bool) and isinstance(got, numeric):
        return close(got, want)
    return got == want


@dataclass
class Check:
    """One mart compared with its expectation."""

    name: str
    rows: int
    problems: list[str]
    count: int
    seconds: float | None           # None: timed with the check before it
    totals: list[tuple[str, Any, Any]]   # (what, mart, expected)


def compare(name: str, mart: Rows, expected: Rows, totals: Callable[[Rows], dict[str, Any]],
            seconds: float | None, same: Callable[[Any, Any], bool] = numbers_close,
            limit: int = 10) -> Check:
    """Every row and every expected column; the first ``limit`` differences kept for printing."""
    problems = [f"row only in the mart: {key}" for key in mart.keys() - expected.keys()]
    problems += [f"row missing from the mart: {key}" for key in expected.keys() - mart.keys()]
    for key in mart.keys() & expected.keys():
        problems += [f"{key} {column}: mart {mart[key].get(column)!r}, expected {want!r}"
                     for column, want in expected[key].items()
                     if not same(mart[key].get(column), want)]
    ours, theirs = totals(mart), totals(expected)
    return Check(name, len(mart.keys() | expected.keys()), sorted(problems)[:limit],
                 len(problems), seconds, [(what, ours[what], theirs[what]) for what in theirs])


def _sum(rows: Iterable[dict[str, Any]], column: str) -> Any:
    return sum(row[column] or 0 for row in rows)


def cohort_totals(rows: Rows) -> dict[str, Any]:
    ever = [(key[0], row) for key, row in rows.items() if key[2] == "all" and key[4] == "ever"]
    return {f"{cohort} cohorts ever: {column}": _sum((r for c, r in ever if c == cohort), column)
            for cohort in ("lead", "mql")
            for column in ("cohort_size", "reached_sql", "reached_customer")}


def velocity_totals(rows: Rows) -> dict[str, Any]:
    months = [(key[0], row) for key, row in rows.items() if key[1] == "month" and key[3] == "all"]
    return {f"{stage}>{to_stage}: {column}": _sum((r for s, r in months if s == stage), column)
            for stage, to_stage in VELOCITY_PAIRS
            for column in ("people_entered", "people_with_chance", "people_converted")}


def pipeline_totals(as_of: Any) -> Callable[[Rows], dict[str, Any]]:
    def totals(rows: Rows) -> dict[str, Any]:
        today = [row for key, row in rows.items() if key[0] == as_of]
        out = {"rows": len(rows), "as-of day open_count": _sum(today, "open_count"),
               "as-of day open_amount": round(_sum(today, "open_amount"), 2)}
        out |= {f"{flow}_count (all days)": _sum(rows.values(), f"{flow}_count") for flow in FLOWS}
        out["won_amount (all days)"] = round(_sum(rows.values(), "won_amount"), 2)
        return out
    return totals


def stage_totals(rows: Rows) -> dict[str, Any]:
    return {"stages": len(rows), "open_count": _sum(rows.values(), "open_count"),
            "open_amount": round(_sum(rows.values(), "open_amount"), 2)}


def account_totals(rows: Rows) -> dict[str, Any]:
    out = {"accounts": len(rows),
           "matched by domain": sum(1 for row in rows.values() if row["is_matched_by_domain"]),
           "people_count": _sum(rows.values(), "people_count")}
    for stage in ("engaged", "opportunity", "customer"):
        out[f"{stage} accounts"] = sum(1 for row in rows.values() if row[f"{stage}_at"])
    return out


def attached_totals(rows: Rows) -> dict[str, Any]:
    return {f"attached by {via}": sum(1 for row in rows.values() if row["attached_by"] == via)
            for via in sorted({row["attached_by"] for row in rows.values()})}


def sla_totals(rows: Rows) -> dict[str, Any]:
    out = {"MQLs": len(rows)}
    for label, value in (("met", True), ("breached", False), ("pending", None)):
        out[label] = sum(1 for row in rows.values() if row["is_sla_met"] is value)
    if any("response_business_hours" in row for row in rows.values()):
        out["response_business_hours (sum)"] = _sum(rows.values(), "response_business_hours")
    return out


def timed(step: Callable[[], Any]) -> tuple[Any, float]:
    started = time.perf_counter()
    value = step()
    return value, time.perf_counter() - started


def check_funnel(warehouse: Path, truth: Truth) -> list[Check]:
    segments, seconds = timed(lambda: segments_by_truth_person(warehouse, truth))
    print(f"segments (dim_people.original_source per truth person) read in {seconds:.1f} s")
    checks = []
    for table, key, expect, totals in (
            ("fct_funnel_cohorts", COHORT_KEY, expected_cohorts, cohort_totals),
            ("fct_stage_velocity", VELOCITY_KEY, expected_velocity, velocity_totals)):
        started = time.perf_counter()
        expected, mart = expect(truth, segments), read_rows(warehouse, table, key)
        checks.append(compare(table, mart, expected, totals, time.perf_counter() - started))
    return checks


def _pipeline_row(values: tuple) -> dict[str, Any]:
    """A replayed or read day's values by column, counts as whole numbers (read as floats)."""
    return {column: int(value) if column.endswith("_count") and value == int(value) else value
            for column, value in zip(PIPELINE_COLUMNS, values, strict=True)}


def check_pipeline(warehouse: Path, world: World, truth: Truth) -> list[Check]:
    """History against OpportunityHistory replayed (the default stack's opportunities are
    Salesforce's), and the as-of day against the open opportunities now."""
    started = time.perf_counter()
    opportunities = _salesforce_opportunities(world)
    as_of = _day(truth.clock) - timedelta(days=1)
    expected = {key: _pipeline_row(values)
                for key, values in expected_daily(opportunities, as_of).items()}
    mart = {key: _pipeline_row(values) for key, values in _read_daily(warehouse).items()}
    history = compare("fct_pipeline_daily (history replayed)", mart, expected,
                      pipeline_totals(as_of), time.perf_counter() - started, operator.eq)
    started = time.perf_counter()
    open_now: Rows = {}
    for opportunity in opportunities:
        if opportunity.is_open_now:
            row = open_now.setdefault(opportunity.stage_now, {"open_count": 0, "open_amount": 0.0})
            row["open_count"] += 1
            row["open_amount"] += opportunity.amount_now
    today: Rows = {}
    for (day, _, stage), row in mart.items():
        if day == as_of and row["open_count"]:
            totals = today.setdefault(stage, {"open_count": 0, "open_amount": 0.0})
            totals["open_count"] += row["open_count"]
            totals["open_amount"] += row["open_amount"]
    rounded = {stage: {"open_count": row["open_count"], "open_amount": round(row["open_amount"], 2)}
               for stage, row in open_now.items()}
    today = {stage: {"open_count": row["open_count"], "open_amount": round(row["open_amount"], 2)}
             for stage, row in today.items()}
    now = compare("fct_pipeline_daily (as-of day = open opportunities now)", today, rounded,
                  stage_totals, time.perf_counter() - started, operator.eq)
    return [history, now]


def check_accounts(warehouse: Path, world: World, truth: Truth) -> list[Check]:
    started = time.perf_counter()
    expected, built = expected_accounts(world, truth), read_accounts(duckdb_query(warehouse))
    seconds = time.perf_counter() - started

    def keyed(accounts: dict[frozenset[str], dict[str, Any]]) -> Rows:
        return {tuple(sorted(key)): row for key, row in accounts.items()}

    def attached(people: dict[frozenset[str], tuple[frozenset[str], str]]) -> Rows:
        return {tuple(sorted(ids)): {"account": tuple(sorted(account)), "attached_by": via}
                for ids, (account, via) in people.items()}

    return [compare("dim_accounts / fct_account_matches", keyed(built.accounts),
                    keyed(expected.accounts), account_totals, seconds, operator.eq),
            compare("fct_account_people", attached(built.people), attached(expected.people),
                    attached_totals, None, operator.eq)]


def check_wall_clock_sla(warehouse: Path, truth: Truth) -> Check:
    started = time.perf_counter()
    mart = {person: {"is_sla_met": row["is_sla_met"], "sla_clock": row["sla_clock"]}
            for person, row in _by_truth_person(warehouse, truth).items()}
    expected = {p["person_id"]: {"is_sla_met": p["sla_met"], "sla_clock": "wall_clock"}
                for p in truth.people if p["mql_at"]}
    return compare("fct_lead_handoffs (wall clock: the truth file's SLA)", mart, expected,
                   sla_totals, time.perf_counter() - started, operator.eq)


def check_business_hours_sla(warehouse: Path, world: World, truth: Truth) -> Check:
    started = time.perf_counter()
    mart = {person: {column: row[column] for column in SLA_COLUMNS}
            for person, row in _by_truth_person(warehouse, truth).items()}
    expected = {person: dict(zip(SLA_COLUMNS, dataclasses.astuple(want), strict=True))
                for person, want in expected_handoffs(world, truth).items()}
    return compare("fct_lead_handoffs (business hours, owners' zones and holidays)", mart,
                   expected, sla_totals, time.perf_counter() - started, operator.eq)


def report(check: Check) -> None:
    seconds = "timed with the check above" if check.seconds is None else f"{check.seconds:.1f} s"
    print(f"\n{check.name}: {check.rows:,} rows compared, {check.count:,} differences, {seconds}")
    width = max(len(what) for what, _, _ in check.totals)
    for what, ours, theirs in check.totals:
        mark = "" if ours == theirs else "   <- differs"
        print(f"  {what:<{width}}  mart {ours:>16,}  expected {theirs:>16,}{mark}")
    for problem in check.problems:
        print(f"  {problem}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--seed", type=int, default=42)
    args = parser.parse_args()
    (world, truth), seconds = timed(lambda: generate(args.seed, args.people))
    print(f"generated {args.people:,} people ({len(truth.people):,} in the truth, seed "
          f"{args.seed}, clock {truth.clock}) in {seconds:.1f} s")
    with tempfile.TemporaryDirectory(prefix="samepage-at-scale-") as work:
        warehouse = Path(work) / "warehouse.duckdb"
        _, seconds = timed(lambda: load_world(warehouse, world))
        print(f"landed in {seconds:.1f} s")
        # cautious: the data tests of models outside the selection are left out
        _, seconds = timed(lambda: dbt_invoke(
            warehouse, Path(work), "build", "--select", *(f"+{mart}" for mart in MARTS),
            "--indirect-selection", "cautious", vars={"as_of": truth.clock}))
        print(f"dbt build of {', '.join(MARTS)} and everything upstream (models and data "
              f"tests, unit tests excluded) in {seconds:.1f} s")
        checks = check_funnel(warehouse, truth)
        checks += check_pipeline(warehouse, world, truth)
        checks += check_accounts(warehouse, world, truth)
        checks.append(check_wall_clock_sla(warehouse, truth))
        _, seconds = timed(lambda: dbt_invoke(
            warehouse, Path(work), "build", "--select", "fct_lead_handoffs",
            vars={"as_of": truth.clock, "sla_clock": "business_hours"}))
        print(f"dbt build of fct_lead_handoffs (and its data tests) with sla_clock "
              f"business_hours in {seconds:.1f} s")
        checks.append(check_business_hours_sla(warehouse, world, truth))
    for check in checks:
        report(check)
    failed = [check.name for check in checks if check.count]
    print("\ndifferences in: " + "; ".join(failed) if failed else "\nevery mart equals the truth")
    return 1 if failed else 0


if __name__ == "__main__":
    raise SystemExit(main())
