"""Every documented variable is checked when the code location loads or a command starts: a bad
value fails at once, naming the variable, and nothing is created or downloaded on the way."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import duckdb
import pytest

from pipelines import settings
from pipelines.paths import REPO_ROOT
from pipelines.settings import SettingsError
from pipelines.warehouse.duckdb import connect_duckdb
from tests.pipelines.conftest import load_definitions


@pytest.mark.parametrize("value", [
    "garbage",  # used to become a 17 MB database named "garbage" in the repository root
    "mysql://user@db.example.com:3306/crm",  # used to become a folder, then an extension download
    "md:my_database",  # MotherDuck: a network extension
    "s3://bucket/warehouse.duckdb",
    "postgresql://user@/crm",  # no host
    "postgresql://user@db.example.com:5432",  # no database
    "postgresql://user@db.example.com:port/crm",
])
def test_the_warehouse_is_a_duckdb_file_or_a_postgresql_url_and_nothing_else(value, tmp_path):
    before = sorted(REPO_ROOT.iterdir())
    with pytest.raises(SettingsError, match=r"^SAMEPAGE_WAREHOUSE "):
        settings.warehouse_location({"SAMEPAGE_WAREHOUSE": value})
    assert sorted(REPO_ROOT.iterdir()) == before


def test_a_directory_or_an_unwritable_place_is_refused_at_once(tmp_path):
    with pytest.raises(SettingsError, match="SAMEPAGE_WAREHOUSE names a directory"):
        settings.warehouse_location({"SAMEPAGE_WAREHOUSE": str(tmp_path)})
    # /proc takes no new files, even from root; a read-only folder stops everyone else
    locked = tmp_path / "locked"
    locked.mkdir(mode=0o500)
    for unwritable in (Path("/proc/w.duckdb"), locked / "w.duckdb"):
        if unwritable.parent == locked and os.geteuid() == 0:
            continue
        with pytest.raises(SettingsError, match="SAMEPAGE_WAREHOUSE is not writable"):
            settings.warehouse_location({"SAMEPAGE_WAREHOUSE": str(unwritable)})


def test_a_file_in_the_way_of_the_warehouse_folder_is_refused(tmp_path):
    (tmp_path / "data").write_text("not a folder")
    with pytest.raises(SettingsError, match="SAMEPAGE_WAREHOUSE cannot be created"):
        settings.warehouse_location({"SAMEPAGE_WAREHOUSE": str(tmp_path / "data" / "w.duckdb")})


def test_the_documented_forms_are_accepted(tmp_path):
    assert settings.warehouse_location({}) == str(REPO_ROOT / "data" / "samepage.duckdb")
    assert settings.warehouse_location({"SAMEPAGE_WAREHOUSE": "data/x.duckdb"}) == \
        str(REPO_ROOT / "data" / "x.duckdb")
    assert settings.warehouse_location(
        {"SAMEPAGE_WAREHOUSE": str(tmp_path / "new" / "w.duckdb")}) == \
        str(tmp_path / "new" / "w.duckdb")
    url = "postgresql://samepage@127.0.0.1:5432/crm"
    assert settings.warehouse_location({"SAMEPAGE_WAREHOUSE": url}) == url


def test_a_refused_postgresql_url_never_echoes_its_password():
    with pytest.raises(SettingsError) as refused:
        settings.warehouse_location({"SAMEPAGE_WAREHOUSE": "postgresql://u:s3cret@host:5432"})
    assert "s3cret" not in str(refused.value)


@pytest.mark.parametrize(("variable", "value"), [
    ("HUBSPOT_CALLS_PER_10_SECONDS", "fast"),
    ("HUBSPOT_CALLS_PER_10_SECONDS", "0"),
    ("HUBSPOT_SEARCH_CALLS_PER_SECOND", "-5"),
    ("HUBSPOT_API_BASE", "api.hubapi.com"),
    ("SALESFORCE_LOGIN_URL", "ftp://login.salesforce.com"),
    ("SALESFORCE_API_VERSION", "62"),
    ("SAMEPAGE_TIMEZONE", "Mars/Olympus_Mons"),
    ("SAMEPAGE_NIGHTLY_CRON", "every night"),
    ("SAMEPAGE_DIGEST_CRON", "0 7 * * 8"),
    ("SAMEPAGE_AS_OF", "yesterday"),
    ("SAMEPAGE_AS_OF", "2026-07-01T00:00:00"),  # no offset: which night?
    ("SAMEPAGE_BI_WAREHOUSE", "bi.csv"),
    ("SLACK_WEBHOOK_URL", "http://hooks.slack.com/services/T/B/x"),
    ("DAGSTER_UI_URL", "localhost:3000"),
    ("SAMEPAGE_SOURCES", "hubspot,marketo"),
])
def test_every_documented_variable_is_checked_and_named(variable, value):
    with pytest.raises(SettingsError, match=rf"^{variable} "):
        settings.check_all({variable: value})


def test_the_enabled_sources_are_known_ones_in_a_fixed_order_all_when_unset():
    assert settings.sources({}) == settings.sources({"SAMEPAGE_SOURCES": " "}) == \
        ("hubspot", "salesforce")
    assert settings.sources({"SAMEPAGE_SOURCES": " Salesforce , hubspot,"}) == \
        ("hubspot", "salesforce")
    assert settings.sources({"SAMEPAGE_SOURCES": "hubspot"}) == ("hubspot",)
    with pytest.raises(SettingsError, match=r"^SAMEPAGE_SOURCES names an unknown source "
                                            r"'marketo' \(known: hubspot, salesforce\)$"):
        settings.sources({"SAMEPAGE_SOURCES": "hubspot,marketo"})
    with pytest.raises(SettingsError, match=r"^SAMEPAGE_SOURCES names no source"):
        settings.sources({"SAMEPAGE_SOURCES": ",,"})


def test_the_bi_copy_cannot_be_the_warehouse_itself(tmp_path):
    warehouse = str(tmp_path / "w.duckdb")
    with pytest.raises(SettingsError, match="SAMEPAGE_BI_WAREHOUSE names the warehouse"):
        settings.check_all({"SAMEPAGE_WAREHOUSE": warehouse, "SAMEPAGE_BI_WAREHOUSE": warehouse})


def test_the_code_location_refuses_to_load_with_a_bad_setting(monkeypatch, tmp_path):
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "w.duckdb"))
    monkeypatch.setenv("SAMEPAGE_NIGHTLY_CRON", "at two")
    with pytest.raises(Exception) as failed:  # Dagster wraps the cause
        load_definitions()
    causes = []
    error: BaseException | None = failed.value
    while error is not None:
        causes.append(error)
        error = error.__cause__
    assert any(isinstance(cause, SettingsError) and cause.variable == "SAMEPAGE_NIGHTLY_CRON"
               for cause in causes)


def test_the_cli_refuses_a_bad_warehouse_naming_the_variable(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "samepage", "demo", "--scale", "20"],
        env={**os.environ, "SAMEPAGE_WAREHOUSE": "mysql://u@h/db",
             "DAGSTER_HOME": str(tmp_path / "dh")},
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith("samepage: SAMEPAGE_WAREHOUSE must be")
    assert "Traceback" not in result.stderr
    assert list(tmp_path.iterdir()) == []  # no world, no instance, no database


@pytest.mark.parametrize(("sources", "refusal"), [
    ("marketo", "samepage: SAMEPAGE_SOURCES names an unknown source 'marketo'"),
    ("salesforce", "samepage: SAMEPAGE_SOURCES (salesforce) enables none of the tools of a "
                   "hubspot company"),
])
def test_the_demo_refuses_sources_its_company_cannot_serve(sources, refusal, tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "samepage", "demo", "--scale", "20", "--topology", "hubspot"],
        env={**os.environ, "SAMEPAGE_SOURCES": sources,
             "SAMEPAGE_WAREHOUSE": str(tmp_path / "w.duckdb"),
             "DAGSTER_HOME": str(tmp_path / "dh")},
        cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False)
    assert result.returncode == 2
    assert result.stderr.startswith(refusal), result.stderr
    assert list(tmp_path.iterdir()) == []  # no world, no instance, no database


def test_duckdb_never_fetches_an_extension_from_the_network(tmp_path):
    """httpfs is not built in: a read of a URL fails at once instead of downloading it."""
    with connect_duckdb(tmp_path / "w.duckdb") as con, \
            pytest.raises(duckdb.Error, match=r"(?i)httpfs"):
        con.sql("select * from read_csv('https://example.com/data.csv')").fetchall()


def test_dbt_runs_duckdb_without_extension_autoloading():
    profile = (REPO_ROOT / "dbt_project" / "profiles.yml").read_text()
    assert "autoinstall_known_extensions: false" in profile
    assert "autoload_known_extensions: false" in profile


def test_a_relative_path_is_taken_from_the_repository_root():
    assert Path(settings.warehouse_location({"SAMEPAGE_WAREHOUSE": "data/w.duckdb"})).is_absolute()


def test_a_slack_webhook_is_https_or_on_this_machine():
    assert settings.slack_webhook_configured({"SLACK_WEBHOOK_URL": "https://hooks.slack.com/x"})
    assert settings.slack_webhook_configured({"SLACK_WEBHOOK_URL": "http://127.0.0.1:9000/hook"})
    assert not settings.slack_webhook_configured({})
