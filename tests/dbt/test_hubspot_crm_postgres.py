"""HubSpot as the sales CRM on PostgreSQL: a HubSpot-only world builds with
SAMEPAGE_SOURCES=hubspot, days later its incremental evidence (contacts, deals, the four kinds of
touch, one watermark each) builds again, and the people's stages equal the later world's truth."""

from __future__ import annotations

import psycopg2
import pytest

from pipelines.warehouse import open_warehouse
from sandbox.generator import advance, generate
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import world_streams
from tests.dbt.truth_check import STAGE_TIMES, _utc, record_ids
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow

PEOPLE = ("+dim_people",)


def test_hubspot_only_builds_twice_on_postgres_and_equals_the_truth(tmp_path, monkeypatch):
    monkeypatch.setenv("SAMEPAGE_SOURCES", "hubspot")
    world, truth = generate(7, 300, topology="hubspot")
    with temporary_database() as dsn:
        warehouse = open_warehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "first")
        dbt_invoke(dsn, tmp_path, "run", "--target", "postgres", "--select", *PEOPLE,
                   vars={"as_of": truth.clock})
        later, truth = advance(world, 3)
        for spec, records in world_streams(later):
            warehouse.load(spec, records, "second")
        # the incremental path: fails with "schemas ... out of sync" when the types moved
        dbt_invoke(dsn, tmp_path, "run", "--target", "postgres", "--select", *PEOPLE,
                   vars={"as_of": truth.clock})
        with psycopg2.connect(dsn) as con, con.cursor() as cursor:
            cursor.execute(f"""
                select hubspot_contact_ids, hubspot_merged_contact_ids, salesforce_lead_ids,
                       salesforce_contact_ids, {", ".join(STAGE_TIMES)}, rejection_reason
                from marts.dim_people""")
            names = [d[0] for d in cursor.description]
            ours = {record_ids(p): p for p in (dict(zip(names, row, strict=True))
                                               for row in cursor.fetchall())}
    theirs = {record_ids(p): p for p in truth.people}
    assert ours.keys() == theirs.keys()
    for key, want in theirs.items():
        for field in STAGE_TIMES:
            assert _utc(ours[key][field]) == _utc(want[field]), (field, sorted(key))
        assert ours[key]["rejection_reason"] == want["rejection_reason"], sorted(key)
