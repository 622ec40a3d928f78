"""A missing goal target for the current month fails the build naming the KPI and the month."""

from __future__ import annotations

import json
from pathlib import Path

from tests.goals.conftest import copy_project, dbt_run_in

TEST = "goal_targets_present_for_current_month"


def test_a_missing_current_month_target_names_the_kpi_and_month(tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "goal_targets.csv"
    seed.write_text("".join(line for line in seed.read_text().splitlines(keepends=True)
                            if not line.startswith(("sals,2026-07-01,", "sla_attainment,2026-07"))))
    warehouse = tmp_path / "warehouse.duckdb"
    assert dbt_run_in(project, warehouse, tmp_path, "seed").returncode == 0

    # as of 2026-07-15 the goals report through 2026-07-14: July's targets are due
    result = dbt_run_in(project, warehouse, tmp_path, "test", "--select", TEST,
                        "--vars", json.dumps({"as_of": "2026-07-15T00:00:00Z"}))
    assert result.returncode != 0
    assert f"FAIL 2 {TEST}" in result.stdout, result.stdout[-3000:]
    for kpi in ("sals", "sla_attainment"):
        assert (f"{TEST}: no goal target for kpi={kpi}, period_month=2026-07-01 (add the row "
                "to dbt_project/seeds/goal_targets.csv)") in result.stdout, result.stdout[-3000:]
