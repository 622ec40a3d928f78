"""Done when: the marts agree with the generator's truth file under the default definitions."""

from __future__ import annotations

from pathlib import Path

import duckdb

from pipelines.agreed_definitions import checked_definitions
from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.truth_check import compare_with_truth, marts_totals


def test_marts_agree_with_the_truth(built_warehouse: Path,
                                    world_and_truth: tuple[World, Truth]) -> None:
    _, truth = world_and_truth
    assert compare_with_truth(built_warehouse, truth) == []


def test_totals_agree_with_the_truth(built_warehouse: Path,
                                     world_and_truth: tuple[World, Truth]) -> None:
    _, truth = world_and_truth
    assert marts_totals(built_warehouse) == truth.totals


def test_definitions_are_published(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        rows = dict(con.execute("select definition_name, definition_value "
                                "from marts.dim_definitions").fetchall())
        owners = con.execute("select count(*) from marts.dim_definitions "
                             "where owner_team is null or description is null").fetchone()[0]
    agreed = checked_definitions()   # the file the marts must publish
    for name in ("mql_score_threshold", "sla_first_touch_hours", "reporting_timezone"):
        assert rows[name] == str(agreed[name]["value"]), name
    assert all(domain in rows["free_email_domains"]
               for domain in agreed["free_email_domains"]["value"])
    assert rows["rule_mql"] is None
    assert owners == 0
