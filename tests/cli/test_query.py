"""`samepage query "SQL"`: an aligned table from the BI copy, which the query cannot change."""

from __future__ import annotations

import hashlib
import shutil
from contextlib import closing
from pathlib import Path

import psycopg2
import pytest

from samepage.cli import main
from samepage.query import format_table
from tests.postgres import temporary_database


@pytest.fixture
def bi_copy(built_marts: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """The built marts published as the BI copy of a configured (absent) warehouse."""
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "samepage.duckdb"))
    published = tmp_path / "samepage_bi.duckdb"
    shutil.copy(built_marts, published)
    monkeypatch.delenv("SAMEPAGE_BI_WAREHOUSE", raising=False)
    return published


def test_query_prints_an_aligned_table_from_the_bi_copy(
        bi_copy: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "select lifecycle_stage, count(*) as people "
                          "from marts.fct_lifecycle_events group by 1 order by 2 desc"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split() == ["lifecycle_stage", "|", "people"]
    assert set(lines[1]) == {"-", "+"}
    assert lines[2].split(" | ")[0].strip() == "lead"
    # every line has its separator at the same place, numbers right-aligned
    assert len({line.index("|") for line in [lines[0], *lines[2:-1]]}) == 1
    assert len({len(line) for line in lines[2:-1]}) == 1
    assert lines[-1] == "(7 rows)"


def test_query_cannot_change_the_bi_copy_or_reach_other_files(
        bi_copy: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    before = hashlib.sha256(bi_copy.read_bytes()).hexdigest()
    outside = tmp_path / "out.csv"
    for statement in ("delete from marts.dim_people",
                      "create table marts.x as select 1 as a",
                      f"copy marts.dim_people to '{outside}'",
                      f"select * from read_csv('{bi_copy}')"):
        assert main(["query", statement]) == 1, statement
        assert capsys.readouterr().err.startswith("samepage query: ")
    assert hashlib.sha256(bi_copy.read_bytes()).hexdigest() == before
    assert not outside.exists()


def test_query_says_more_rows_were_left_out(bi_copy: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["query", "select person_id from marts.dim_people", "--max-rows", "3"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert len(lines) == 2 + 3 + 1
    assert lines[-1] == "(3 rows; more not shown: add a limit, or --max-rows)"


def test_without_a_bi_copy_it_says_how_one_is_made(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "samepage.duckdb"))
    assert main(["query", "select 1"]) == 1
    assert "there is no BI copy at" in capsys.readouterr().err
    assert not (tmp_path / "samepage_bi.duckdb").exists()


def test_format_table_aligns_numbers_right_and_text_left() -> None:
    assert format_table(["kpi", "actual", "on_track"],
                        [("mqls", 11, True), ("sla_attainment", 0.667, None)]) == (
        "kpi            | actual | on_track\n"
        "---------------+--------+---------\n"
        "mqls           |     11 | true\n"
        "sla_attainment |  0.667 | NULL\n")


def test_on_postgres_the_query_runs_read_only_on_the_server(
        monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    with temporary_database() as dsn:
        with closing(psycopg2.connect(dsn)) as con, con, con.cursor() as cursor:
            cursor.execute("create schema marts; create table marts.dim_people as "
                           "select 'p1' as person_id, 3 as touches")
        monkeypatch.setenv("SAMEPAGE_WAREHOUSE", dsn)
        assert main(["query", "select person_id, touches from marts.dim_people"]) == 0
        assert capsys.readouterr().out.splitlines()[2:] == ["p1        |       3", "(1 row)"]
        assert main(["query", "delete from marts.dim_people"]) == 1
        assert "read-only transaction" in capsys.readouterr().err
        with closing(psycopg2.connect(dsn)) as con, con.cursor() as cursor:
            cursor.execute("select count(*) from marts.dim_people")
            assert cursor.fetchone()[0] == 1
