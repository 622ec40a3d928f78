"""The demo's closing summary reads as people count: counts whole, money whole, rates in %."""

from __future__ import annotations

import re
from pathlib import Path

import duckdb
import pytest

from samepage.cli import _print_summary


def test_goals_print_counts_and_money_whole_and_rates_as_percent(
        built_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAMEPAGE_DIGEST_DIR", str(tmp_path / "digest"))
    monkeypatch.delenv("SAMEPAGE_BI_WAREHOUSE", raising=False)
    _print_summary(built_marts, tmp_path / "world.json", tmp_path / "dagster_home")
    out = capsys.readouterr().out
    goals = dict(re.findall(r"^    (\w+)\s+(.+? of .+?)\s{2}\w+$", out, re.MULTILINE))
    with duckdb.connect(str(built_marts), read_only=True) as con:
        scorecard = con.execute("select kpi, actual_mtd, month_target "
                                "from marts.rpt_goal_scorecard").fetchall()
    assert set(goals) == {kpi for kpi, _, _ in scorecard}
    for kpi, actual, target in scorecard:
        shown = re.sub(r"\s+", " ", goals[kpi])
        if kpi in ("sla_attainment", "mql_to_sql_rate"):
            assert shown == f"{float(actual):.1%} of {float(target):.1%}", kpi
        else:
            assert shown == f"{round(actual):,} of {round(target):,}", kpi
    assert f'SAMEPAGE_WAREHOUSE={built_marts} .venv/bin/samepage query "from marts.dim_people' \
        in out
