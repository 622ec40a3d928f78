"""The weekly digest says what was written back this week, and what would be."""

from __future__ import annotations

import shutil
from datetime import datetime, timedelta
from pathlib import Path

from pipelines.digest.queries import Reader, load_digest
from pipelines.digest.render_markdown import render_markdown
from pipelines.warehouse import DuckDBWarehouse
from pipelines.warehouse.duckdb import connect_duckdb
from pipelines.writeback.log import FAILED, SKIPPED, WRITTEN, LogEntry, WritebackLog


def _digest(warehouse: Path):
    with connect_duckdb(warehouse, read_only=True) as con:
        return load_digest(Reader(con, "?"))


def test_the_digest_shows_the_plan_and_the_fields_written_since_the_week_began(built_marts,
                                                                               tmp_path):
    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_marts, warehouse)
    before = _digest(warehouse)
    with connect_duckdb(warehouse, read_only=True) as con:
        [(fields, records)] = con.execute(
            "select count(*), count(distinct tool || object_type || record_id) "
            "from marts.rpt_writeback_plan").fetchall()
    assert fields > 0
    assert (before.writeback.planned_fields, before.writeback.planned_records) == (fields, records)
    assert before.writeback.by_tool == []  # nothing applied yet: no log
    markdown = render_markdown(before)
    assert "## Written back into the tools" in markdown
    assert f"{fields} field values on {records} records" in markdown

    week_start = datetime.combine(before.week.start, datetime.min.time())
    rows = [("hubspot", WRITTEN), ("hubspot", WRITTEN), ("hubspot", FAILED),
            ("salesforce", WRITTEN), ("salesforce", SKIPPED)]
    entries = [LogEntry("run-1", tool, "contacts", str(i), "samepage_stage", None, "mql", status,
                        None, week_start + timedelta(hours=1)) for i, (tool, status) in
               enumerate(rows)]
    # a write before the week began is not this week's
    entries.append(LogEntry("run-0", "hubspot", "contacts", "9", "samepage_stage", None, "lead",
                            WRITTEN, None, week_start - timedelta(hours=1)))
    WritebackLog(DuckDBWarehouse(warehouse)).append(entries)
    after = _digest(warehouse)
    assert after.writeback.by_tool == [("hubspot", 2, 1, 0), ("salesforce", 1, 0, 1)]
    assert "| hubspot | 2 | 1 | 0 |" in render_markdown(after)
