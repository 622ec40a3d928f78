"""Two dbt builds of the same world compared node by node: the time of the nodes both ran, and
what the nodes only one of them ran added. For a same-moment A/B of two trees (each built by
`benchmarks/dbt_build.py --workdir DIR` in its own worktree), where new models must not hide a
regression of the old ones.

    .venv/bin/python benchmarks/compare_builds.py A/target/run_results.json \
        B/target/run_results.json
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path


def node_seconds(run_results: Path) -> dict[str, float]:
    """Execution seconds per node (models, tests, seeds, snapshots) of one dbt invocation."""
    results = json.loads(run_results.read_text())["results"]
    return {node["unique_id"]: node["execution_time"] for node in results}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path, help="run_results.json of the build before")
    parser.add_argument("after", type=Path, help="run_results.json of the build after")
    parser.add_argument("--top", type=int, default=10, help="largest per-node changes to show")
    args = parser.parse_args()

    before, after = node_seconds(args.before), node_seconds(args.after)
    common = before.keys() & after.keys()
    common_before = sum(before[node] for node in common)
    common_after = sum(after[node] for node in common)
    print(f"nodes in both: {len(common)}; their time {common_before:.1f} s -> "
          f"{common_after:.1f} s ({common_after / common_before - 1:+.0%})")
    only_before, only_after = before.keys() - common, after.keys() - common
    print(f"only before: {len(only_before)} nodes, {sum(before[n] for n in only_before):.1f} s; "
          f"only after: {len(only_after)} nodes, {sum(after[n] for n in only_after):.1f} s")
    print(f"all nodes: {sum(before.values()):.1f} s -> {sum(after.values()):.1f} s")
    changes = sorted(common, key=lambda node: abs(after[node] - before[node]), reverse=True)
    for node in changes[:args.top]:
        print(f"  {before[node]:6.2f} s -> {after[node]:6.2f} s  {node}")
    for node in sorted(only_after, key=after.get, reverse=True)[:args.top]:
        print(f"  {'new':>8} -> {after[node]:6.2f} s  {node}")


if __name__ == "__main__":
    main()
