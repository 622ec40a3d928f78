"""``samepage what-if NAME=VALUE [...]``: the marts rebuilt with changed definitions, side by side.

Both columns are built here, from the same raw data and as of the same moment, so every difference
is the changed definitions' doing. The builds never touch the warehouse or its BI copy:

- DuckDB: the warehouse file is copied (under a read-only connection, so no writer changes it
  mid-copy) into a temporary directory, and dbt builds the copy, which is then deleted.
- PostgreSQL: dbt builds into scratch schemas (``samepage_whatif_<id>_marts``, ...; the dbt var
  ``scratch_schema_prefix``) that read the real ``raw_*`` schemas and are dropped afterwards.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator, Mapping, Sequence
from contextlib import closing, contextmanager
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any, TextIO
from zoneinfo import ZoneInfo

import duckdb
import psycopg2
import yaml

from pipelines import settings
from pipelines.agreed_definitions import DefinitionsError, checked_definitions, goal_kpis
from pipelines.defs.resources import dbt_executable
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.warehouse.duckdb import connect_duckdb

# The figures compared: (KPI, label) from marts.rpt_goal_scorecard, for the month and the quarter.
COMPARED_KPIS = [("mqls", "MQLs"), ("sals", "SALs"), ("sqls", "SQLs"),
                 ("sla_attainment", "SLA attainment"), ("mql_to_sql_rate", "MQL->SQL rate")]
RATE_KPIS = frozenset(kpi.name for kpi in goal_kpis() if kpi.kind == "rate")
# What the what-if builds: the marts and everything they read, and the check of the Lead statuses
# against Salesforce (the other data tests belong to the nightly).
BUILD = ("build", "--select", "+path:models/marts", "+lead_statuses_known_to_salesforce",
         "--indirect-selection", "empty", "--exclude-resource-type", "unit_test")


class WhatIfError(Exception):
    """The what-if cannot run; the message says why and what to do."""


def main(assignments: Sequence[str], as_of: str | None = None) -> int:
    """The command: 0 when the comparison printed, 1 (with the reason on stderr) otherwise."""
    try:
        overrides = parse_assignments(assignments)
        # --as-of, else SAMEPAGE_AS_OF, else (in run_what_if) the warehouse's last build
        moment = _instant(as_of) if as_of is not None else settings.as_of()
        return run_what_if(overrides, settings.warehouse_location(),
                           as_of=moment.isoformat() if moment else None)
    except (WhatIfError, settings.SettingsError) as exc:
        print(f"samepage what-if: {exc}", file=sys.stderr)
        return 1


def _instant(text: str) -> datetime:
    try:
        instant = datetime.fromisoformat(text)
    except ValueError:
        instant = None
    if instant is None or instant.tzinfo is None:
        raise WhatIfError(f"--as-of must be an ISO 8601 instant with its offset, such as "
                          f"2026-06-30T00:00:00Z, not {text!r}")
    return instant


def parse_assignments(texts: Sequence[str]) -> dict[str, Any]:
    """``NAME=VALUE`` pairs; each value is read as YAML, as in dbt_project.yml (``48`` is a number,
    ``[gmail.com, yahoo.com]`` a list, ``Working - Contacted`` text)."""
    overrides = {}
    for text in texts:
        name, sep, value = text.partition("=")
        if not sep or not name.strip():
            raise WhatIfError(f"{text!r} is not NAME=VALUE (e.g. sla_first_touch_hours=48)")
        try:
            overrides[name.strip()] = yaml.safe_load(value)
        except yaml.YAMLError as exc:
            raise WhatIfError(f"the value of {name.strip()} is not valid YAML: {value!r} "
                              f"({exc.problem})") from None
    return overrides


@dataclass(frozen=True)
class Figures:
    """One build's numbers for the goal period in force at the as-of moment."""

    as_of_date: date
    month_start: date
    quarter_start: date
    # kpi -> (actual month to date, actual quarter to date, status, status of the quarter)
    kpis: dict[str, tuple[Decimal | None, Decimal | None, str, str]]
    drift_rows: int


def run_what_if(overrides: Mapping[str, Any], warehouse: str, *, as_of: str | None = None,
                out: TextIO | None = None) -> int:
    """Build the current and the changed definitions in scratch and print what changes.
    ``warehouse`` is a DuckDB file path or a PostgreSQL URL; ``as_of`` an ISO instant (default:
    the as-of moment of the warehouse's last build)."""
    out = out or sys.stdout
    try:
        current = checked_definitions()
        checked_definitions(overrides)
    except DefinitionsError as exc:
        raise WhatIfError(str(exc)) from None
    with _scratch(warehouse) as scratch:
        moment = as_of or _last_as_of(scratch, current["reporting_timezone"]["value"])
        print(f"==> building the marts as of {moment} in {scratch.description}", file=out)
        # the changed ones first: a value the build refuses (an unknown Lead status) fails sooner
        after = scratch.build({"as_of": moment, **overrides}, "changed definitions")
        before = scratch.build({"as_of": moment}, "current definitions")
    out.write(render(overrides, current, before, after, moment))
    return 0


def render(overrides: Mapping[str, Any], current: Mapping[str, Mapping[str, Any]],
           before: Figures, after: Figures, as_of: str) -> str:
    """The comparison as an aligned text table; a changed figure is marked with ``*``."""
    changes = ", ".join(f"{name} {_value(current[name]['value'])} -> {_value(value)}"
                        for name, value in overrides.items())
    quarter = f"{before.quarter_start.year}-Q{(before.quarter_start.month - 1) // 3 + 1}"
    rows: list[tuple[str, str, str, str]] = []
    for period, index, title in (("month", 0, f"month {before.month_start:%Y-%m}"),
                                 ("quarter", 1, f"quarter {quarter}")):
        rows.append((f"{title} (to {before.as_of_date})", "", "", ""))
        for kpi, label in COMPARED_KPIS:
            old, new = before.kpis[kpi][index], after.kpis[kpi][index]
            rows.append((f"  {label}", _figure(kpi, old), _figure(kpi, new),
                         _change(kpi, old, new)))
        rows.append((f"  goal status ({period})", "", "", ""))
        for kpi in sorted(before.kpis):
            old_status, new_status = before.kpis[kpi][2 + index], after.kpis[kpi][2 + index]
            rows.append((f"    {kpi}", old_status, new_status,
                         "*" if old_status != new_status else ""))
    rows.append(("definition drift rows (all people)", str(before.drift_rows),
                 str(after.drift_rows), _change("count", before.drift_rows, after.drift_rows)))
    width = max(len(row[0]) for row in rows) + 2
    header = f"{'':<{width}}{'current':>12}{'what-if':>12}  change"
    lines = [f"what-if: {changes}", f"as of {as_of}; both columns built from the same data", "",
             header, *(f"{label:<{width}}{old:>12}{new:>12}  {change}".rstrip()
                       for label, old, new, change in rows)]
    if all(not row[3] for row in rows):
        lines += ["", "nothing above changes with these definitions"]
    return "\n".join(lines) + "\n"


def _value(value: Any) -> str:
    return json.dumps(value) if not isinstance(value, str) else value


def _figure(kpi: str, value: Decimal | int | None) -> str:
    if value is None:
        return "n/a"
    if kpi in RATE_KPIS:
        return f"{float(value):.1%}"
    return f"{int(value):,}"


def _change(kpi: str, old: Decimal | int | None, new: Decimal | int | None) -> str:
    if old == new:
        return ""
    if old is None or new is None:
        return "*"
    if kpi in RATE_KPIS:
        return f"{(float(new) - float(old)) * 100:+.1f} pts"
    return f"{int(new) - int(old):+,}"


class _Scratch:
    """Where the what-if builds: dbt's environment and vars, and reading the built marts."""

    description: str
    target: str  # the dbt profile's output

    def __init__(self, work: Path) -> None:
        self.work = work

    def environment(self) -> dict[str, str]:
        raise NotImplementedError

    def dbt_vars(self) -> dict[str, Any]:
        return {}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        raise NotImplementedError

    def schema(self, name: str) -> str:
        return name

    def build(self, variables: Mapping[str, Any], label: str) -> Figures:
        command = [dbt_executable(), *BUILD, "--project-dir", str(DBT_PROJECT_DIR),
                   "--profiles-dir", str(DBT_PROJECT_DIR), "--target", self.target, "--target-path",
                   str(self.work / "target"), "--log-path", str(self.work / "logs"),
                   "--no-use-colors", "--vars", json.dumps({**variables, **self.dbt_vars()})]
        result = subprocess.run(command, env=self.environment(), capture_output=True, text=True,
                                check=False)
        if result.returncode != 0:
            raise WhatIfError(f"the build with the {label} failed:\n"
                              + _dbt_failures(result.stdout, self.work / "target"))
        return self.figures()

    def figures(self) -> Figures:
        marts = self.schema("marts")
        scorecard = self.query(
            "select kpi, actual_mtd, actual_qtd, status, status_qtd, as_of_date, period_start, "
            f"quarter_start from {marts}.rpt_goal_scorecard")
        if not scorecard:
            raise WhatIfError("the build produced an empty goal scorecard")
        [(drift_rows,)] = self.query(f"select count(*) from {marts}.rpt_definition_drift")
        first = scorecard[0]
        return Figures(as_of_date=first[5], month_start=first[6], quarter_start=first[7],
                       kpis={row[0]: (row[1], row[2], row[3], row[4]) for row in scorecard},
                       drift_rows=drift_rows)


class _DuckDBScratch(_Scratch):
    target = "duckdb"

    def __init__(self, work: Path, warehouse: Path) -> None:
        super().__init__(work)
        if not warehouse.exists():
            raise WhatIfError(f"there is no warehouse at {warehouse} yet: run the nightly job "
                              "(or ./run demo) first")
        # the same file name: dbt-duckdb names the catalog after it, and views refer to it
        self.path = work / warehouse.name
        try:
            with connect_duckdb(warehouse, read_only=True):
                # a read-only connection holds off writers while the file is copied
                shutil.copyfile(warehouse, self.path)
                wal = warehouse.with_name(warehouse.name + ".wal")
                if wal.exists():
                    shutil.copyfile(wal, self.path.with_name(self.path.name + ".wal"))
        except duckdb.IOException as exc:
            raise WhatIfError(f"cannot read {warehouse} now ({str(exc).splitlines()[0]}); a "
                              "nightly run is probably writing it: try again when it ends"
                              ) from None
        self.description = f"a scratch copy of {warehouse} ({self.path})"

    def environment(self) -> dict[str, str]:
        return {**os.environ, "SAMEPAGE_WAREHOUSE": str(self.path)}

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with connect_duckdb(self.path, read_only=True) as con:
            return con.execute(sql).fetchall()


class _PostgresScratch(_Scratch):
    target = "postgres"

    def __init__(self, work: Path, dsn: str) -> None:
        super().__init__(work)
        self.dsn = dsn
        self.prefix = f"samepage_whatif_{secrets.token_hex(4)}_"
        self.description = (f"scratch schemas {self.prefix}* of {dsn.split('@')[-1]} "
                            "(dropped afterwards)")

    def environment(self) -> dict[str, str]:
        return {**os.environ, "SAMEPAGE_WAREHOUSE": self.dsn}

    def dbt_vars(self) -> dict[str, Any]:
        return {"scratch_schema_prefix": self.prefix}

    def schema(self, name: str) -> str:
        return f"{self.prefix}{name}"

    def query(self, sql: str) -> list[tuple[Any, ...]]:
        with closing(psycopg2.connect(self.dsn)) as con, con.cursor() as cursor:
            cursor.execute(sql)
            return cursor.fetchall()

    def drop(self) -> None:
        with closing(psycopg2.connect(self.dsn)) as con, con, con.cursor() as cursor:
            cursor.execute("select schema_name from information_schema.schemata "
                           "where starts_with(schema_name, %s)", [self.prefix])
            for (schema,) in cursor.fetchall():
                cursor.execute(f'drop schema "{schema}" cascade')


@contextmanager
def _scratch(warehouse: str) -> Iterator[_Scratch]:
    with tempfile.TemporaryDirectory(prefix="samepage-whatif-") as work:
        if "://" in warehouse:
            scratch = _PostgresScratch(Path(work), warehouse)
            try:
                yield scratch
            finally:
                scratch.drop()
        else:
            yield _DuckDBScratch(Path(work), Path(warehouse))


def _last_as_of(scratch: _Scratch, timezone: str) -> str:
    """The as-of moment of the warehouse's last build: the start of the day after the goal
    reports' as-of date (the last complete day), in the reporting time zone, as UTC text."""
    try:
        [(as_of_date,)] = scratch.query("select max(as_of_date) from marts.rpt_goal_scorecard")
    except (duckdb.Error, psycopg2.Error):
        as_of_date = None
    if as_of_date is None:
        raise WhatIfError("the warehouse has no built marts yet: run the nightly job (or "
                          "./run demo) first, or give --as-of")
    start = datetime.combine(as_of_date + timedelta(days=1), time(), ZoneInfo(timezone))
    return start.astimezone(ZoneInfo("UTC")).strftime("%Y-%m-%dT%H:%M:%SZ")


def _dbt_failures(stdout: str, target: Path) -> str:
    """What failed in a dbt run: each failed node's message and the rows it logged."""
    try:
        results = json.loads((target / "run_results.json").read_text())["results"]
    except (OSError, ValueError, KeyError):
        results = []
    failed = [result for result in results if result["status"] in ("error", "fail")]
    if not failed:   # failed before running any node (e.g. while parsing)
        return "\n".join(line for line in stdout.splitlines()[-30:] if line.strip())
    lines = []
    for result in failed:
        name = result["unique_id"].split(".")[-1]
        lines.append(f"  {name}: {result.get('message') or result['status']}")
        lines += [f"    {line.split(f'{name}: ', 1)[1]}" for line in stdout.splitlines()
                  if f"  {name}: " in line]
    return "\n".join(lines)
