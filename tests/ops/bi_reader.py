"""A BI tool stand-in, run as its own process: read the published copy in a loop until told to stop.

``python -m tests.ops.bi_reader PATH STOP_FILE [--hold]`` prints one JSON summary line. Each check
opens the copy read-only (or, with ``--hold``, keeps the first connection for the whole time, as a
pooled BI connection would), reads ``main._published`` and then every table of schema ``marts``:
the set of tables, each table's row count and each row's ``version`` must all belong to one publish.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

import duckdb


def check(con: duckdb.DuckDBPyConnection) -> str:
    """The run id of the consistent copy this connection sees; raises when it is not consistent."""
    published = con.execute("select run_id, table_name, row_count from main._published").fetchall()
    run_ids = {run_id for run_id, _, _ in published}
    assert len(run_ids) == 1, f"_published mixes runs {run_ids}"
    [run_id] = run_ids
    tables = {name for (name,) in con.execute(
        "select table_name from information_schema.tables where table_schema = 'marts'").fetchall()}
    assert tables == {name for _, name, _ in published}, f"tables {tables} vs {published}"
    for _, table, expected in published:
        rows, versions = con.execute(
            f'select count(*), list(distinct version) from marts."{table}"').fetchone()
        assert rows == expected, f"{run_id}: marts.{table} has {rows} rows, published {expected}"
        assert versions in ([run_id], []), f"{run_id}: marts.{table} holds versions {versions}"
    return run_id


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("path", type=Path)
    parser.add_argument("stop_file", type=Path)
    parser.add_argument("--hold", action="store_true")
    args = parser.parse_args(argv)
    checks, seen, errors = 0, [], []
    held = duckdb.connect(str(args.path), read_only=True) if args.hold else None
    while not args.stop_file.exists():
        try:
            if held is not None:
                run_id = check(held)
            else:
                with duckdb.connect(str(args.path), read_only=True) as con:
                    run_id = check(con)
            checks += 1
            if not seen or seen[-1] != run_id:
                seen.append(run_id)
        except Exception as exc:  # every failure is the finding, not a crash of the reader
            errors.append(f"{type(exc).__name__}: {exc}")
        time.sleep(0.002)
    print(json.dumps({"checks": checks, "versions_seen": seen, "errors": errors[:20]}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
