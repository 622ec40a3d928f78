"""The nightly keeps dbt's partial parsing: a new as-of moment each night re-parses no file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.dbt.conftest import dbt_invoke


def test_a_new_as_of_moment_reparses_nothing(tmp_path: Path,
                                             monkeypatch: pytest.MonkeyPatch) -> None:
    warehouse = tmp_path / "warehouse.duckdb"
    for night in ("2026-07-01T00:00:00.000Z", "2026-07-02T00:00:00.000Z"):
        monkeypatch.setenv("SAMEPAGE_AS_OF", night)
        dbt_invoke(warehouse, tmp_path, "parse")
    perf = json.loads((tmp_path / "target" / "perf_info.json").read_text())
    assert perf["is_partial_parse_enabled"]
    assert perf["parsed_path_count"] == 0, "a changed SAMEPAGE_AS_OF made dbt re-parse files"
