"""The business-hours SLA on PostgreSQL (time zones through `at time zone`, not DuckDB's ICU): the
same independent expectation as on DuckDB, for a small world built there."""

from __future__ import annotations

import psycopg2
import pytest

from pipelines.warehouse import open_warehouse
from sandbox.generator import generate
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import world_streams
from tests.dbt.truth_check import record_ids
from tests.postgres import temporary_database
from tests.sla.expected_sla import expected_handoffs

pytestmark = pytest.mark.slow


def test_business_hours_sla_on_postgres(tmp_path) -> None:
    world, truth = generate(11, 400)
    expected = expected_handoffs(world, truth)
    with temporary_database() as dsn:
        warehouse = open_warehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "first")
        dbt_invoke(dsn, tmp_path, "build", "--target", "postgres",
                   "--select", "+fct_lead_handoffs", "--exclude", "fct_lead_handoffs+",
                   "test_type:unit", "--indirect-selection", "cautious",
                   vars={"as_of": truth.clock})
        dbt_invoke(dsn, tmp_path, "build", "--target", "postgres", "--select", "fct_lead_handoffs",
                   vars={"as_of": truth.clock, "sla_clock": "business_hours"})
        with psycopg2.connect(dsn) as con, con.cursor() as cursor:
            cursor.execute("""
                select people.hubspot_contact_ids, people.hubspot_merged_contact_ids,
                       people.salesforce_lead_ids, people.salesforce_contact_ids,
                       handoffs.owner_time_zone, handoffs.sla_due_at, handoffs.is_sla_met,
                       handoffs.response_business_hours
                from marts.fct_lead_handoffs as handoffs
                join marts.dim_people as people on handoffs.person_id = people.person_id""")
            rows = cursor.fetchall()
    person_of = {record_ids(p): p["person_id"] for p in truth.people}
    got = {}
    for row in rows:
        ids = dict(zip(("hubspot_contact_ids", "hubspot_merged_contact_ids",
                        "salesforce_lead_ids", "salesforce_contact_ids"), row[:4], strict=True))
        got[person_of[record_ids(ids)]] = tuple(row[4:])
    want = {person: (e.owner_time_zone, e.due_at, e.is_sla_met, e.response_business_hours)
            for person, e in expected.items()}
    assert got == want
    assert {zone for zone, *_ in want.values()} >= {"America/New_York", "Europe/Berlin"}
