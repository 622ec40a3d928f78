"""Done when (issue 13 §2): the marts of a HubSpot-only company equal its truth. A HubSpot-only
world (the generator's ``hubspot`` topology: reps work contacts, log activities and run deals in
HubSpot) landed through the real loader and built with ``SAMEPAGE_SOURCES=hubspot`` and the
shipped definitions: the first enabled source of each ``stage_sources`` list decides the stage,
so nothing else is set. The same checks as ``test_truth.py`` for the two-tool topology."""

from __future__ import annotations

from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.truth_check import compare_with_truth, marts_totals


@pytest.fixture(scope="module")
def hubspot_only(built_hubspot_only: tuple[World, Truth, Path]) -> tuple[World, Truth, Path]:
    """The session's HubSpot-only company, built as that stack builds it (tests/conftest.py)."""
    return built_hubspot_only


def test_hubspot_only_marts_agree_with_the_truth(hubspot_only) -> None:
    _, truth, warehouse = hubspot_only
    assert compare_with_truth(warehouse, truth) == []


def test_hubspot_only_totals_agree_with_the_truth(hubspot_only) -> None:
    _, truth, warehouse = hubspot_only
    assert marts_totals(warehouse) == truth.totals
    # every stage is reached in this world, so the equality above tests each rule
    assert all(truth.totals[k] > 0 for k in ("sals", "sqls", "rejected", "customers"))


def test_hubspot_only_stages_rest_on_hubspot_sales_evidence(hubspot_only) -> None:
    _, _, warehouse = hubspot_only
    with duckdb.connect(str(warehouse), read_only=True) as con:
        kinds = dict(con.execute("""
            select lifecycle_stage, list(distinct evidence_event_type order by evidence_event_type)
            from marts.fct_lifecycle_events group by lifecycle_stage""").fetchall())
        systems = {row[0] for row in con.execute(
            "select distinct evidence_record_system from marts.fct_lifecycle_events").fetchall()}
    assert set(kinds["sal"]) >= {"call_logged", "lead_status_changed"}
    assert set(kinds["sal"]) <= {"call_logged", "email_logged", "meeting_logged", "task_logged",
                                 "lead_status_changed"}
    # (a status set before the deal is created in this world: the deal branch is a unit test's)
    assert "lead_status_changed" in kinds["sql"]
    assert set(kinds["sql"]) <= {"lead_status_changed", "opportunity_created"}
    assert kinds["customer"] == ["opportunity_won"]
    assert systems == {"hubspot_contact", "hubspot_deal"}


def test_hubspot_only_campaigns_are_the_contacts_utm_campaigns_or_first_forms(
        hubspot_only) -> None:
    world, truth, warehouse = hubspot_only
    person_of = {cid: p["person_id"] for p in truth.people for cid in p["hubspot_contact_ids"]}
    members: dict[str, set[str]] = defaultdict(set)
    for contact in world.hubspot["contacts"]:
        if contact["archived"] or contact["id"] not in person_of:
            continue
        props = contact["properties"]
        name = props.get("hs_analytics_source_data_1") or props.get("first_conversion_event_name")
        if name:
            members[name].add(person_of[contact["id"]])
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select campaign_name, member_count, campaign_cost, return_on_investment
            from marts.fct_campaign_performance
            where attribution_model = 'first_touch'""").fetchall()
        credited = con.execute("""
            select attribution_model, sum(attributed_mqls) from marts.fct_campaign_performance
            group by attribution_model""").fetchall()
    assert {name: count for name, count, _, _ in rows} == \
        {name: len(people) for name, people in members.items()}
    assert all(cost is None and roi is None for _, _, cost, roi in rows)
    mql_members = {p["person_id"] for p in truth.people if p["mql_at"]} & \
        set().union(*members.values())
    # every model hands out one credit per MQL touched before any opportunity of theirs
    assert len({round(float(total), 6) for _, total in credited}) == 1
    assert 0 < float(credited[0][1]) <= len(mql_members)
