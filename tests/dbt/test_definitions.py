"""Done when: changing mql_score_threshold changes the MQL counts as expected, with nothing else
edited (the expectation is computed here, independently, from the world's score histories); and a
nonsense definition is refused before any build, naming the definition, its value and what is
allowed."""

from __future__ import annotations

import json
import shutil
from datetime import datetime
from pathlib import Path

import dagster as dg
import duckdb
import pytest
from dagster_dbt import DbtCliResource

from pipelines import agreed_definitions
from pipelines.agreed_definitions import (
    PROJECT_FILE,
    SCHEMA_FILE,
    DefinitionsError,
    checked_definitions,
    load_definitions,
)
from sandbox.generator import Truth, params
from sandbox.world import World
from tests.dbt.conftest import DBT, DBT_PROJECT, dbt_invoke
from tests.dbt.raw_loader import load_world
from tests.goals.conftest import dbt_run_in


def _time(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00"))


def expected_mqls(world: World, truth: Truth, threshold: int) -> int:
    return len(expected_mql_times(world, truth, threshold))


def expected_mql_times(world: World, truth: Truth, threshold: int) -> list[datetime]:
    """When people's contacts' score history first reaches ``threshold`` while they are neither
    free-mail nor already customers (the truth says who is who)."""
    history = {c["id"]: c["propertiesWithHistory"]["hubspotscore"]
               for c in world.hubspot["contacts"] if not c["archived"]}
    times = []
    for person in truth.people:
        email = person["email"] or ""
        if email.rpartition("@")[2] in params.FREE_EMAIL_DOMAINS:
            continue
        crossings = [_time(entry["timestamp"])
                     for cid in person["hubspot_contact_ids"] if cid in history
                     for entry in history[cid] if int(entry["value"]) >= threshold]
        if not crossings:
            continue
        first = min(crossings)
        customer = person["customer_at"]
        if customer is None or _time(customer) > first:
            times.append(first)
    return times


@pytest.mark.parametrize("threshold", [35, 65])
def test_mql_threshold_changes_the_outputs(built_warehouse: Path, tmp_path: Path,
                                           world_and_truth: tuple[World, Truth],
                                           threshold: int) -> None:
    world, truth = world_and_truth
    assert expected_mqls(world, truth, 50) == truth.totals["mqls"]   # the oracle is right

    warehouse = tmp_path / "warehouse.duckdb"
    shutil.copy(built_warehouse, warehouse)
    dbt_invoke(warehouse, tmp_path, "run",
               "--select", "int_people__stage_events+", "dim_definitions",
               vars={"as_of": truth.clock, "mql_score_threshold": threshold})
    with duckdb.connect(str(warehouse), read_only=True) as con:
        mqls = con.execute("select count(mql_at) from marts.dim_people").fetchone()[0]
        handoffs = con.execute("select count(*) from marts.fct_lead_handoffs").fetchone()[0]
        published = con.execute("select definition_value, is_overridden from "
                                "marts.dim_definitions where definition_name = "
                                "'mql_score_threshold'").fetchone()
    assert mqls == handoffs == expected_mqls(world, truth, threshold)
    assert (mqls > truth.totals["mqls"]) == (threshold < 50)
    assert published == (str(threshold), True)


# --- The definitions are checked against dbt_project/definitions.schema.json before a build ---

def test_the_shipped_definitions_match_the_schema() -> None:
    checked = checked_definitions()
    assert checked == load_definitions()
    assert set(json.loads(SCHEMA_FILE.read_text())["required"]) <= set(checked)


@pytest.mark.parametrize(("overrides", "expected"), [
    ({"sla_first_touch_hours": 0},
     "definition sla_first_touch_hours = 0 is not allowed; allowed: a number of hours above 0"),
    ({"mql_score_threshold": "abc"},
     'definition mql_score_threshold = "abc" is not allowed; allowed: a HubSpot score above 0'),
    ({"free_email_domains": ["gmail.com", "Yahoo.com"]},
     'definition free_email_domains = ["gmail.com", "Yahoo.com"] is not allowed; allowed: '
     "a list of distinct lower-case e-mail domains"),
    ({"reporting_timezone": "Europe/Atlantis"},
     'definition reporting_timezone = "Europe/Atlantis" is not allowed; allowed: an IANA time'),
    ({"sql_lead_status": " "}, 'definition sql_lead_status = " " is not allowed'),
    ({"goal_at_risk_pace": 0.99},
     "definition goal_at_risk_pace = 0.99 is above goal_on_track_pace = 0.95"),
    ({"rule_mql": "anything"}, 'definition rule_mql = "anything" is not allowed; allowed: null'),
    ({"mql_threshold": 60}, "unknown definition 'mql_threshold': the definitions are "),
])
def test_a_nonsense_value_is_refused_naming_the_definition(overrides: dict,
                                                           expected: str) -> None:
    with pytest.raises(DefinitionsError) as refused:
        checked_definitions(overrides)
    assert expected in str(refused.value)


def test_an_entry_must_be_in_the_schema_and_complete() -> None:
    definitions = load_definitions()
    definitions["sla_business_hours_only"] = {"owner": "sales", "value": True,
                                              "description": "Count only business hours."}
    del definitions["mql_score_threshold"]["owner"]
    definitions["rule_sal"]["description"] = "  "
    with pytest.raises(DefinitionsError) as refused:
        checked_definitions(definitions=definitions)
    assert refused.value.problems == [
        "definition sla_business_hours_only is not in dbt_project/definitions.schema.json: "
        "add it there with the values it allows",
        "definition mql_score_threshold: 'owner' is a required property",
        "definition rule_sal description: '  ' does not match '\\\\S'",
    ]


def test_the_nightly_dbt_asset_refuses_a_nonsense_definition(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project_file = tmp_path / "dbt_project.yml"
    project_file.write_text(PROJECT_FILE.read_text().replace(
        "    sla_first_touch_hours:\n      owner: sales\n      value: 24\n",
        "    sla_first_touch_hours:\n      owner: sales\n      value: 0\n"))
    monkeypatch.setattr(agreed_definitions, "PROJECT_FILE", project_file)
    from pipelines.defs.dbt import samepage_dbt_models
    # dbt itself must not run: this warehouse path does not exist
    monkeypatch.setenv("SAMEPAGE_WAREHOUSE", str(tmp_path / "absent" / "warehouse.duckdb"))
    result = dg.materialize([samepage_dbt_models], raise_on_error=False, resources={
        "dbt": DbtCliResource(project_dir=str(DBT_PROJECT), dbt_executable=str(DBT))})
    assert not result.success
    failure = next(event for event in result.all_events if event.is_step_failure)
    description = failure.step_failure_data.user_failure_data.description
    assert "definition sla_first_touch_hours = 0 is not allowed" in description
    assert not (tmp_path / "absent").exists()


# --- The agreed Lead statuses are checked against Salesforce's Lead.Status picklist ---

def test_an_unknown_lead_status_fails_listing_the_known_ones(
        tmp_path: Path, generated: tuple[World, Truth]) -> None:
    world, _ = generated
    warehouse = tmp_path / "warehouse.duckdb"
    load_world(warehouse, world)
    with duckdb.connect(str(warehouse)) as con:   # a value no longer active still counts
        [(record,)] = con.execute("select record from raw_salesforce.fields "
                                  "where id = 'Lead.Status'").fetchall()
        status = json.loads(record)
        for value in status["picklistValues"]:
            value["active"] = value["value"] != "Qualified"
        con.execute("update raw_salesforce.fields set record = ? where id = 'Lead.Status'",
                    [json.dumps(status)])
    check = ("build", "--select", "stg_salesforce__fields")
    assert dbt_run_in(DBT_PROJECT, warehouse, tmp_path, *check).returncode == 0

    result = dbt_run_in(DBT_PROJECT, warehouse, tmp_path, *check,
                        "--vars", json.dumps({"sql_lead_status": "Sales Qualified"}))
    assert result.returncode != 0
    assert "FAIL 1 lead_statuses_known_to_salesforce" in result.stdout, result.stdout[-3000:]
    assert ('lead_statuses_known_to_salesforce: definition sql_lead_status = "Sales Qualified" '
            'is not a Lead Status in Salesforce; known: "Open - Not Contacted", '
            '"Working - Contacted", "Qualified" (inactive), "Unqualified"') in result.stdout
    with duckdb.connect(str(warehouse), read_only=True) as con:
        assert con.execute("select field_type, json_array_length(picklist_values) "
                           "from staging.stg_salesforce__fields "
                           "where salesforce_field_id = 'Lead.Status'").fetchall() == [
            ("picklist", 4)]


def test_a_plain_dbt_vars_override_of_another_kind_fails_naming_the_definition(
        tmp_path: Path) -> None:
    result = dbt_run_in(DBT_PROJECT, tmp_path / "warehouse.duckdb", tmp_path, "compile",
                        "--select", "fct_lead_handoffs",
                        "--vars", json.dumps({"sla_first_touch_hours": "abc"}))
    assert result.returncode != 0
    assert ('definition sla_first_touch_hours = "abc" is text, not a number like the agreed '
            "value 24") in result.stdout, result.stdout[-2000:]
