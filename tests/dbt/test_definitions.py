"""Done when: changing mql_score_threshold changes the MQL counts as expected, with nothing else
edited. The expectation is computed here, independently, from the world's score histories."""

from __future__ import annotations

import shutil
from datetime import datetime
from pathlib import Path

import duckdb
import pytest

from sandbox.generator import Truth, params
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_mqls(world: World, truth: Truth, threshold: int) -> int:
    """People whose contacts' score history first reaches ``threshold`` while they are neither
    free-mail nor already customers (the truth says who is who)."""
    history = {c["id"]: c["propertiesWithHistory"]["hubspotscore"]
               for c in world.hubspot["contacts"] if not c["archived"]}
    count = 0
    for person in truth.people:
        email = person["email"] or ""
        if email.rpartition("@")[2] in params.FREE_EMAIL_DOMAINS:
            continue
        crossings = [_time(entry["timestamp"])
                     for cid in person["hubspot_contact_ids"] if cid in history
                     for entry in history[cid] if int(entry["value"]) >= threshold]
        if not crossings:
            continue
        first = min(crossings)
        customer = person["customer_at"]
        if customer is None or _time(customer) > first:
            count += 1
    return count


@pytest.mark.parametrize("threshold", [35, 65])
def test_mql_threshold_changes_the_outputs(built_warehouse: Path, tmp_path: Path,
                                           world_and_truth: tuple[World, Truth],
                                           threshold: int) -> None:
    world, truth = world_and_truth
    assert expected_mqls(world, truth, 50) == truth.totals["mqls"]   # the oracle is right

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    dbt_invoke(warehouse, tmp_path, "run",
               "--select", "int_people__stage_events+", "dim_definitions",
               vars={"as_of": truth.clock, "mql_score_threshold": threshold})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mqls = con.execute("select count(mql_at) from marts.dim_people").fetchone()[0]
        handoffs = con.execute("select count(*) from marts.fct_lead_handoffs").fetchone()[0]
        published = con.execute("select definition_value, is_overridden from "
                                "marts.dim_definitions where definition_name = "
                                "'mql_score_threshold'").fetchone()
    assert mqls == handoffs == expected_mqls(world, truth, threshold)
    assert (mqls > truth.totals["mqls"]) == (threshold < 50)
    assert published == (str(threshold), True)
