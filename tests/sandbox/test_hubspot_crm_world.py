"""The generator's topologies: today's two-tool world unchanged to the byte, and a HubSpot-only
world whose truth follows from its own records under the HubSpot-as-CRM rules."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from collections import defaultdict
from pathlib import Path
from typing import Any

import pytest

from sandbox.generator import advance, generate
from sandbox.generator import params as pm
from sandbox.generator.hubspot_crm import ACTIVITY_TYPES

# sha256 of World.save / Truth.save for seed 7, scale 300, taken before topologies existed.
# Fields added to the default world since, on purpose: (object, field). The world less them must
# still hash to the value taken then, so nothing else moved.
ADDED_SINCE = (("User", "TimeZoneSidKey"),)  # issue 15: the owners' time zones
DEFAULT_WORLD_SHA256 = "ba6a2511dd9f76d68e18761efe4ace611e5cbfe71ca5b4b4425b8cbca1c929af"
DEFAULT_TRUTH_SHA256 = "28d2cf23396b37dca499f0ffa21e077eaadf8868ba3894b68cbc45489ed2799a"


@pytest.fixture(scope="module")
def hubspot_world():
    return generate(7, 1500, topology="hubspot")


def test_default_topology_is_byte_identical_to_the_world_before_topologies(
        tmp_path: Path) -> None:
    world, truth = generate(7, 300)
    doc = world.to_json()
    for obj, field in ADDED_SINCE:
        assert all(field in record for record in doc["salesforce"]["objects"][obj])
        for record in doc["salesforce"]["objects"][obj]:
            del record[field]
        describe = doc["salesforce"]["describe"][obj]
        describe["fields"] = [f for f in describe["fields"] if f["name"] != field]
    # World.save's canonical JSON
    saved = json.dumps(doc, ensure_ascii=False, sort_keys=True, separators=(",", ":")) + "\n"
    assert hashlib.sha256(saved.encode()).hexdigest() == DEFAULT_WORLD_SHA256
    truth.save(tmp_path / "truth.json")
    assert hashlib.sha256((tmp_path / "truth.json").read_bytes()).hexdigest() == \
        DEFAULT_TRUTH_SHA256
    assert generate(7, 300, topology="hubspot+salesforce")[1].dumps() == truth.dumps()


def test_an_unknown_topology_is_refused() -> None:
    with pytest.raises(ValueError, match="hubspot\\+salesforce, hubspot"):
        generate(7, 50, topology="salesforce")


def test_advance_keeps_the_topology(hubspot_world) -> None:
    world, _ = hubspot_world
    later, truth = advance(world, 1)
    assert later.generator["topology"] == "hubspot" and later.salesforce == {}
    assert truth.definitions["hubspot_sql_lead_status"] == pm.HS_SQL_LEAD_STATUS


def test_hubspot_world_has_no_salesforce_and_links_only_to_records_it_serves(
        hubspot_world) -> None:
    world, truth = hubspot_world
    hs = world.hubspot
    assert world.salesforce == {}
    assert all(not p["salesforce_lead_ids"] and not p["salesforce_contact_ids"]
               for p in truth.people)
    contacts = {c["id"] for c in hs["contacts"]}
    companies = {c["id"] for c in hs["companies"]}
    for name in ACTIVITY_TYPES:
        assert hs[name], name
        for activity in hs[name]:
            assert {link["id"] for link in activity["associations"]["contacts"]["results"]} <= \
                contacts
            assert activity["properties"]["hs_timestamp"] and \
                activity["properties"]["hubspot_owner_id"]
    stages = {s["id"]: s for p in hs["pipelines"]["deals"] for s in p["stages"]}
    for deal in hs["deals"]:
        assert deal["properties"]["dealstage"] in stages
        linked = deal["associations"]
        assert {x["id"] for x in linked["contacts"]["results"]} <= contacts
        assert {x["id"] for x in linked.get("companies", {}).get("results", [])} <= companies
    assert any("hs_merged_object_ids" in d["properties"] for d in hs["deals"])
    assert any("hs_merged_object_ids" in c["properties"] for c in hs["companies"])
    assert any(a["archived"] for name in ACTIVITY_TYPES for a in hs[name])
    assert not any("salesforceleadid" in c["properties"] for c in hs["contacts"])
    assert {p["name"] for p in hs["properties"]["calls"]} >= {"hs_timestamp", "hubspot_owner_id"}


def test_hubspot_truth_follows_from_the_records(hubspot_world) -> None:
    world, truth = hubspot_world
    hs = world.hubspot
    person_of = {cid: p["person_id"] for p in truth.people for cid in p["hubspot_contact_ids"]}
    mql = {p["person_id"]: p["mql_at"] for p in truth.people}
    touches: dict[str, list[str]] = defaultdict(list)
    for name in ("calls", "emails", "meetings", "tasks"):
        for activity in hs[name]:
            if activity["archived"]:
                continue
            for link in activity["associations"]["contacts"]["results"]:
                touches[person_of[link["id"]]].append(activity["properties"]["hs_timestamp"])
    statuses: dict[str, list[tuple[str, str]]] = defaultdict(list)
    reasons: dict[str, str] = {}
    for contact in hs["contacts"]:
        for entry in contact.get("propertiesWithHistory", {}).get("hs_lead_status", []):
            statuses[person_of[contact["id"]]].append((entry["timestamp"], entry["value"]))
        reason = contact["properties"].get(pm.HS_REJECTION_REASON_PROPERTY)
        if reason:
            reasons[person_of[contact["id"]]] = reason
    metadata = {s["id"]: s["metadata"] for p in hs["pipelines"]["deals"] for s in p["stages"]}
    deals: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for deal in hs["deals"]:
        for link in deal["associations"]["contacts"]["results"]:
            deals[person_of[link["id"]]].append(deal)

    checked = defaultdict(int)
    for person in truth.people:
        pid, at = person["person_id"], mql[person["person_id"]]
        sal = min([t for t in touches[pid] if at and t >= at] +
                  [t for t, v in statuses[pid] if at and t >= at and v == pm.HS_SAL_LEAD_STATUS],
                  default=None) if at else None
        assert person["sal_at"] == sal, pid
        created = [d["properties"]["createdate"] for d in deals[pid]]
        sql = min([t for t, v in statuses[pid] if v == pm.HS_SQL_LEAD_STATUS] + created,
                  default=None)
        assert person["sql_at"] == sql, pid
        assert person["opportunity_at"] == min(created, default=None), pid
        assert person["opportunity_ids"] == sorted(d["id"] for d in deals[pid])
        won = [(e["timestamp"], d) for d in deals[pid]
               for e in d["propertiesWithHistory"]["dealstage"]
               if metadata[e["value"]]["isClosed"] == "true"
               and float(metadata[e["value"]]["probability"]) == 1.0]
        assert person["customer_at"] == min((t for t, _ in won), default=None), pid
        assert person["won_revenue"] == sum(float(d["properties"]["amount"]) for _, d in won)
        rejected = min((t for t, v in statuses[pid]
                        if at and t >= at and v == pm.HS_REJECTED_LEAD_STATUS), default=None)
        assert person["rejected_at"] == rejected, pid
        if rejected:
            assert person["rejection_reason"] == reasons[pid]
        for stage in ("sal_at", "sql_at", "customer_at", "rejected_at"):
            checked[stage] += person[stage] is not None
    assert all(checked[s] > 0 for s in ("sal_at", "sql_at", "customer_at", "rejected_at")), \
        checked


def test_the_cli_generates_and_advances_a_hubspot_world(tmp_path: Path) -> None:
    samepage = str(Path(sys.executable).parent / "samepage")
    world_file = tmp_path / "hs.json"
    subprocess.run([samepage, "sandbox", "generate", "--seed", "5", "--scale", "200",
                    "--topology", "hubspot", "--out", str(world_file)], check=True, timeout=120)
    subprocess.run([samepage, "sandbox", "advance", "--world", str(world_file), "--days", "2"],
                   check=True, timeout=120)
    world = json.loads(world_file.read_text())
    truth = json.loads(world_file.with_suffix(".truth.json").read_text())
    assert world["generator"]["topology"] == "hubspot" and world["salesforce"] == {}
    assert world["hubspot"]["calls"] and truth["clock"] == world["clock"]
    assert truth["definitions"]["hubspot_rejected_lead_status"] == "UNQUALIFIED"
