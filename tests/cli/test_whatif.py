"""`samepage what-if`: the marts rebuilt with changed definitions in scratch, side by side with
the current ones, the warehouse and its BI copy untouched."""

from __future__ import annotations

import hashlib
import re
import shutil
from datetime import date
from pathlib import Path

import duckdb
import pytest

from samepage.cli import main
from sandbox.generator import Truth
from sandbox.world import World
from tests.dbt.test_definitions import expected_mql_times

KPI_LABELS = {"MQLs": "mqls", "SALs": "sals", "SQLs": "sqls", "SLA attainment": "sla_attainment",
              "MQL->SQL rate": "mql_to_sql_rate"}


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _figures(output: str) -> dict[tuple[str, str], tuple[str, str]]:
    """(period, KPI label or name) -> (current, what-if) from the printed table."""
    figures, period = {}, "all"
    for line in output.splitlines():
        if header := re.match(r"^(month|quarter) ", line):
            period = header.group(1)
        elif row := re.match(r"^ {2,4}(\S.*?)\s{2,}(\S+)\s+(\S+)", line):
            figures[(period, row.group(1))] = (row.group(2), row.group(3))
        elif drift := re.match(r"^definition drift rows \(all people\)\s+(\S+)\s+(\S+)", line):
            figures[("all", "drift")] = (drift.group(1), drift.group(2))
    return figures


def _shown(kpi: str, value: object) -> str:
    if value is None:
        return "n/a"
    return f"{float(value):.1%}" if kpi in ("sla_attainment", "mql_to_sql_rate") \
        else f"{int(value):,}"


@pytest.fixture
def warehouse(built_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A copy of the built warehouse with a BI copy beside it, as the configured warehouse."""
    path = tmp_path / "samepage.duckdb"
    shutil.copy(built_marts, path)
    bi_copy = tmp_path / "samepage_bi.duckdb"
    shutil.copy(built_marts, bi_copy)
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(path))
    monkeypatch.setenv("SAMEPAGE_BI_WAREHOUSE", str(bi_copy))
    monkeypatch.delenv("SAMEPAGE_AS_OF", raising=False)
    return path


def test_what_if_shows_the_changed_threshold_beside_the_current_figures(
        warehouse: Path, generated: tuple[World, Truth],
        capsys: pytest.CaptureFixture[str]) -> None:
    world, truth = generated
    files = {path: _digest(path) for path in warehouse.parent.iterdir()}

    assert main(["what-if", "mql_score_threshold=35"]) == 0
    output = capsys.readouterr().out
    figures = _figures(output)
    assert "what-if: mql_score_threshold 50 -> 35" in output
    assert f"as of {truth.clock.replace('.000Z', 'Z')}" in output

    # the current column is what the nightly built (the same as-of moment)
    with duckdb.connect(str(warehouse), read_only=True) as con:
        scorecard = {row[0]: row[1:] for row in con.execute(
            "select kpi, actual_mtd, actual_qtd, status, status_qtd "
            "from marts.rpt_goal_scorecard").fetchall()}
        [(drift,)] = con.execute("select count(*) from marts.rpt_definition_drift").fetchall()
    for label, kpi in KPI_LABELS.items():
        assert figures[("month", label)][0] == _shown(kpi, scorecard[kpi][0]), label
        assert figures[("quarter", label)][0] == _shown(kpi, scorecard[kpi][1]), label
    for kpi, (_, _, status, status_qtd) in scorecard.items():
        assert figures[("month", kpi)][0] == status
        assert figures[("quarter", kpi)][0] == status_qtd
    assert figures[("all", "drift")][0] == f"{drift}"

    # the what-if column: MQLs at 35, counted independently from the score histories
    mql_days = [moment.date() for moment in expected_mql_times(world, truth, 35)]
    june = sum(date(2026, 6, 1) <= day <= date(2026, 6, 30) for day in mql_days)
    second_quarter = sum(date(2026, 4, 1) <= day <= date(2026, 6, 30) for day in mql_days)
    assert figures[("month", "MQLs")][1] == f"{june:,}"
    assert figures[("quarter", "MQLs")][1] == f"{second_quarter:,}"
    assert int(figures[("quarter", "MQLs")][1]) > int(figures[("quarter", "MQLs")][0])

    # nothing of the configured warehouse or its BI copy changed, and nothing was added beside
    assert {path: _digest(path) for path in warehouse.parent.iterdir()} == files


def test_a_longer_sla_window_changes_only_the_sla(warehouse: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", "sla_first_touch_hours=720"]) == 0
    figures = _figures(capsys.readouterr().out)
    for period in ("month", "quarter"):
        for label in ("MQLs", "SALs", "SQLs", "MQL->SQL rate"):
            assert figures[(period, label)][0] == figures[(period, label)][1], (period, label)
        old, new = figures[(period, "SLA attainment")]
        assert float(new.rstrip("%")) >= float(old.rstrip("%"))
    assert figures[("quarter", "SLA attainment")][1] != figures[("quarter", "SLA attainment")][0]
    assert figures[("all", "drift")][0] == figures[("all", "drift")][1]


@pytest.mark.parametrize(("arguments", "message"), [
    (["sla_first_touch_hours=0"], "definition sla_first_touch_hours = 0 is not allowed; allowed: "
                                  "a number of hours above 0"),
    (["mql_score_threshold=abc"], 'definition mql_score_threshold = "abc" is not allowed'),
    (["mql_threshold=60"], "unknown definition 'mql_threshold'"),
    (["sla_first_touch_hours"], "'sla_first_touch_hours' is not NAME=VALUE"),
    (["--as-of", "yesterday", "sla_first_touch_hours=48"], "--as-of must be an ISO 8601 instant"),
])
def test_a_nonsense_value_is_refused_before_any_build(
        warehouse: Path, arguments: list[str], message: str,
        capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", *arguments]) == 1
    captured = capsys.readouterr()
    assert message in captured.err
    assert "building" not in captured.out


def test_an_unknown_lead_status_fails_listing_the_known_ones(
        warehouse: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["what-if", "sql_lead_status=Sales Qualified"]) == 1
    err = capsys.readouterr().err
    assert "the build with the changed definitions failed" in err
    assert ('definition sql_lead_status = "Sales Qualified" is not a Lead Status in '
            'Salesforce; known: "Open - Not Contacted", "Working - Contacted", "Qualified", '
            '"Unqualified"') in err


def test_without_a_built_warehouse_it_says_what_to_run(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "none.duckdb"))
    assert main(["what-if", "sla_first_touch_hours=48"]) == 1
    assert "there is no warehouse at" in capsys.readouterr().err
    assert not (tmp_path / "none.duckdb").exists()
