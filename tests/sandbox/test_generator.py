"""The world generator: determinism, round trips, advancing, mess, and a truth that agrees
with the world it describes."""

from __future__ import annotations

import time
from datetime import datetime
from pathlib import Path

import pytest

from sandbox.generator import Truth, advance, generate
from sandbox.generator import params as pm
from sandbox.world import World


@pytest.fixture(scope="module")
def world_and_truth() -> tuple[World, Truth]:
    return generate(7, 1500)


def _t(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00").replace("+0000", "+00:00"))


def _bytes(world: World, tmp_path: Path, name: str) -> bytes:
    world.save(tmp_path / name)
    return (tmp_path / name).read_bytes()


def test_same_seed_same_bytes_and_different_seed_differs(tmp_path: Path) -> None:
    (w1, t1), (w2, t2) = generate(3, 300), generate(3, 300)
    assert _bytes(w1, tmp_path, "a.json") == _bytes(w2, tmp_path, "b.json")
    assert t1.dumps() == t2.dumps()
    w3, t3 = generate(4, 300)
    assert _bytes(w3, tmp_path, "c.json") != _bytes(w1, tmp_path, "a.json")
    assert t3.dumps() != t1.dumps()


def test_world_and_truth_round_trip(world_and_truth: tuple[World, Truth], tmp_path: Path) -> None:
    world, truth = world_and_truth
    first = _bytes(world, tmp_path, "w1.json")
    assert _bytes(World.load(tmp_path / "w1.json"), tmp_path, "w2.json") == first
    truth.save(tmp_path / "t.json")
    assert Truth.load(tmp_path / "t.json").dumps() == truth.dumps()


def test_scale_200_is_fast() -> None:
    began = time.perf_counter()
    world, truth = generate(1, 200)
    assert time.perf_counter() - began < 2.0
    assert world.clock == pm.DEFAULT_CLOCK and truth.totals["people"] > 150


def test_truth_record_ids_exist_in_world(world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    contacts = {c["id"] for c in world.hubspot_objects("contacts") if not c["archived"]}
    named_losers = {i for c in world.hubspot_objects("contacts")
                    for i in (c["properties"].get("hs_merged_object_ids") or "").split(";") if i}
    leads = {r["Id"] for r in world.salesforce_records("Lead") if not r["IsDeleted"]}
    sf_contacts = {r["Id"] for r in world.salesforce_records("Contact") if not r["IsDeleted"]}
    for person in truth.people:
        assert set(person["hubspot_contact_ids"]) <= contacts | named_losers
        assert set(person["hubspot_merged_contact_ids"]) <= named_losers
        assert set(person["salesforce_lead_ids"]) <= leads
        assert set(person["salesforce_contact_ids"]) <= sf_contacts
    assert named_losers, "expected some merged contacts"


def test_mql_is_first_threshold_crossing_in_served_history(
        world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    contacts = {c["id"]: c for c in world.hubspot_objects("contacts")}
    checked = 0
    for person in truth.people:
        crossings = []
        for cid in person["hubspot_contact_ids"]:
            if cid not in contacts:
                continue   # merged away
            history = contacts[cid]["propertiesWithHistory"]["hubspotscore"]
            hits = [h["timestamp"] for h in reversed(history)
                    if int(h["value"]) >= pm.MQL_SCORE_THRESHOLD]
            if hits:
                crossings.append(min(hits))
        email = person["email"] or ""
        if person["mql_at"]:
            assert crossings and person["mql_at"] == min(crossings)
            assert email.rpartition("@")[2] not in pm.FREE_EMAIL_DOMAINS
            checked += 1
        elif crossings:   # crossed, but free-mail or already a customer
            customer = person["customer_at"]
            assert email.rpartition("@")[2] in pm.FREE_EMAIL_DOMAINS or (
                customer and _t(customer) <= _t(min(crossings)))
    assert checked > 50


def test_sal_matches_a_task_or_lead_history_row(world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    touches: dict[str, list[datetime]] = {}
    for task in world.salesforce_records("Task"):
        if not task["IsDeleted"]:
            touches.setdefault(task["WhoId"], []).append(_t(task["CreatedDate"]))
    for row in world.salesforce_records("LeadHistory"):
        if row["Field"] == "Status" and row["NewValue"] == pm.SAL_LEAD_STATUS:
            touches.setdefault(row["LeadId"], []).append(_t(row["CreatedDate"]))
    window = pm.SLA_FIRST_TOUCH_HOURS * 3600
    sals = 0
    for person in truth.people:
        ids = person["salesforce_lead_ids"] + person["salesforce_contact_ids"]
        times = sorted(t for i in ids for t in touches.get(i, []))
        if not person["mql_at"]:
            assert person["sal_at"] is None and person["sla_met"] is None
            continue
        mql = _t(person["mql_at"])
        after = [t for t in times if t >= mql]
        if person["sal_at"]:
            sals += 1
            assert after and _t(person["sal_at"]) == after[0]
            assert person["sla_met"] == ((after[0] - mql).total_seconds() <= window)
        else:
            assert not after
    assert sals > 50
    breaches = truth.totals["sla_breaches"] / truth.totals["mqls"]
    assert 0.12 < breaches < 0.3


def test_won_revenue_matches_linked_won_opportunities(
        world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    opps = {o["Id"]: o for o in world.salesforce_records("Opportunity") if not o["IsDeleted"]}
    linked = {i for person in truth.people for i in person["opportunity_ids"]}
    assert linked <= set(opps)
    won = sum(opps[i]["Amount"] for i in linked if opps[i]["IsWon"])
    assert truth.totals["won_revenue"] == pytest.approx(won)
    assert won > 0
    for person in truth.people:
        wins = [opps[i] for i in person["opportunity_ids"] if opps[i]["IsWon"]]
        if wins:
            first = min(o["CloseDate"] for o in wins)
            assert person["customer_at"] == f"{first}T00:00:00.000Z"
        else:
            assert person["customer_at"] is None


def test_realistic_mess_is_present(world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    contacts = world.hubspot_objects("contacts")
    emails = [c["properties"]["email"] for c in contacts] + \
        [r["Email"] for r in world.salesforce_records("Lead")]
    assert any(e and e != e.strip() for e in emails)
    assert any(e and e.strip() != e.strip().lower() for e in emails)
    assert any(e and e.strip().lower().rpartition("@")[2] in pm.FREE_EMAIL_DOMAINS for e in emails)
    assert any(e is None for e in emails)
    assert any(c["archived"] for c in contacts)
    assert any(c["properties"].get("hs_merged_object_ids") for c in contacts)
    assert any(r["IsDeleted"] for r in world.salesforce_records("Lead"))
    names = "".join(c["properties"]["firstname"] + c["properties"]["lastname"] for c in contacts)
    assert "\u200b" in names and any(ord(ch) > 0x3000 for ch in names)
    # a converted Lead and its Contact with different e-mails are still one person
    leads = {r["Id"]: r for r in world.salesforce_records("Lead")}
    sf_contacts = {r["Id"]: r for r in world.salesforce_records("Contact")}
    assert any(r["IsConverted"] and r["Email"] and
               r["Email"].strip().lower() != sf_contacts[r["ConvertedContactId"]]["Email"]
               for r in leads.values())
    assert any(p["email"] is None for p in truth.people)
    assert all("SystemModstamp" not in r and "LastModifiedDate" not in r
               for r in world.salesforce_records("LeadHistory"))
    describe = world.salesforce["describe"]["Lead"]["fields"]
    assert any(f["calculated"] for f in describe)
    assert any(f["custom"] and f["name"] == "Disqualification_Reason__c" for f in describe)


def test_advance_moves_the_clock_and_reveals_incremental_work() -> None:
    before, truth_before = generate(13, 2000)
    after, truth_after = advance(before, 7)
    assert _t(after.clock) > _t(before.clock) and after.generator == before.generator
    people_before = {p["person_id"] for p in truth_before.people}
    people_after = {p["person_id"] for p in truth_after.people}
    # deleted junk can leave; everyone else stays, and new people arrive
    gone = people_before - people_after
    assert len(gone) <= 3 and len(people_after - people_before) > 5

    def index(world: World) -> dict[str, dict]:
        return {c["id"]: c for c in world.hubspot_objects("contacts")}

    hs0, hs1 = index(before), index(after)
    assert any(hs1[i]["updatedAt"] > c["updatedAt"] for i, c in hs0.items() if i in hs1)
    leads0 = {r["Id"]: r for r in before.salesforce_records("Lead")}
    leads1 = {r["Id"]: r for r in after.salesforce_records("Lead")}
    assert set(leads0) <= set(leads1)
    assert any(_t(leads1[i]["SystemModstamp"]) > _t(r["SystemModstamp"])
               for i, r in leads0.items())
    merged = set(hs0) - set(hs1)
    newly_archived = [i for i, c in hs1.items() if c["archived"] and not hs0.get(i, c)["archived"]]
    newly_deleted = [i for i, r in leads1.items() if r["IsDeleted"] and
                     not leads0.get(i, r)["IsDeleted"]]
    assert merged, "expected some merges within a week"
    assert newly_archived or newly_deleted, "expected some deletions within a week"
    opps0 = {o["Id"]: o["StageName"] for o in before.salesforce_records("Opportunity")}
    assert any(o["StageName"] != opps0.get(o["Id"], o["StageName"])
               for o in after.salesforce_records("Opportunity"))
