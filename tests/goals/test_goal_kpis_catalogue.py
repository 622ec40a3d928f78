"""The KPI catalogue (definition goal_kpis) is checked like every definition and published in
dim_definitions, and what reads it (the goal marts, the digest) follows it."""

from __future__ import annotations

import copy
from pathlib import Path

import duckdb
import pytest

from pipelines.agreed_definitions import DefinitionsError, checked_definitions, goal_kpis
from pipelines.digest.model import is_rate_kpi, kpi_rank


def _with_catalogue(entries: list[dict]) -> dict:
    definitions = copy.deepcopy(checked_definitions())
    definitions["goal_kpis"]["value"] = entries
    return definitions


def test_a_kpi_named_twice_is_refused() -> None:
    entries = checked_definitions()["goal_kpis"]["value"]
    with pytest.raises(DefinitionsError, match="goal_kpis names mqls more than once"):
        checked_definitions(definitions=_with_catalogue([*entries, entries[0]]))


@pytest.mark.parametrize(("change", "allowed"), [
    ({"kind": "ratio"}, "kind: count, amount or rate"),
    ({"stage": "won"}, "stage: mql, sal, sql, opportunity or customer"),
])
def test_a_kpi_outside_the_schema_is_refused(change: dict, allowed: str) -> None:
    entries = copy.deepcopy(checked_definitions()["goal_kpis"]["value"])
    entries[0].update(change)
    with pytest.raises(DefinitionsError) as caught:
        checked_definitions(definitions=_with_catalogue(entries))
    assert "definition goal_kpis = " in str(caught.value) and allowed in str(caught.value)


def test_the_digest_reads_the_catalogue_order_and_kinds() -> None:
    catalogue = goal_kpis()
    ranked = sorted((kpi.name for kpi in reversed(catalogue)), key=kpi_rank)
    assert ranked == [kpi.name for kpi in catalogue]
    assert [kpi.name for kpi in catalogue if is_rate_kpi(kpi.name)] == [
        kpi.name for kpi in catalogue if kpi.kind == "rate"]
    assert kpi_rank("not_a_kpi")[0] == len(catalogue)


def test_the_catalogue_is_published_and_the_goal_marts_follow_it(goal_warehouse: Path) -> None:
    catalogue = goal_kpis()
    with duckdb.connect(str(goal_warehouse), read_only=True) as con:
        [(value,)] = con.execute("select definition_value from marts.dim_definitions "
                                 "where definition_name = 'goal_kpis'").fetchall()
        events = {kpi for (kpi,) in con.execute(
            "select distinct kpi from marts.fct_kpi_events").fetchall()}
        described = dict(con.execute(
            "select kpi, kpi_description from marts.rpt_goal_scorecard").fetchall())
    assert value == "; ".join(
        f"{kpi.name} ({kpi.kind}, {kpi.unit}{', ' + kpi.stage if kpi.stage else ''})"
        for kpi in catalogue)
    assert events == {kpi.name for kpi in catalogue}
    assert described == {kpi.name: kpi.description for kpi in catalogue if kpi.name in described}
