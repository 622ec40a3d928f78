"""The targets file is validated: a bad row fails `dbt build` with a message naming the row."""

from __future__ import annotations

import shutil
from datetime import date
from pathlib import Path

from tests.goals.conftest import copy_project, dbt_run_in
from tests.goals.expected_goals import KPIS, company_targets

BAD_ROWS = [
    "mqlz,2026-06-01,10,all,all",                       # unknown KPI
    "sals,2026-06-01,-3,region,EMEA",                   # negative target
    "sla_attainment,2026-07-01,88,all,all",             # a rate given in percent
    "mqls,2026-06-01,11,all,all",                       # duplicate of a shipped row
]


def test_bad_target_rows_fail_naming_the_row(goal_warehouse: Path, tmp_path: Path) -> None:
    project = copy_project(tmp_path / "project")
    seed = project / "seeds" / "goal_targets.csv"
    text = seed.read_text()
    # the shipped sla_attainment row for 2026-07 is replaced, not duplicated
    text = text.replace("sla_attainment,2026-07-01,0.88,all,all\n", "")
    seed.write_text(text + "\n".join(BAD_ROWS) + "\n")
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(goal_warehouse, warehouse)

    result = dbt_run_in(project, warehouse, tmp_path, "build", "--select", "goal_targets")
    assert result.returncode != 0
    out = result.stdout
    for test, row in (
            ("goal_targets_known_kpi", "kpi=mqlz, period_month=2026-06-01, segment_type=all, "
                                       "segment=all: unknown KPI"),
            ("goal_targets_non_negative", "kpi=sals, period_month=2026-06-01, "
                                          "segment_type=region, segment=EMEA"),
            ("goal_targets_rate_between_0_and_1", "kpi=sla_attainment, period_month=2026-07-01"),
            ("goal_targets_unique_row", "kpi=mqls, period_month=2026-06-01, segment_type=all, "
                                        "segment=all: 2 rows")):
        assert f"FAIL 1 {test}" in out, (test, out[-3000:])
        assert row in out, (row, out[-3000:])


def test_shipped_targets_cover_history_and_next_year() -> None:
    targets = company_targets()
    months = {m for _, m in targets}
    assert min(months) == date(2025, 1, 1) and max(months) >= date(2027, 6, 1)
    assert all((kpi, m) in targets for kpi in KPIS for m in months)
