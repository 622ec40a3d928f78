"""``samepage demo`` runs the nightly job against a fresh sandbox; ``samepage sandbox`` serves."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path

import duckdb

from pipelines.defs.resources import warehouse_location
from pipelines.digest import digest_directory
from pipelines.paths import DEFAULT_WAREHOUSE, REPO_ROOT
from pipelines.publishing import default_published_path
from pipelines.warehouse import PostgresWarehouse, open_warehouse
from pipelines.warehouse.grants import grant_bi_read
from samepage import doctor
from sandbox import cli as sandbox_cli
from sandbox.app import Sandbox
from sandbox.generator import generate

DEFAULT_DAGSTER_HOME = REPO_ROOT / "data" / "dagster_home"
SUMMARY_SCHEMAS = ("raw_hubspot", "raw_salesforce", "raw_meta", "marts")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv and argv[0] == "sandbox":
        return sandbox_cli.main(argv[1:])
    parser = argparse.ArgumentParser(prog="samepage")
    commands = parser.add_subparsers(dest="command", required=True)
    demo = commands.add_parser("demo", help="run the nightly job against a generated sandbox")
    demo.add_argument("--seed", type=int, default=42)
    demo.add_argument("--scale", type=int, default=2000, help="people in the generated company")
    commands.add_parser("sandbox", help="serve, generate or advance a sandbox world "
                                        "(see `samepage sandbox --help`)")
    grant = commands.add_parser("grant-bi", help="let a PostgreSQL role read the marts only")
    grant.add_argument("role")
    commands.add_parser("doctor", help="check the configured HubSpot and Salesforce accounts "
                                       "before a first sync (reads only; exit 1 on problems)")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        return doctor.run()
    if args.command == "grant-bi":
        return grant_bi(args.role)
    return run_demo(args.seed, args.scale)


def grant_bi(role: str) -> int:
    warehouse = open_warehouse(warehouse_location(os.environ.get("SAMEPAGE_WAREHOUSE", "")))
    if not isinstance(warehouse, PostgresWarehouse):
        print("grant-bi needs SAMEPAGE_WAREHOUSE=postgresql://...: a DuckDB file has no roles; "
              "share the published read-only copy instead", file=sys.stderr)
        return 2
    grant_bi_read(warehouse, role)
    print(f"role {role} can read schema marts in {warehouse}, and nothing else")
    return 0


def run_demo(seed: int, scale: int) -> int:
    warehouse = Path(warehouse_location(os.environ.get("SAMEPAGE_WAREHOUSE",
                                                       str(DEFAULT_WAREHOUSE))))
    world_file = warehouse.parent / "world.json"
    print(f"==> generating a company of {scale} people (seed {seed})")
    world, truth = generate(seed, scale)
    world.save(world_file)
    truth.save(sandbox_cli.truth_path_for(world_file))
    dagster_home = Path(os.environ.get("DAGSTER_HOME", str(DEFAULT_DAGSTER_HOME)))
    dagster_home.mkdir(parents=True, exist_ok=True)
    log_file = warehouse.parent / "nightly.log"
    with Sandbox(world) as sandbox, log_file.open("w") as log:
        print(f"==> sandbox serving HubSpot and Salesforce at {sandbox.url}")
        env = {**os.environ, **sandbox.environment(), "SAMEPAGE_WAREHOUSE": str(warehouse),
               "DAGSTER_HOME": str(dagster_home)}
        # the nightly build, then the Monday digest over what it built
        for job_name in ("nightly", "weekly_digest"):
            print(f"==> running the {job_name} job (log: {_rel(log_file)})")
            job = subprocess.run(
                # `job execute` takes the module workspace.yaml names (Dagster 1.13 has no -w).
                [str(Path(sys.executable).parent / "dagster"), "job", "execute",
                 "-m", "pipelines.definitions", "-j", job_name],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
            if job.returncode != 0:
                log.flush()
                print(f"!! the {job_name} job failed; the end of {_rel(log_file)}:",
                      file=sys.stderr)
                print("".join(log_file.read_text().splitlines(keepends=True)[-40:]),
                      file=sys.stderr)
                return 1
    _print_summary(warehouse, world_file, dagster_home)
    return 0


def _print_summary(warehouse: Path, world_file: Path, dagster_home: Path) -> None:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute(
            "select table_schema, table_name from information_schema.tables "
            "where table_schema in ? order by table_schema, table_name",
            [list(SUMMARY_SCHEMAS)]).fetchall()
        counts = [(f"{schema}.{table}",
                   con.execute(f'select count(*) from "{schema}"."{table}"').fetchone()[0])
                  for schema, table in tables]
        scorecard = con.execute("select kpi, actual_mtd, month_target, status "
                                "from marts.rpt_goal_scorecard order by kpi").fetchall()
    print("\nsamepage nightly finished.")
    print(f"  warehouse (DuckDB): {warehouse}")
    for name, rows in counts:
        print(f"    {name:<40} {rows:>9,} rows")
    print("  goals this month (marts.rpt_goal_scorecard):")
    for kpi, actual, target, status in scorecard:
        print(f"    {kpi:<20} {actual:>14,.2f} of {target:>14,.2f}  {status}")
    print(f"  BI copy (read-only): {default_published_path(str(warehouse))}")
    for html in sorted(digest_directory().glob("*.html"))[-1:]:
        print(f"  weekly digest:      {html}")
    print(f"  sandbox world:      {world_file} (truth: {sandbox_cli.truth_path_for(world_file)})")
    print("  query it:           .venv/bin/python -c \"import duckdb; print(duckdb.connect("
          f"'{warehouse}', read_only=True).sql('from marts.dim_people limit 5'))\"")
    print("  Dagster UI (runs, assets, lineage):")
    print(f"    DAGSTER_HOME={dagster_home} .venv/bin/dagster dev -w workspace.yaml")
    print("    then open http://127.0.0.1:3000 (to re-run from the UI, start a sandbox with")
    print(f"    `.venv/bin/samepage sandbox --world {_rel(world_file)}` and export what it prints)")


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
