"""The HubSpot-as-CRM staging views build on a HubSpot-only world, their key tests pass, and they
read what the world holds: stage metadata, lead-status history, activities and their links."""

from __future__ import annotations

from pathlib import Path

import duckdb
import pytest

from sandbox.generator.hubspot_crm import ACTIVITY_TYPES


@pytest.fixture(scope="module")
def staged(built_hubspot_only):
    """The session's HubSpot-only company, built (the staging views and their key tests among
    it: unique / not_null keys, accepted activity types)."""
    world, _, warehouse = built_hubspot_only
    return world, warehouse


def _rows(warehouse: Path, sql: str) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(sql).fetchall()


def test_pipeline_stages_carry_typed_metadata(staged) -> None:
    _, warehouse = staged
    won = _rows(warehouse, "select stage_id from staging.stg_hubspot__pipeline_stages "
                           "where is_closed and probability = 1 order by stage_id")
    assert won == [("87654327",), ("closedwon",)]


def test_lead_status_history_and_deal_stage_history_are_staged(staged) -> None:
    world, warehouse = staged
    worked = {c["id"]: c for c in world.hubspot["contacts"]
              if "hs_lead_status" in c["propertiesWithHistory"]}
    rows = _rows(warehouse, "select hubspot_contact_id, lead_status, "
                            "json_array_length(lead_status_history), "
                            "property_values ->> 'disqualification_reason' "
                            "from staging.stg_hubspot__contacts where lead_status is not null")
    assert {r[0] for r in rows} == set(worked)
    for contact_id, status, entries, reason in rows:
        contact = worked[contact_id]
        assert status == contact["properties"]["hs_lead_status"]
        assert entries == len(contact["propertiesWithHistory"]["hs_lead_status"])
        assert reason == contact["properties"].get("disqualification_reason")
    staged_history = dict(_rows(warehouse, "select hubspot_deal_id, "
                                           "json_array_length(deal_stage_history) "
                                           "from staging.stg_hubspot__deals"))
    assert staged_history == {d["id"]: len(d["propertiesWithHistory"]["dealstage"])
                              for d in world.hubspot["deals"]}


def test_activities_and_their_contacts_are_staged(staged) -> None:
    world, warehouse = staged
    for name in ACTIVITY_TYPES:
        singular = name[:-1]
        rows = dict(_rows(warehouse, f"select hubspot_{singular}_id, is_deleted "
                                     f"from staging.stg_hubspot__{name}"))
        assert rows == {a["id"]: a["archived"] for a in world.hubspot[name]}, name
    links = set(_rows(warehouse, "select activity_type, hubspot_activity_id, hubspot_contact_id "
                                 "from staging.stg_hubspot__activity_contact_associations"))
    assert links == {(name, a["id"], link["id"]) for name in ACTIVITY_TYPES
                     for a in world.hubspot[name] if not a["archived"]
                     for link in a["associations"]["contacts"]["results"]}
    deal_links = set(_rows(warehouse, "select hubspot_deal_id, hubspot_company_id, is_primary "
                                      "from staging.stg_hubspot__deal_company_associations"))
    assert deal_links == {(d["id"], d["associations"]["companies"]["results"][0]["id"], True)
                          for d in world.hubspot["deals"] if "companies" in d["associations"]}
