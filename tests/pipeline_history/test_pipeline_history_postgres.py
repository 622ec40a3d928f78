"""Issue 15: the pipeline history builds on PostgreSQL too, with the same answer: a small
Salesforce-stack world's fct_pipeline_daily equals its stage history replayed in Python."""

from __future__ import annotations

from datetime import timedelta

import psycopg2
import pytest

from pipelines.warehouse import open_warehouse
from sandbox.generator import generate
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import world_streams
from tests.pipeline_history.test_pipeline_history import (
    FLOWS,
    _day,
    _salesforce_opportunities,
    expected_daily,
)
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow


def test_pipeline_history_on_postgres(tmp_path, monkeypatch: pytest.MonkeyPatch) -> None:
    world, truth = generate(5, 600)
    monkeypatch.setenv("SAMEPAGE_SOURCES", "salesforce")
    columns = ["open_count", "open_amount"] + [f"{flow}_{what}" for flow in FLOWS
                                               for what in ("count", "amount")]
    with temporary_database() as dsn:
        warehouse = open_warehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "first")
        dbt_invoke(dsn, tmp_path, "build", "--target", "postgres", "--select",
                   "+fct_pipeline_daily", "--exclude", "test_type:unit",
                   "--indirect-selection", "cautious", vars={"as_of": truth.clock})
        with psycopg2.connect(dsn) as con, con.cursor() as cursor:
            cursor.execute(f"select date_day, owner_user_id, stage_name, {', '.join(columns)} "
                           "from marts.fct_pipeline_daily")
            rows = cursor.fetchall()
    actual = {(row[0], row[1], row[2]): tuple(round(float(value), 2) for value in row[3:])
              for row in rows}
    expected = expected_daily(_salesforce_opportunities(world),
                              _day(truth.clock) - timedelta(days=1))
    assert expected, "the world has no pipeline"
    assert actual == expected
