#!/usr/bin/env bash
# Same-warehouse A/B of two trees: each tree's nightly build (full refresh) over its own landed
# warehouse, in turn, one at a time, for ROUNDS rounds; prints the seconds of each build and
# keeps each build's run_results.json for benchmarks/compare_builds.py. The warehouses are those
# `benchmarks/dbt_build.py --workdir DIR` leaves (DIR/bench.duckdb), so both hold the same world.
#
#   benchmarks/rebuild_in_turn.sh BEFORE_TREE BEFORE_DIR AFTER_TREE AFTER_DIR AS_OF [ROUNDS]
#   e.g. benchmarks/rebuild_in_turn.sh /tmp/before /tmp/before_work . /tmp/after_work \
#            2026-07-02T00:00:00.000Z 2
set -euo pipefail
[ $# -ge 5 ] || { sed -n '2,9p' "$0"; exit 2; }
dbt="$(cd "$(dirname "$0")/.." && pwd)/.venv/bin/dbt"
trees=("$1" "$3") dirs=("$2" "$4") as_of=$5 rounds=${6:-2}
for round in $(seq "$rounds"); do
    for side in 0 1; do
        name=$([ "$side" = 0 ] && echo before || echo after)
        started=$(date +%s.%N)
        (cd "${trees[$side]}" && SAMEPAGE_WAREHOUSE="${dirs[$side]}/bench.duckdb" SAMEPAGE_AS_OF="$as_of" \
            "$dbt" build --exclude-resource-type unit_test --full-refresh \
            --project-dir dbt_project --profiles-dir dbt_project --quiet \
            --target-path "${dirs[$side]}/target_r$round" --log-path "${dirs[$side]}/logs")
        printf 'round %s %-6s %6.1f s  (%s/target_r%s/run_results.json)\n' "$round" "$name" \
            "$(echo "$(date +%s.%N) - $started" | bc)" "${dirs[$side]}" "$round"
    done
done
