"""The business-hours seeds and the generated Salesforce time zones name real IANA zones: a zone
the warehouse does not know fails the build deep in a model (`at time zone`), so it is caught here
with the row that names it."""

from __future__ import annotations

import zoneinfo

from sandbox.generator import schema
from tests.sla.expected_sla import seed

ZONES = zoneinfo.available_timezones()


def test_owner_time_zones_are_iana_zones() -> None:
    unknown = [row for row in seed("owner_time_zones") if row["time_zone"] not in ZONES]
    assert unknown == []


def test_every_holiday_calendar_is_a_zone_or_an_owners_calendar() -> None:
    named = {row["holiday_calendar"] for row in seed("owner_time_zones") if row["holiday_calendar"]}
    unknown = {row["holiday_calendar"] for row in seed("holidays")} - ZONES - named
    assert unknown == set()


def test_generated_salesforce_time_zones_are_iana_zones() -> None:
    [field] = [f for f in schema.SF_FIELDS["User"] if f[0] == "TimeZoneSidKey"]
    assert field[2] and set(field[2]) <= ZONES
