"""Issue 15, done when: the SLA truth tests pass in both modes. One small world, built once per
sla_clock: wall_clock (the default) must agree with the truth file's SLA, business_hours with the
SLA computed in the test from the truth file's times, the owners' time zones and the seeds."""

from __future__ import annotations

import shutil
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import duckdb
import pytest

from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.dbt.truth_check import read_people, record_ids
from tests.sla.expected_sla import definitions, expected_handoffs, owner_zones, seed

pytestmark = pytest.mark.slow

SEED, SCALE = 11, 1500   # a few hundred MQLs in every owner region, built in about a minute

COLUMNS = ("person_id, sla_clock, owner_time_zone, sla_due_at, is_sla_met, "
           "response_business_hours, response_hours")


@pytest.fixture(scope="module")
def world_and_truth() -> tuple[World, Truth]:
    return generate(SEED, SCALE)


@pytest.fixture(scope="module")
def handoffs(tmp_path_factory: pytest.TempPathFactory,
             world_and_truth: tuple[World, Truth]) -> dict[str, dict[str, dict]]:
    """fct_lead_handoffs per sla_clock: built with its parents and their data tests under the
    definitions file (wall_clock), then again with its tests (unit tests too) on a copy with
    sla_clock business_hours."""
    world, truth = world_and_truth
    work = tmp_path_factory.mktemp("sla")
    wall = work / "wall_clock.duckdb"
    load_world(wall, world)
    dbt_invoke(wall, work / "wall", "build", "--select", "+fct_lead_handoffs",
               "--exclude", "test_type:unit", "--indirect-selection", "cautious",
               vars={"as_of": truth.clock})
    business = work / "business_hours.duckdb"
    shutil.copy(wall, business)
    dbt_invoke(business, work / "business", "build", "--select", "fct_lead_handoffs",
               vars={"as_of": truth.clock, "sla_clock": "business_hours"})
    return {"wall_clock": _by_truth_person(wall, truth),
            "business_hours": _by_truth_person(business, truth)}


def _by_truth_person(warehouse: Path, truth: Truth) -> dict[str, dict]:
    """fct_lead_handoffs rows keyed by the truth file's person id (matched by record ids)."""
    truth_ids = {record_ids(p): p["person_id"] for p in truth.people}
    person_of = {p["person_id"]: truth_ids[record_ids(p)] for p in read_people(warehouse)}
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"select {COLUMNS} from marts.fct_lead_handoffs")
        names = [column[0] for column in cursor.description]
        return {person_of[row[0]]: dict(zip(names, row, strict=True))
                for row in cursor.fetchall()}


def test_wall_clock_sla_agrees_with_the_truth(handoffs: dict[str, dict[str, dict]],
                                              world_and_truth: tuple[World, Truth]) -> None:
    _, truth = world_and_truth
    rows = handoffs["wall_clock"]
    expected = {p["person_id"]: p["sla_met"] for p in truth.people if p["mql_at"]}
    assert {person: row["is_sla_met"] for person, row in rows.items()} == expected
    assert {row["sla_clock"] for row in rows.values()} == {"wall_clock"}


def test_business_hours_sla_agrees_with_the_owners_working_hours(
        handoffs: dict[str, dict[str, dict]], world_and_truth: tuple[World, Truth]) -> None:
    world, truth = world_and_truth
    expected = expected_handoffs(world, truth)
    rows = handoffs["business_hours"]
    assert rows.keys() == expected.keys()
    mismatches = {
        person: (row["owner_time_zone"], row["sla_due_at"], row["is_sla_met"],
                 row["response_business_hours"], want)
        for person, row in rows.items()
        if (want := expected[person]) and (
            row["owner_time_zone"], row["sla_due_at"], row["is_sla_met"],
            row["response_business_hours"]) != (
            want.owner_time_zone, want.due_at, want.is_sla_met, want.response_business_hours)}
    assert mismatches == {}
    assert {row["sla_clock"] for row in rows.values()} == {"business_hours"}


def test_the_world_exercises_every_zone_and_both_clocks_differ(
        handoffs: dict[str, dict[str, dict]], world_and_truth: tuple[World, Truth]) -> None:
    """The comparison above means something: MQLs of owners in each region and of the seed's
    override, windows across a holiday and across a DST change, and statuses the clock changes."""
    world, truth = world_and_truth
    expected = expected_handoffs(world, truth)
    zones = {want.owner_time_zone for want in expected.values()}
    assert {"America/New_York", "America/Chicago", "Europe/Berlin", "Asia/Singapore"} <= zones
    holidays = {(row["holiday_calendar"], date.fromisoformat(row["holiday_on"]))
                for row in seed("holidays")}
    calendars = owner_zones(world, truth, definitions()["default_time_zone"])
    mql_at = {p["person_id"]: datetime.fromisoformat(p["mql_at"]) for p in truth.people
              if p["mql_at"]}
    across_holiday = across_dst = 0
    for person, want in expected.items():
        zone, calendar = calendars[person]
        start = mql_at[person].astimezone(ZoneInfo(zone))
        due = want.due_at.replace(tzinfo=UTC).astimezone(ZoneInfo(zone))
        days = {start.date() + timedelta(days=n) for n in range((due.date() - start.date()).days)}
        across_holiday += any((calendar, day) in holidays for day in days)
        across_dst += start.utcoffset() != due.utcoffset()
    assert across_holiday and across_dst
    wall = {p["person_id"]: p["sla_met"] for p in truth.people if p["mql_at"]}
    changed = [person for person, want in expected.items() if want.is_sla_met != wall[person]]
    assert changed
    # the wall-clock response time is kept beside the business-hours one
    assert all(row["response_hours"] == handoffs["wall_clock"][person]["response_hours"]
               for person, row in handoffs["business_hours"].items())
