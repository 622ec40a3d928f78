"""The incremental models build again on PostgreSQL: a second run must not find that the types its
select returns moved away from the table the first run created (enforced contracts)."""

import pytest

from pipelines.warehouse import open_warehouse
from sandbox.generator import advance, generate
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import world_streams
from tests.postgres import temporary_database

pytestmark = pytest.mark.slow

INCREMENTAL = ("+int_lifecycle_events", "+int_people__source_records")


def test_incremental_models_build_twice_on_postgres(tmp_path):
    world, _ = generate(5, 300)
    with temporary_database() as dsn:
        warehouse = open_warehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "first")
        dbt_invoke(dsn, tmp_path, "run", "--target", "postgres", "--select", *INCREMENTAL)
        later, _ = advance(world, 1)
        for spec, records in world_streams(later):
            warehouse.load(spec, records, "second")
        # the incremental path: fails with "schemas ... out of sync" when the types moved
        dbt_invoke(dsn, tmp_path, "run", "--target", "postgres", "--select", *INCREMENTAL)
