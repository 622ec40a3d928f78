"""Helpers for the digest tests; the marts they read are the root conftest's `built_marts`."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from pipelines.paths import REPO_ROOT
from sandbox.generator import Truth


def as_of_date(truth: Truth) -> date:
    """The last whole day before the world's clock (2026-07-01T00:00Z -> 2026-06-30)."""
    clock = datetime.fromisoformat(truth.clock.replace("Z", "+00:00"))
    return (clock - timedelta(microseconds=1)).date()


@pytest.fixture
def warehouse_copy(built_marts: Path, tmp_path: Path) -> Path:
    """A copy a test may open for writing (a DuckDB file has one writer at a time)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(built_marts, copy)
    return copy


def month_targets(month: date) -> dict[str, float]:
    """The company-wide targets of ``month`` from the seed the business owns."""
    with (REPO_ROOT / "dbt_project" / "seeds" / "goal_targets.csv").open() as f:
        return {row["kpi"]: float(row["target"]) for row in csv.DictReader(f)
                if row["segment_type"] == "all" and row["period_month"] == month.isoformat()}
