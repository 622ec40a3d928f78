"""The nightly job end to end: sandbox -> raw tables -> dbt -> marts.dim_people."""

import re

import dagster as dg
import pytest

from sandbox.app import Sandbox
from tests.pipelines.conftest import load_definitions, query, run_nightly

pytestmark = pytest.mark.slow

_EMAIL = re.compile(r".+@.+\..+", re.DOTALL)


def expected_people(world) -> set[str]:
    """The agreed person rule, computed independently of the SQL: same lower(trim(email)) is one
    person; a record without a valid e-mail is its own person; deleted records make no people."""
    keys = set()
    for contact in world.hubspot["contacts"]:
        if not contact.get("archived"):
            keys.add(_key(contact["properties"].get("email"), f"hubspot_contact:{contact['id']}"))
    for lead in world.salesforce["objects"]["Lead"]:
        if not lead["IsDeleted"]:
            keys.add(_key(lead.get("Email"), f"salesforce_lead:{lead['Id']}"))
    return keys


def _key(email: str | None, fallback: str) -> str:
    normalized = (email or "").strip(" ").lower()
    return normalized if _EMAIL.fullmatch(normalized) else fallback


def test_nightly_builds_dim_people_from_both_tools(generated, pipeline_env):
    point_at, warehouse = pipeline_env
    world, _ = generated
    with Sandbox(world) as sandbox:
        point_at(sandbox)
        defs = load_definitions()
        result = run_nightly(defs)
        assert result.success
        people = query(warehouse, "select email, hubspot_contact_id, salesforce_lead_id "
                                  "from marts.dim_people")
        expected = expected_people(world)
        assert len(people) == len(expected)
        assert {email for email, *_ in people if email} == {k for k in expected if "@" in k}
        both = [p for p in people if p[1] and p[2]]
        assert both, "some people should be matched across HubSpot and Salesforce"

        raw_contacts = query(warehouse, "select count(*), count(*) filter (where is_deleted) "
                                        "from raw_hubspot.contacts")[0]
        assert raw_contacts == (len(world.hubspot["contacts"]),
                                sum(bool(c.get("archived")) for c in world.hubspot["contacts"]))
        leads = world.salesforce["objects"]["Lead"]
        assert query(warehouse, "select count(*) from raw_salesforce.lead")[0][0] == len(leads)

        # A second run changes nothing: nothing lost, nothing doubled.
        before = query(warehouse, "select * from marts.dim_people order by person_id")
        raw_before = query(warehouse, "select id, cursor_value, is_deleted, record::varchar "
                                      "from raw_hubspot.contacts order by id")
        assert run_nightly(defs).success
        assert query(warehouse, "select * from marts.dim_people order by person_id") == before
        assert query(warehouse, "select id, cursor_value, is_deleted, record::varchar "
                                "from raw_hubspot.contacts order by id") == raw_before


def test_a_refused_credential_fails_with_one_line_naming_the_variables(generated, pipeline_env,
                                                                       monkeypatch):
    point_at, _ = pipeline_env
    with Sandbox(generated[0]) as sandbox:
        point_at(sandbox)
        monkeypatch.setenv("HUBSPOT_ACCESS_TOKEN", "pat-na1-revoked")
        result = load_definitions().resolve_job_def("nightly").execute_in_process(
            instance=dg.DagsterInstance.ephemeral(), raise_on_error=False,
            asset_selection=[dg.AssetKey(["raw_hubspot", "contacts"])])
    assert not result.success
    failures = [event.step_failure_data.error for event in result.all_events
                if event.is_step_failure]
    assert failures
    description = failures[0].message
    assert "HubSpot refused the access token" in description
    assert "HUBSPOT_ACCESS_TOKEN" in description
    assert "pat-na1-revoked" not in description
