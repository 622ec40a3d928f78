"""Landing records: upsert by id (newest wins), quarantine, and all-or-nothing state."""

import time
from contextlib import closing

import pytest

from pipelines.streams import HUBSPOT_CONTACTS as CONTACTS
from pipelines.warehouse import DuckDBWarehouse, PostgresWarehouse
from pipelines.warehouse.base import read_ahead
from tests.postgres import temporary_database


def contact(record_id, updated, email="a@acme.io", archived=False):
    return {"id": record_id, "properties": {"email": email}, "createdAt": "2025-01-01T00:00:00Z",
            "updatedAt": updated, "archived": archived}


@pytest.fixture(params=["duckdb", "postgres"])
def warehouse(request, tmp_path):
    if request.param == "duckdb":
        yield DuckDBWarehouse(tmp_path / "w.duckdb")
    else:
        with temporary_database() as dsn:
            yield PostgresWarehouse(dsn)


def query(warehouse, sql):
    with warehouse.connect() as con:
        return [tuple(row) for row in warehouse._execute(con, sql, []).fetchall()]


def test_newest_version_of_each_id_wins_across_and_within_loads(warehouse):
    warehouse.load(CONTACTS, [contact("1", "2025-01-02T00:00:00.000Z", "old@acme.io"),
                              contact("1", "2025-01-03T00:00:00.000Z", "new@acme.io"),
                              contact("2", "2025-01-02T00:00:00.000Z")], run_id="r1")
    # an older version arriving later must not overwrite the newer one
    result = warehouse.load(CONTACTS, [contact("1", "2025-01-01T00:00:00.000Z", "older@acme.io"),
                                       contact("2", "2025-01-04T00:00:00.000Z", archived=True)],
                            run_id="r2")
    rows = query(warehouse, "select id, (record->'properties')->>'email', is_deleted "
                            "from raw_hubspot.contacts order by id")
    assert rows == [("1", "new@acme.io", False), ("2", "a@acme.io", True)]
    assert (result.rows_inserted, result.rows_updated, result.rows_deleted) == (0, 1, 1)
    state = query(warehouse, "select cursor_value, run_id from raw_meta.sync_state")
    assert state == [("2025-01-04T00:00:00.000Z", "r2")]


def test_bad_records_are_quarantined_with_a_reason_and_the_rest_load(warehouse):
    result = warehouse.load(CONTACTS, [contact("1", "2025-01-02T00:00:00.000Z"),
                                       {"properties": {"email": "x@acme.io"}},
                                       "not an object"], run_id="r1")
    assert (result.rows_received, result.rows_inserted, result.rows_quarantined) == (3, 1, 2)
    quarantined = query(warehouse, "select stream, reason, cast(payload as varchar) "
                                        "from raw_meta.quarantine order by reason")
    assert quarantined[0][:2] == ("raw_hubspot.contacts", "record has no primary key")
    assert "x@acme.io" in quarantined[0][2]
    assert quarantined[1][1] == "record is a str, not an object"


def test_a_stream_that_dies_midway_leaves_tables_and_state_untouched(warehouse):
    warehouse.load(CONTACTS, [contact("1", "2025-01-02T00:00:00.000Z")], run_id="r1")
    before = query(warehouse, "select * from raw_hubspot.contacts")

    def dying_stream():
        yield contact("1", "2025-02-01T00:00:00.000Z", "changed@acme.io")
        yield contact("9", "2025-02-01T00:00:00.000Z")
        raise ConnectionError("the API went away")

    with pytest.raises(ConnectionError):
        warehouse.load(CONTACTS, dying_stream(), run_id="r2")
    assert query(warehouse, "select * from raw_hubspot.contacts") == before
    assert query(warehouse, "select run_id from raw_meta.sync_state") == [("r1",)]


def test_of_two_versions_read_with_one_timestamp_the_last_read_wins(warehouse):
    warehouse.load(CONTACTS, [contact("1", "2025-01-02T00:00:00.000Z", "first@acme.io"),
                              contact("1", "2025-01-02T00:00:00.000Z", "second@acme.io")],
                   run_id="r1")
    assert query(warehouse, "select (record->'properties')->>'email' "
                            "from raw_hubspot.contacts") == [("second@acme.io",)]


def test_reading_ahead_stops_when_the_reader_of_it_stops():
    read, finished = [], []

    def api():
        try:
            for n in range(1_000_000):
                read.append(n)
                yield n
        finally:
            finished.append(True)

    with closing(read_ahead(api())) as records:
        assert [next(records) for _ in range(3)] == [0, 1, 2]
    deadline = time.monotonic() + 5
    while not finished and time.monotonic() < deadline:
        time.sleep(0.01)
    assert finished and len(read) < 100_000  # no more than the read-ahead holds
