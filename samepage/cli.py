"""``samepage demo`` runs the nightly job against a fresh sandbox; ``samepage sandbox`` serves."""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from pipelines import settings
from pipelines.digest.formatting import kpi_value
from pipelines.paths import DEFAULT_WAREHOUSE, REPO_ROOT
from pipelines.warehouse import PostgresWarehouse, open_warehouse
from pipelines.warehouse.duckdb import connect_duckdb
from pipelines.warehouse.grants import grant_bi_read
from samepage import doctor, query, whatif, writeback
from sandbox import cli as sandbox_cli
from sandbox.app import Sandbox
from sandbox.generator import generate
from sandbox.generator.params import DEFAULT_TOPOLOGY, TOPOLOGIES

DEFAULT_DAGSTER_HOME = REPO_ROOT / "data" / "dagster_home"
# The local instance: run queue and the DuckDB pool (one writer at a time), no telemetry banner.
LOCAL_INSTANCE_CONFIG = REPO_ROOT / "deploy" / "local" / "dagster.yaml"
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
    demo.add_argument("--topology", choices=TOPOLOGIES, default=DEFAULT_TOPOLOGY,
                      help="the tools the company runs: HubSpot with Salesforce, or HubSpot alone "
                           "as its sales CRM (the nightly then runs with SAMEPAGE_SOURCES=hubspot)")
    commands.add_parser("sandbox", help="serve, generate or advance a sandbox world "
                                        "(see `samepage sandbox --help`)")
    grant = commands.add_parser("grant-bi", help="let a PostgreSQL role read the marts only")
    grant.add_argument("role")
    commands.add_parser("doctor", help="check the configured HubSpot and Salesforce accounts "
                                       "before a first sync (reads only; exit 1 on problems)")
    what_if = commands.add_parser(
        "what-if", help="rebuild the marts with changed definitions in a scratch copy and show "
                        "what changes (the warehouse is not touched)")
    what_if.add_argument("assignments", nargs="+", metavar="NAME=VALUE",
                         help="a definition of dbt_project.yml and its new value (read as YAML)")
    what_if.add_argument("--as-of", help="ISO instant to evaluate at (default: the as-of moment "
                                         "of the warehouse's last build)")
    query_command = commands.add_parser("query", help="print the result of a SQL query on the "
                                                      "marts BI tools read (read-only)")
    query_command.add_argument("sql")
    query_command.add_argument("--max-rows", type=int, default=query.DEFAULT_MAX_ROWS)
    writeback_command = commands.add_parser(
        "writeback", help="revert a write-back run: put back the values it replaced")
    writeback_command.add_argument("action", choices=["revert"])
    writeback_command.add_argument("run_id", help="the Dagster run id (raw_meta.writeback_log)")
    args = parser.parse_args(argv)
    if args.command == "doctor":
        return doctor.run()
    if args.command == "what-if":
        return whatif.main(args.assignments, args.as_of)
    if args.command == "query":
        return query.main(args.sql, args.max_rows)
    if args.command == "writeback":
        return writeback.revert(args.run_id)
    try:
        if args.command == "grant-bi":
            return grant_bi(args.role)
        return run_demo(args.seed, args.scale, args.topology)
    except settings.SettingsError as exc:
        print(f"samepage: {exc}", file=sys.stderr)
        return 2


def grant_bi(role: str) -> int:
    warehouse = open_warehouse(settings.warehouse_location())
    if not isinstance(warehouse, PostgresWarehouse):
        print("grant-bi needs SAMEPAGE_WAREHOUSE=postgresql://...: a DuckDB file has no roles; "
              "share the published read-only copy instead", file=sys.stderr)
        return 2
    grant_bi_read(warehouse, role)
    print(f"role {role} can read schema marts in {warehouse}, and nothing else")
    return 0


def run_demo(seed: int, scale: int, topology: str = DEFAULT_TOPOLOGY) -> int:
    settings.check_all()
    # the enabled sources the company has: all of its tools unless SAMEPAGE_SOURCES narrows them
    tools = topology.split("+")
    sources = [source for source in settings.sources() if source in tools]
    if not sources:
        print(f"samepage: SAMEPAGE_SOURCES ({','.join(settings.sources())}) enables none of the "
              f"tools of a {topology} company; unset it or name one of them", file=sys.stderr)
        return 2
    location = settings.warehouse_location()
    if settings.is_postgres(location):
        print("samepage: the demo writes a DuckDB file; unset SAMEPAGE_WAREHOUSE or point it at "
              "a new .duckdb file", file=sys.stderr)
        return 2
    warehouse = Path(location)
    dagster_home = Path(os.environ.get("DAGSTER_HOME") or DEFAULT_DAGSTER_HOME)
    # (the two-tool company's stamp stays as it was before topologies)
    world_key: dict[str, int | str] = {"seed": seed, "scale": scale} | (
        {"topology": topology} if topology != DEFAULT_TOPOLOGY else {})
    if not _start_demo_world(warehouse, dagster_home, world_key):
        return 2
    world_file = warehouse.parent / "world.json"
    print(f"==> generating a company of {scale} people (seed {seed}, {topology})")
    world, truth = generate(seed, scale, topology=topology)
    world.save(world_file)
    truth.save(sandbox_cli.truth_path_for(world_file))
    log_file = warehouse.parent / "nightly.log"
    with Sandbox(world) as sandbox, log_file.open("w") as log:
        print(f"==> sandbox serving the {topology} company's APIs at {sandbox.url}")
        env = {**os.environ, **sandbox.environment(), "SAMEPAGE_WAREHOUSE": str(warehouse),
               "SAMEPAGE_SOURCES": ",".join(sources),
               "DAGSTER_HOME": str(dagster_home),
               # the environment dg runs the code location in: this one, activated or not
               "VIRTUAL_ENV": sys.prefix}
        # the nightly build, then the Monday digest over what it built
        for job_name in ("nightly", "weekly_digest"):
            print(f"==> running the {job_name} job (log: {_rel(log_file)})")
            job = subprocess.run(
                # dg reads the code location from pyproject.toml ([tool.dg]); `dagster job
                # execute` does the same work but is superseded, with a warning in the log.
                [str(Path(sys.executable).parent / "dg"), "launch", "--job", job_name],
                cwd=REPO_ROOT, env=env, stdout=log, stderr=subprocess.STDOUT, check=False)
            if job.returncode != 0:
                log.flush()
                print(f"!! the {job_name} job failed; the end of {_rel(log_file)}:",
                      file=sys.stderr)
                print("".join(log_file.read_text().splitlines(keepends=True)[-40:]),
                      file=sys.stderr)
                return 1
    _print_summary(warehouse, world_file, dagster_home, sources)
    return 0


def _start_demo_world(warehouse: Path, dagster_home: Path, world: dict[str, int | str]) -> bool:
    """Make the warehouse hold this world only: a rerun of the same world continues where the last
    one stopped; another world starts from an empty warehouse and a new Dagster history, since
    landing a second company on the first would mix them. A warehouse elsewhere than the default
    that the demo did not write is refused, never emptied."""
    stamp = warehouse.with_name(f"{warehouse.stem}.demo.json")
    held = json.loads(stamp.read_text()) if stamp.exists() else None
    if held is None and warehouse.exists() and warehouse == DEFAULT_WAREHOUSE:
        # written by a demo before stamps: another world, in the default Dagster home
        held = {"world": {"seed": "?", "scale": "?"}, "dagster_home": str(DEFAULT_DAGSTER_HOME)}
    if warehouse.exists() and held is None:
        print(f"samepage: {warehouse} holds data the demo did not write; the demo will not land "
              "a sandbox company in it. Unset SAMEPAGE_WAREHOUSE (the demo uses "
              "data/samepage.duckdb) or point it at a new .duckdb file.", file=sys.stderr)
        return False
    if held is not None and held["world"] != world:
        print(f"==> another world ({_world_text(world)}) than the warehouse holds "
              f"({_world_text(held['world'])}): starting from an empty warehouse and a new "
              "Dagster history")
        bi_copy = settings.bi_warehouse_path(str(warehouse))
        for path in (warehouse, warehouse.with_name(f"{warehouse.name}.wal"), bi_copy,
                     bi_copy.with_name(f"{bi_copy.name}.wal")):
            path.unlink(missing_ok=True)
        if held.get("dagster_home") == str(dagster_home):
            shutil.rmtree(dagster_home, ignore_errors=True)
        for old in settings.digest_directory().glob("samepage-digest-*"):
            old.unlink()
    warehouse.parent.mkdir(parents=True, exist_ok=True)
    stamp.write_text(json.dumps({"world": world, "dagster_home": str(dagster_home)}) + "\n")
    dagster_home.mkdir(parents=True, exist_ok=True)
    instance_config = dagster_home / "dagster.yaml"
    if not instance_config.exists():
        shutil.copyfile(LOCAL_INSTANCE_CONFIG, instance_config)
    return True


def _world_text(world: dict[str, int | str]) -> str:
    return ", ".join(f"{key} {value}" for key, value in world.items())


def _print_summary(warehouse: Path, world_file: Path, dagster_home: Path,
                   sources: Sequence[str] = settings.KNOWN_SOURCES) -> None:
    with connect_duckdb(warehouse, read_only=True) as con:
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
        print(f"    {kpi:<20} {kpi_value(kpi, actual):>14} of {kpi_value(kpi, target):>14}  "
              f"{status}")
    print(f"  BI copy (read-only): {settings.bi_warehouse_path(str(warehouse))}")
    for html in sorted(settings.digest_directory().glob("*.html"))[-1:]:
        print(f"  weekly digest:      {html}")
    print(f"  sandbox world:      {world_file} (truth: {sandbox_cli.truth_path_for(world_file)})")
    # the commands below need the variables the demo ran with, where not the defaults
    variables = "" if warehouse == DEFAULT_WAREHOUSE else f"SAMEPAGE_WAREHOUSE={warehouse} "
    if tuple(sources) != settings.KNOWN_SOURCES:
        variables += f"SAMEPAGE_SOURCES={','.join(sources)} "
    command = f"{variables}.venv/bin/samepage"
    print(f"  query it:           {command} query \"from marts.dim_people limit 5\"")
    print(f"  try a definition:   {command} what-if mql_score_threshold=60 (a scratch copy; "
          "README: samepage what-if)")
    print("  Dagster UI (runs, assets, lineage):")
    print(f"    DAGSTER_HOME={dagster_home} {variables}.venv/bin/dg dev    (stop it with Ctrl-C)")
    print("    then open http://127.0.0.1:3000 (to re-run from the UI, start a sandbox with")
    print(f"    `.venv/bin/samepage sandbox --world {_rel(world_file)}` and export what it prints)")


def _rel(path: Path) -> str:
    try:
        return str(path.relative_to(REPO_ROOT))
    except ValueError:
        return str(path)
