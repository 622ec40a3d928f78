"""vars.samepage_writeback: checked against the schema, and never read by the definitions."""

import re
from pathlib import Path

import pytest
import yaml

from pipelines.agreed_definitions import PROJECT_FILE
from pipelines.paths import REPO_ROOT
from pipelines.writeback.fields import WritebackFieldsError, writeback_fields

DBT_PROJECT = REPO_ROOT / "dbt_project"
# The only files that may name a written field or read its values.
WRITEBACK_FILES = {
    "models/marts/writeback/rpt_writeback_plan.sql",
    "models/staging/hubspot/stg_hubspot__contact_writeback_values.sql",
    "models/staging/salesforce/stg_salesforce__lead_writeback_values.sql",
    "models/staging/salesforce/stg_salesforce__contact_writeback_values.sql",
    # each source's own models of those values, which the plan reads (no staging outside a source)
    "models/intermediate/hubspot/int_hubspot__contact_writeback_values.sql",
    "models/intermediate/salesforce/int_salesforce__lead_writeback_values.sql",
    "models/intermediate/salesforce/int_salesforce__contact_writeback_values.sql",
}


def _project_with(tmp_path: Path, entries: list[dict]) -> Path:
    project = yaml.safe_load(PROJECT_FILE.read_text())
    project["vars"]["samepage_writeback"] = entries
    path = tmp_path / "dbt_project.yml"
    path.write_text(yaml.safe_dump(project))
    return path


def test_the_projects_fields_are_valid_and_samepages_own():
    fields = writeback_fields()
    assert {(f.tool, f.object_type) for f in fields} == {
        ("hubspot", "contacts"), ("salesforce", "Lead"), ("salesforce", "Contact")}
    assert not any(f.tool_native for f in fields)
    assert len({f.column for f in fields}) == 10


@pytest.mark.parametrize(("entry", "problem"), [
    ({"tool": "hubspot", "object": "contacts", "field": "lifecyclestage", "column": "agreed_stage",
      "owner": "sales"}, "lifecyclestage"),
    ({"tool": "salesforce", "object": "Lead", "field": "Status", "column": "agreed_stage",
      "owner": "sales"}, "Status"),
    ({"tool": "salesforce", "object": "Opportunity", "field": "Samepage_Stage__c",
      "column": "agreed_stage", "owner": "sales"}, "Opportunity"),
    ({"tool": "hubspot", "object": "contacts", "field": "samepage_x", "column": "email",
      "owner": "sales"}, "email"),
    ({"tool": "hubspot", "object": "contacts", "field": "samepage_x", "column": "mql_at",
      "owner": "nobody"}, "nobody"),
])
def test_a_field_samepage_does_not_own_or_a_bad_entry_is_refused(tmp_path, entry, problem):
    with pytest.raises(WritebackFieldsError, match=problem):
        writeback_fields(_project_with(tmp_path, [entry]))


def test_a_tool_native_field_is_written_only_when_listed_as_such(tmp_path):
    entry = {"tool": "hubspot", "object": "contacts", "field": "lifecyclestage",
             "column": "agreed_stage", "owner": "revenue operations", "tool_native": True}
    (field,) = writeback_fields(_project_with(tmp_path, [entry]))
    assert field.tool_native and field.field == "lifecyclestage"


def test_a_field_listed_twice_is_refused(tmp_path):
    entry = {"tool": "hubspot", "object": "contacts", "field": "samepage_stage",
             "column": "agreed_stage", "owner": "sales"}
    with pytest.raises(WritebackFieldsError, match="twice"):
        writeback_fields(_project_with(tmp_path, [entry, {**entry, "column": "sql_at"}]))


def test_samepages_fields_are_never_inputs_to_the_definitions():
    """No model or macro but the write-back plan's own names a written field or reads the models
    of their extracted values: what samepage writes cannot feed what it computes (no loops)."""
    names = {f.field.lower() for f in writeback_fields()}
    value_models = {Path(p).stem for p in WRITEBACK_FILES if p.endswith("_writeback_values.sql")}
    pattern = re.compile("|".join(re.escape(n) for n in names | value_models), re.IGNORECASE)
    offenders = []
    for path in [*DBT_PROJECT.glob("models/**/*.sql"), *DBT_PROJECT.glob("macros/**/*.sql"),
                 *DBT_PROJECT.glob("tests/**/*.sql"), *DBT_PROJECT.glob("snapshots/**/*.sql")]:
        relative = path.relative_to(DBT_PROJECT).as_posix()
        if relative not in WRITEBACK_FILES and pattern.search(path.read_text()):
            offenders.append(relative)
    assert offenders == []
    # and nothing refs the plan itself inside dbt
    refs = [p.relative_to(DBT_PROJECT).as_posix() for p in DBT_PROJECT.glob("models/**/*.sql")
            if "ref('rpt_writeback_plan')" in p.read_text()]
    assert refs == []
