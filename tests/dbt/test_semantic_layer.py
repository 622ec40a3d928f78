"""The semantic layer declares the same definitions: MetricFlow validates the configs against the
warehouse and answers every metric with the marts' (and the truth's) numbers."""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
from datetime import datetime, timedelta
from itertools import pairwise
from pathlib import Path

import yaml

from pipelines.agreed_definitions import checked_definitions, goal_kpis
from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.conftest import DBT, DBT_PROJECT

MF = Path(sys.executable).parent / "mf"
SEMANTIC_MODELS = DBT_PROJECT / "models" / "semantic" / "_semantic__models.yml"
METRICS = tuple(kpi.name for kpi in goal_kpis())
STAGES = ("lead", "mql", "sal", "sql", "opportunity", "customer")


def _run(project: Path, warehouse: Path, *command: str) -> str:
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(warehouse), "DBT_PROFILES_DIR": str(project)}
    result = subprocess.run(list(command), cwd=project, env=env, capture_output=True, text=True,
                            check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    return result.stdout


def test_the_goal_metrics_are_the_kpi_catalogue() -> None:
    """One metric per KPI of the definition goal_kpis, marked goal_kpi and no other: a rate is a
    ratio metric (a share is not summed over days), a count or an amount a simple one."""
    metrics = yaml.safe_load(SEMANTIC_MODELS.read_text())["metrics"]
    marked = {metric["name"]: metric["type"] for metric in metrics
              if (metric.get("config") or {}).get("meta", {}).get("goal_kpi")}
    assert marked == {kpi.name: "ratio" if kpi.is_rate else "simple" for kpi in goal_kpis()}


def test_metricflow_validates_and_queries(built_warehouse: Path, tmp_path: Path,
                                          world_and_truth: tuple[World, Truth]) -> None:
    _, truth = world_and_truth
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    # mf reads the semantic manifest from the project's target/: use a copy of the project so the
    # manifest names this warehouse and the working copy's target/ is left alone
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    _run(project, warehouse, str(DBT), "parse", "--profiles-dir", str(project))

    def _mf(*args: str) -> str:
        return _run(project, warehouse, str(MF), *args)

    out = _mf("validate-configs")
    assert "ERRORS: 0" in out and "Breaking issues" not in out

    answer = tmp_path / "metrics.csv"
    _mf("query", "--metrics", ",".join(METRICS), "--csv", str(answer))
    with answer.open() as f:
        row = {key: float(value) for key, value in next(csv.DictReader(f)).items()}
    t = truth.totals
    assert (row["mqls"], row["sals"], row["sqls"]) == (t["mqls"], t["sals"], t["sqls"])
    assert row["opportunities"] == t["opportunities"]
    assert row["pipeline_created"] == t["pipeline_amount"]
    assert row["revenue_won"] == t["won_revenue"]
    decided = sum(1 for p in truth.people if p["sla_met"] is not None)
    met = sum(1 for p in truth.people if p["sla_met"])
    assert abs(row["sla_attainment"] - met / decided) < 1e-9
    assert 0 < row["mql_to_sql_rate"] < 1

    monthly = _mf("query", "--metrics", "mqls", "--group-by", "metric_time__month")
    assert "metric_time__month" in monthly

    # velocity per step, over every month: the truth's people who had the chance to convert
    steps = tmp_path / "velocity.csv"
    _mf("query", "--metrics", "stage_conversion_rate,mean_days_to_next_stage", "--group-by",
        "velocity_step__from_stage", "--csv", str(steps))
    with steps.open() as f:
        velocity = {row["velocity_step__from_stage"]: row for row in csv.DictReader(f)}
    assert set(velocity) == set(STAGES[:-1])
    for before, after in pairwise(STAGES):
        rate, mean_days = _velocity(truth, before, after)
        assert abs(float(velocity[before]["stage_conversion_rate"]) - rate) < 1e-6, before
        assert abs(float(velocity[before]["mean_days_to_next_stage"]) - mean_days) < 1e-4, before


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value.replace("Z", "+00:00")) if value else None


def _velocity(truth: Truth, before: str, after: str) -> tuple[float, float]:
    """Conversion rate and mean days of one step over all the truth's people (rule_stage_velocity:
    the chance is velocity_censoring_days, counted from the earlier stage)."""
    clock = _at(truth.clock)
    censoring = timedelta(days=checked_definitions()["velocity_censoring_days"]["value"])
    starts = [(_at(p[f"{before}_at"]), _at(p[f"{after}_at"])) for p in truth.people]
    chance = [(start, end) for start, end in starts
              if start is not None and start <= clock - censoring]
    days = [(end - start).total_seconds() / 86400 for start, end in chance
            if end is not None and start <= end <= start + censoring]
    return len(days) / len(chance), sum(days) / len(days)
