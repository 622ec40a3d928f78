"""The handoff SLA in business hours, computed independently of the SQL: from the truth file's MQL
and SAL times, each owner's time zone (the generated Salesforce Users' TimeZoneSidKey, the seed
owner_time_zones over it), the seed holidays and the definitions file, walking the owner's
working days one by one with zoneinfo (the SQL numbers working days instead)."""

from __future__ import annotations

import csv
import math
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any
from zoneinfo import ZoneInfo

import yaml

from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.conftest import DBT_PROJECT

ISO_DAYS = {"mon": 1, "tue": 2, "wed": 3, "thu": 4, "fri": 5, "sat": 6, "sun": 7}


@dataclass(frozen=True)
class Calendar:
    """An owner's working time: days of the week, local hours, holidays, in a time zone."""

    zone: ZoneInfo
    weekdays: frozenset[int]
    start: time
    end: time
    holidays: frozenset[date]

    def local(self, instant: datetime) -> datetime:
        return instant.astimezone(self.zone).replace(tzinfo=None)

    def utc(self, local: datetime) -> datetime:
        return local.replace(tzinfo=self.zone).astimezone(UTC)

    def working_hours(self, day: date) -> tuple[datetime, datetime] | None:
        if day.isoweekday() not in self.weekdays or day in self.holidays:
            return None
        return datetime.combine(day, self.start), datetime.combine(day, self.end)

    def add(self, instant: datetime, hours: float) -> datetime:
        """The instant the given working hours after ``instant`` are used up."""
        left = timedelta(hours=hours)
        cursor = self.local(instant)
        day = cursor.date()
        while True:
            window = self.working_hours(day)
            if window is not None:
                begin = max(cursor, window[0])
                available = max(window[1] - begin, timedelta(0))
                if available >= left:
                    return self.utc(begin + left)
                left -= available
            day += timedelta(days=1)

    def worked_ms(self, start: datetime, stop: datetime) -> int:
        """Working time between two instants, in milliseconds."""
        first, last = self.local(start), self.local(stop)
        total = timedelta(0)
        day = first.date()
        while day <= last.date():
            window = self.working_hours(day)
            if window is not None:
                overlap = min(last, window[1]) - max(first, window[0])
                total += max(overlap, timedelta(0))
            day += timedelta(days=1)
        return total // timedelta(milliseconds=1)


@dataclass(frozen=True)
class ExpectedHandoff:
    owner_time_zone: str
    due_at: datetime            # naive UTC, as the warehouse stores it
    is_sla_met: bool | None
    response_business_hours: Decimal | None


def definitions() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    return {name: entry["value"] for name, entry in project["vars"]["samepage_definitions"].items()}


def seed(name: str) -> list[dict[str, str]]:
    with (DBT_PROJECT / "seeds" / f"{name}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def _instant(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def owner_zones(world: World, truth: Truth, default_zone: str) -> dict[str, tuple[str, str]]:
    """Per MQL person: (time zone, holiday calendar) of the owner of their Salesforce records."""
    seeded = {row["owner_email"].strip().lower(): row for row in seed("owner_time_zones")}
    users = {u["Id"]: u for u in world.salesforce_records("User")}
    record_owner = {r["Id"]: r["OwnerId"] for sobject in ("Lead", "Contact")
                    for r in world.salesforce_records(sobject)}
    zones = {}
    for person in truth.people:
        if not person["mql_at"]:
            continue
        owners = {record_owner[i] for i in
                  person["salesforce_lead_ids"] + person["salesforce_contact_ids"]}
        assert len(owners) <= 1, (person["person_id"], owners)  # the generator gives one rep
        zone = calendar = None
        if owners:
            user = users[owners.pop()]
            seed_row = seeded.get(user["Email"].strip().lower())
            if seed_row:
                zone, calendar = seed_row["time_zone"], seed_row["holiday_calendar"] or None
            else:
                zone = user.get("TimeZoneSidKey")
        zone = zone or default_zone
        zones[person["person_id"]] = (zone, calendar or zone)
    return zones


def expected_handoffs(world: World, truth: Truth,
                      overrides: dict[str, Any] | None = None) -> dict[str, ExpectedHandoff]:
    """Per MQL person, the business-hours SLA under the definitions file (and ``overrides``),
    sla_boundary inclusive, as of the truth file's clock."""
    values = {**definitions(), **(overrides or {})}
    assert values["sla_boundary"] == "inclusive"
    hours = values["business_hours"]
    start, end = (time.fromisoformat(text) for text in hours["hours"])
    weekdays = frozenset(ISO_DAYS[day] for day in hours["days"])
    holidays: dict[str, set[date]] = {}
    for row in seed("holidays"):
        day = date.fromisoformat(row["holiday_on"])
        holidays.setdefault(row["holiday_calendar"], set()).add(day)
    window = values["sla_first_touch_hours"]
    as_of = _instant(truth.clock)
    people = {p["person_id"]: p for p in truth.people}
    out = {}
    for person_id, (zone, calendar_name) in owner_zones(
            world, truth, values["default_time_zone"]).items():
        calendar = Calendar(ZoneInfo(zone), weekdays, start, end,
                            frozenset(holidays.get(calendar_name, ())))
        person = people[person_id]
        mql = _instant(person["mql_at"])
        due = calendar.add(mql, window)
        if person["sal_at"]:
            sal = _instant(person["sal_at"])
            met: bool | None = sal <= due
            ms = calendar.worked_ms(mql, sal)
            response = Decimal(math.ceil(Decimal(ms * 1000) / 3600)) / Decimal(1_000_000)
        else:
            met = False if as_of > due else None
            response = None
        out[person_id] = ExpectedHandoff(zone, due.replace(tzinfo=None), met, response)
    return out
