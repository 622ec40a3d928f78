"""A small generated company whose Salesforce org has samepage's fields deployed, the nightly
run against it over HTTP, and the official clients to read back what samepage wrote."""

from __future__ import annotations

import hashlib
import json
import shutil
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import requests
import yaml
from hubspot import HubSpot
from simple_salesforce import Salesforce

from pipelines.agreed_definitions import PROJECT_FILE
from pipelines.writeback.fields import WritebackField, writeback_fields
from sandbox.app import Sandbox
from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.pipelines.conftest import (  # noqa: F401 - fixture re-exported
    load_definitions,
    pipeline_env,
    query,
)

SEED, SCALE = 5, 400
OP = "writeback__crm_fields"


@pytest.fixture(scope="session")
def small_world() -> tuple[World, Truth]:
    return generate(SEED, SCALE)


def deployed(world: World, missing: Iterable[str] = (),
             lengths: dict[str, int] | None = None) -> World:
    """The world's org after an admin deployed samepage's Salesforce fields (but ``missing``,
    "Lead.Samepage_SLA_Due_At__c"; text fields 255 long but for ``lengths``): a copy, the
    session's world is shared."""
    left_out = set(missing)
    describe = dict(world.salesforce["describe"])
    for f in writeback_fields():
        if f.tool != "salesforce" or f"{f.object_type}.{f.field}" in left_out:
            continue
        length = (lengths or {}).get(f"{f.object_type}.{f.field}", 255)
        entry = {"type": "datetime"} if f.is_datetime else {"type": "string", "length": length}
        sobject = describe[f.object_type]
        describe[f.object_type] = {**sobject, "fields": [*sobject["fields"], {
            "name": f.field, "label": f.label, "custom": True, "calculated": False,
            "nillable": True, "updateable": True, "referenceTo": [], **entry}]}
    return World(clock=world.clock, hubspot=world.hubspot, generator=world.generator,
                 salesforce={**world.salesforce, "describe": describe})


@dataclass(frozen=True)
class Planned:
    """A fresh org's first nightly in plan mode: the sandbox (nothing written) and warehouse."""

    sandbox: Sandbox
    warehouse: Path
    result: dg.ExecuteInProcessResult

    def copy_to(self, warehouse: Path) -> None:
        """Start a test from this night: plan mode wrote nothing, so a new sandbox of the same
        org and a copy of the warehouse are where the next nightly would start."""
        shutil.copy(self.warehouse, warehouse)


@pytest.fixture(scope="module")
def planned(small_world: tuple[World, Truth],
            tmp_path_factory: pytest.TempPathFactory) -> Iterator[Planned]:
    """One plan-mode nightly the module's tests share instead of each running its own (a
    nightly is mostly its dbt build, the same for every test)."""
    warehouse = tmp_path_factory.mktemp("writeback-planned") / "warehouse.duckdb"
    with Sandbox(deployed(small_world[0])) as sandbox:
        with pytest.MonkeyPatch.context() as patch:
            patch.setenv("SAMEPAGE_WAREHOUSE", str(warehouse))
            for name, value in sandbox.environment().items():
                patch.setenv(name, value)
            patch.delenv("SAMEPAGE_WRITEBACK", raising=False)  # the default is plan
            result = run_nightly(load_definitions())
        yield Planned(sandbox, warehouse, result)


def run_nightly(defs: dg.Definitions, *, allow_mass_change: bool = False
                ) -> dg.ExecuteInProcessResult:
    config = {"ops": {OP: {"config": {"allow_mass_change": allow_mass_change}}}}
    return defs.resolve_job_def("nightly").execute_in_process(
        instance=dg.DagsterInstance.ephemeral(), raise_on_error=False, run_config=config)


def checks(result: dg.ExecuteInProcessResult) -> dict[str, dg.AssetCheckEvaluation]:
    return {e.asset_check_evaluation_data.check_name: e.asset_check_evaluation_data
            for e in result.all_events if e.event_type_value == "ASSET_CHECK_EVALUATION"
            and e.asset_check_evaluation_data.asset_key == dg.AssetKey(["writeback",
                                                                        "crm_fields"])}


def materialization(result: dg.ExecuteInProcessResult) -> dict[str, Any]:
    (m,) = [m for m in result.asset_materializations_for_node(OP)]
    return {k: v.value for k, v in m.metadata.items()}


def definitions_version() -> str:
    """What dbt computes: md5 of the definitions as sorted JSON, first 12 characters."""
    definitions = yaml.safe_load(PROJECT_FILE.read_text())["vars"]["samepage_definitions"]
    return hashlib.md5(json.dumps(definitions, sort_keys=True).encode()).hexdigest()[:12]


# -- reading back with the official clients ----------------------------------------------------

class _HttpsToHttp(requests.adapters.HTTPAdapter):
    """simple-salesforce builds https:// URLs from the instance URL; the sandbox serves http."""

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        request.url = "http://" + str(request.url).removeprefix("https://")
        return super().send(request, *args, **kwargs)


def simple_salesforce(sandbox: Sandbox) -> Salesforce:
    token = requests.post(sandbox.url + "/services/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": sandbox.salesforce_client_id,
        "client_secret": sandbox.salesforce_client_secret}, timeout=10).json()
    session = requests.Session()
    session.mount("https://" + sandbox.url.removeprefix("http://"), _HttpsToHttp())
    return Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                      session=session, version="62.0")


def read_back(sandbox: Sandbox) -> dict[tuple[str, str, str], dict[str, str | None]]:
    """(tool, object, id) -> {field: value} of every live target record, through
    hubspot-api-client and simple-salesforce."""
    fields = writeback_fields()
    found: dict[tuple[str, str, str], dict[str, str | None]] = {}
    hubspot = HubSpot(access_token=sandbox.hubspot_access_token, host=sandbox.url)
    names = [f.field for f in fields if f.tool == "hubspot"]
    for contact in hubspot.crm.contacts.get_all(properties=names):
        found[("hubspot", "contacts", contact.id)] = {n: contact.properties.get(n) for n in names}
    sf = simple_salesforce(sandbox)
    for sobject in ("Lead", "Contact"):
        names = [f.field for f in fields if (f.tool, f.object_type) == ("salesforce", sobject)]
        described = {f["name"] for f in getattr(sf, sobject).describe()["fields"]}
        names = [n for n in names if n in described]
        for record in sf.query_all(f"select Id, {', '.join(names)} from {sobject}")["records"]:
            found[("salesforce", sobject, record["Id"])] = {n: record.get(n) for n in names}
    return found


def expected_values(warehouse: Path) -> dict[tuple[str, str, str], dict[str, str | None]]:
    """What the marts say each target record should show: the person's agreed answers on their
    HubSpot contacts, their Leads not converted and their Contacts."""
    version = definitions_version()
    rows = query(warehouse, """
        select p.person_id, p.current_stage, p.mql_at, p.sal_at, p.sql_at, h.sla_status,
               h.sla_due_at, p.rejection_reason, p.rejected_at, p.hubspot_contact_ids,
               p.salesforce_lead_ids, p.salesforce_contact_ids
        from marts.dim_people as p
        left join marts.fct_lead_handoffs as h on p.person_id = h.person_id""")
    converted = {r[0] for r in query(warehouse, "select salesforce_lead_id from "
                                                "staging.stg_salesforce__leads where is_converted")}
    expected: dict[tuple[str, str, str], dict[str, str | None]] = {}
    by_target = _fields_by_target(writeback_fields())
    for (person_id, stage, mql, sal, sql, sla, due, reason, rejected, contacts, leads,
         sf_contacts) in rows:
        answers = {"person_id": person_id, "agreed_stage": stage, "mql_at": mql, "sal_at": sal,
                   "sql_at": sql, "sla_status": sla, "sla_due_at": due,
                   "rejection_reason": reason, "rejected_at": rejected,
                   "definitions_version": version}
        for tool, object_type, ids in (("hubspot", "contacts", contacts),
                                       ("salesforce", "Lead", leads),
                                       ("salesforce", "Contact", sf_contacts)):
            for record_id in (ids or "").split(";"):
                if record_id and not (object_type == "Lead" and record_id in converted):
                    expected[(tool, object_type, record_id)] = {
                        f.field: answers[f.column] for f in by_target[(tool, object_type)]}
    return expected


def _fields_by_target(fields: list[WritebackField]
                      ) -> dict[tuple[str, str], list[WritebackField]]:
    grouped: dict[tuple[str, str], list[WritebackField]] = {}
    for f in fields:
        grouped.setdefault((f.tool, f.object_type), []).append(f)
    return grouped


def same_value(shown: Any, agreed: Any) -> bool:
    """A value read back equals the agreed one: times as instants, blank as no value."""
    if shown in (None, "") or agreed in (None, ""):
        return shown in (None, "") and agreed in (None, "")
    if isinstance(agreed, datetime):
        text = str(shown).replace("+0000", "+00:00").replace("Z", "+00:00")
        return datetime.fromisoformat(text).replace(tzinfo=None) == agreed
    return str(shown) == str(agreed)


def differences(sandbox: Sandbox, warehouse: Path) -> list[str]:
    shown = read_back(sandbox)
    problems = []
    for key, fields in expected_values(warehouse).items():
        if key not in shown:  # deleted since (the API no longer lists it): not a target
            continue
        for name, agreed in fields.items():
            if name in shown[key] and not same_value(shown[key][name], agreed):
                problems.append(f"{key} {name}: shows {shown[key][name]!r}, agreed {agreed!r}")
    return problems
