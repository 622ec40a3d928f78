"""Done when (issue 13 §2): a definitions change moves SAL and SQL authority between tools for a
mixed world, and the marts follow.

The mixed world is the two-tool company (HubSpot for marketing, Salesforce for sales) whose reps
also work in HubSpot: on one timeline the generator's ``hubspot`` topology gives the same
contacts the lead statuses, calls, e-mails, meetings, tasks and notes reps log there, which are
added to the two-tool world. Built with the shipped definitions, Salesforce decides SAL and SQL
and the marts equal the two-tool truth, HubSpot's sales evidence notwithstanding. With
``stage_sources`` naming HubSpot first for SAL and SQL (``--vars``), SAL and SQL (and the SLA)
follow HubSpot's evidence, recomputed here from the world's records by the HubSpot-as-CRM rules;
every other stage stays as it was."""

from __future__ import annotations

import shutil
from collections import defaultdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import duckdb
import pytest

from sandbox.generator import Truth, generate
from sandbox.generator import params as pm
from sandbox.generator.hubspot_crm import ACTIVITY_TYPES
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.dbt.truth_check import STAGE_TIMES, compare_with_truth, read_people, record_ids

SEED, SCALE = 5, 800
STAGE_SOURCES = {"mql": ["hubspot"], "sal": ["hubspot", "salesforce"],
                 "rejected": ["salesforce", "hubspot"], "sql": ["hubspot", "salesforce"],
                 "opportunity": ["salesforce", "hubspot"], "customer": ["salesforce", "hubspot"]}


def mixed_world() -> tuple[World, Truth]:
    """The two-tool world with the HubSpot sales work of the same timeline added."""
    world, truth = generate(SEED, SCALE)
    crm, _ = generate(SEED, SCALE, topology="hubspot")
    worked = {c["id"]: c for c in crm.hubspot["contacts"]
              if "hs_lead_status" in c["propertiesWithHistory"]}
    contacts = []
    for contact in world.hubspot["contacts"]:
        source = worked.get(contact["id"])
        if source is not None:
            props = {**contact["properties"], "hs_lead_status":
                     source["properties"]["hs_lead_status"]}
            reason = source["properties"].get(pm.HS_REJECTION_REASON_PROPERTY)
            if reason:
                props[pm.HS_REJECTION_REASON_PROPERTY] = reason
            contact = {**contact, "properties": props, "propertiesWithHistory": {
                **contact["propertiesWithHistory"],
                "hs_lead_status": source["propertiesWithHistory"]["hs_lead_status"]}}
        contacts.append(contact)
    assert worked.keys() <= {c["id"] for c in contacts}   # one timeline, the same contacts
    hubspot = {**world.hubspot, "contacts": contacts, "pipelines": crm.hubspot["pipelines"],
               **{name: crm.hubspot[name] for name in ACTIVITY_TYPES}}
    return World(clock=world.clock, hubspot=hubspot, salesforce=world.salesforce,
                 generator=world.generator), truth


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, Truth, Path, Path]:
    world, truth = mixed_world()
    work = tmp_path_factory.mktemp("hubspot-crm-authority")
    shipped = work / "shipped.duckdb"
    load_world(shipped, world)
    # only the models the truth check reads (dim_people, fct_lead_handoffs) and what they need;
    # their data tests run in the full builds of test_truth.py and test_hubspot_crm_truth.py
    marts = ("--select", "+dim_people", "+fct_lead_handoffs")
    dbt_invoke(shipped, work, "build", *marts, "--resource-type", "model",
               "--resource-type", "seed", vars={"as_of": truth.clock})
    moved = work / "moved.duckdb"
    shutil.copy(shipped, moved)
    dbt_invoke(moved, work, "run", *marts,
               vars={"as_of": truth.clock, "stage_sources": STAGE_SOURCES})
    return world, truth, shipped, moved


def _at(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def hubspot_authority(world: World, truth: Truth) -> dict[frozenset[str], dict[str, Any]]:
    """Each truth person's SAL, SQL and SLA when HubSpot decides SAL and SQL, from the world's
    HubSpot records alone (sandbox/README.md, HubSpot as the sales CRM)."""
    hs = world.hubspot
    person_of = {cid: record_ids(p) for p in truth.people for cid in p["hubspot_contact_ids"]}
    touches: dict[frozenset[str], list[datetime]] = defaultdict(list)
    for name in ("calls", "emails", "meetings", "tasks"):     # a note is no touch
        for activity in hs[name]:
            if activity["archived"]:
                continue
            for link in activity["associations"]["contacts"]["results"]:
                if link["id"] in person_of:
                    touches[person_of[link["id"]]].append(
                        _at(activity["properties"]["hs_timestamp"]))
    statuses: dict[frozenset[str], list[tuple[datetime, str]]] = defaultdict(list)
    for contact in hs["contacts"]:
        if contact["archived"] or contact["id"] not in person_of:
            continue
        for entry in contact["propertiesWithHistory"].get("hs_lead_status", []):
            statuses[person_of[contact["id"]]].append((_at(entry["timestamp"]), entry["value"]))
    deals: dict[frozenset[str], list[datetime]] = defaultdict(list)
    for deal in hs["deals"]:
        if deal["archived"]:
            continue
        for link in deal["associations"]["contacts"]["results"]:
            if link["id"] in person_of:
                deals[person_of[link["id"]]].append(_at(deal["createdAt"]))
    clock, window = _at(truth.clock), timedelta(hours=pm.SLA_FIRST_TOUCH_HOURS)
    out = {}
    for person in truth.people:
        key = record_ids(person)
        mql = _at(person["mql_at"]) if person["mql_at"] else None
        sal = min([t for t in touches[key] if mql and t >= mql] +
                  [t for t, v in statuses[key] if mql and t >= mql and v == "IN_PROGRESS"],
                  default=None)
        sql = min([t for t, v in statuses[key] if v == "OPEN_DEAL"] + deals[key], default=None)
        sla = None if mql is None else (sal - mql <= window) if sal else \
            (False if clock - mql > window else None)
        out[key] = {"sal_at": sal, "sql_at": sql, "sla_met": sla}
    return out


def test_shipped_definitions_keep_salesforce_deciding_despite_hubspot_sales_work(built) -> None:
    world, truth, shipped, _ = built
    assert any(world.hubspot[name] for name in ACTIVITY_TYPES)
    assert compare_with_truth(shipped, truth) == []


def test_stage_sources_move_sal_and_sql_to_hubspot_and_the_marts_follow(built) -> None:
    world, truth, shipped, moved = built
    expected = hubspot_authority(world, truth)
    ours = {record_ids(p): p for p in read_people(moved)}
    before = {record_ids(p): p for p in read_people(shipped)}
    assert ours.keys() == expected.keys()
    changed = defaultdict(int)
    for key, want in expected.items():
        got = ours[key]
        for field in ("sal_at", "sql_at"):
            value = got[field].replace(tzinfo=UTC) if got[field] else None
            assert value == want[field], (field, sorted(key))
        assert got["sla_met"] == want["sla_met"], sorted(key)
        for field in STAGE_TIMES:   # the stages whose authority did not move stay as they were
            if field not in ("sal_at", "sql_at"):
                assert got[field] == before[key][field], (field, sorted(key))
        for field in ("sal_at", "sql_at", "sla_met"):
            changed[field] += got[field] != before[key][field]
    # the move changed SQL times for many people (a deal's creation, not a conversion's
    # midnight); SAL times agree on this timeline (a rep's Task is their HubSpot call), but the
    # evidence of every SAL and SQL is now HubSpot's
    assert changed["sql_at"] > 10, changed
    for stage, systems in evidence_systems(shipped).items():
        assert all(system.startswith("salesforce_") for system in systems), (stage, systems)
    assert evidence_systems(moved) == {"sal": {"hubspot_contact"},
                                       "sql": {"hubspot_contact", "hubspot_deal"}}


def evidence_systems(warehouse: Path) -> dict[str, set[str]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        rows = con.execute("""
            select distinct lifecycle_stage, evidence_record_system
            from intermediate.int_people__stage_events
            where lifecycle_stage in ('sal', 'sql')""").fetchall()
    out: dict[str, set[str]] = defaultdict(set)
    for stage, system in rows:
        out[stage].add(system)
    return dict(out)
