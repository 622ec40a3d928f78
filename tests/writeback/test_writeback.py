"""The write-back end to end over HTTP: the nightly job against a sandbox, then the official
clients read back what samepage wrote (issue 14)."""

from __future__ import annotations

import pytest

from pipelines.writeback.log import WRITTEN
from sandbox.app import Sandbox
from tests.pipelines.conftest import load_definitions
from tests.writeback.conftest import (
    checks,
    deployed,
    differences,
    materialization,
    query,
    run_nightly,
)

pytestmark = pytest.mark.slow


def _log(warehouse, run_id=None):
    where = f"where run_id = '{run_id}'" if run_id else ""
    return query(warehouse, f"select run_id, tool, object_type, record_id, field_name, "
                            f"old_value, new_value, status, error from raw_meta.writeback_log "
                            f"{where} order by all")


def test_apply_writes_the_agreed_answers_and_the_next_nightly_writes_nothing(
        small_world, pipeline_env, monkeypatch):
    point_at, warehouse = pipeline_env
    with Sandbox(deployed(small_world[0])) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("SAMEPAGE_WRITEBACK", "apply")
        defs = load_definitions()
        first = run_nightly(defs)
        assert first.success
        meta = materialization(first)
        assert meta["planned_changes"] > 0 and meta["written"] == meta["planned_changes"]
        assert all(c.passed for c in checks(first).values())
        # hubspot-api-client and simple-salesforce read what the marts say, for every person
        assert differences(sandbox, warehouse) == []
        # every planned field written once, logged with its old and new value
        log = _log(warehouse, first.run_id)
        assert len(log) == meta["planned_changes"]
        assert {row[7] for row in log} == {WRITTEN}
        assert len({row[1:5] for row in log}) == len(log)
        assert len(sandbox.write_requests()) > 0

        # No loops: the next nightly re-extracts the written records and has nothing to write.
        writes_before = len(sandbox.write_requests())
        second = run_nightly(defs)
        assert second.success
        assert query(warehouse, "select count(*) from marts.rpt_writeback_plan") == [(0,)]
        assert materialization(second)["planned_changes"] == 0
        assert len(sandbox.write_requests()) == writes_before
        assert _log(warehouse, second.run_id) == []


def test_plan_mode_shows_the_plan_and_sends_no_write(small_world, pipeline_env, monkeypatch):
    point_at, warehouse = pipeline_env
    with Sandbox(deployed(small_world[0])) as sandbox:
        point_at(sandbox)
        monkeypatch.delenv("SAMEPAGE_WRITEBACK", raising=False)  # the default is plan
        result = run_nightly(load_definitions())
        assert result.success
        meta = materialization(result)
        assert meta["mode"] == "plan"
        planned = query(warehouse, "select count(*) from marts.rpt_writeback_plan")[0][0]
        assert meta["planned_changes"] == planned > 0
        assert sandbox.write_requests() == []
        # the tools still show none of the agreed answers
        assert len(differences(sandbox, warehouse)) >= planned
        assert query(warehouse, "select count(*) from information_schema.tables "
                                "where table_name = 'writeback_log'") == [(0,)]
