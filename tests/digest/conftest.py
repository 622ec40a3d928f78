"""A sandbox company's marts in a DuckDB file of the tests' own, for the digest to read."""

from __future__ import annotations

import csv
import shutil
from datetime import date, datetime, timedelta
from pathlib import Path

import duckdb
import pytest

from pipelines.paths import REPO_ROOT
from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world

QUARANTINED = [("raw_hubspot.contacts", "record has no primary key"),
               ("raw_hubspot.contacts", "record has no primary key"),
               ("raw_salesforce.lead", "record is a list, not an object")]


def as_of_date(truth: Truth) -> date:
    """The last whole day before the world's clock (2026-07-01T00:00Z -> 2026-06-30)."""
    clock = datetime.fromisoformat(truth.clock.replace("Z", "+00:00"))
    return (clock - timedelta(microseconds=1)).date()


@pytest.fixture(scope="session")
def digest_marts(tmp_path_factory: pytest.TempPathFactory,
                 generated: tuple[World, Truth]) -> Path:
    """The generated world landed by the real loader, the marts (goals included) built by dbt, and
    a few quarantined records."""
    world, truth = generated
    work = tmp_path_factory.mktemp("digest-marts")
    warehouse = work / "warehouse.duckdb"
    load_world(warehouse, world)
    # `run`, not `build`: the dbt tests have their own suite; the digest only needs the tables.
    dbt_invoke(warehouse, work, "seed")
    dbt_invoke(warehouse, work, "run", "--select", "+path:models/marts",
               vars={"as_of": truth.clock})
    with duckdb.connect(str(warehouse)) as con:
        con.executemany("insert into raw_meta.quarantine values (?, ?, null, now(), 'test-load')",
                        [list(row) for row in QUARANTINED])
    return warehouse


@pytest.fixture
def warehouse_copy(digest_marts: Path, tmp_path: Path) -> Path:
    """A copy a test may open for writing (a DuckDB file has one writer at a time)."""
    copy = tmp_path / "warehouse.duckdb"
    shutil.copy(digest_marts, copy)
    return copy


def month_targets(month: date) -> dict[str, float]:
    """The company-wide targets of ``month`` from the seed the business owns."""
    with (REPO_ROOT / "dbt_project" / "seeds" / "goal_targets.csv").open() as f:
        return {row["kpi"]: float(row["target"]) for row in csv.DictReader(f)
                if row["segment_type"] == "all" and row["period_month"] == month.isoformat()}
