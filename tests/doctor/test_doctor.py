"""`samepage doctor` over real HTTP against the sandbox: a complete account passes (exit 0); scopes
withheld, an object and fields missing are each reported with what they break (exit 1)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from pipelines.streams import HUBSPOT_ACTIVITIES, streams_of
from samepage.doctor import current_manifest, staging_fields
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth, generate
from sandbox.hubspot import READ_SCOPES
from sandbox.world import World
from tests.conftest import TEST_SEED

SAMEPAGE = str(Path(sys.executable).parent / "samepage")


def doctor(sandbox: Sandbox, tmp_path: Path, **overrides: str) -> subprocess.CompletedProcess:
    warehouse = tmp_path / "never_written.duckdb"
    env = {**os.environ, **sandbox.environment(), "SAMEPAGE_WAREHOUSE": str(warehouse),
           **overrides}
    env = {name: value for name, value in env.items() if value != ""}
    result = subprocess.run([SAMEPAGE, "doctor"], env=env, capture_output=True, text=True,
                            timeout=300)
    assert not warehouse.exists(), "doctor must not write"
    assert "Traceback" not in result.stdout + result.stderr, result.stderr
    return result


def _row(output: str, stream: str) -> list[str]:
    return next(line.split() for line in output.splitlines() if line.split()[:1] == [stream])


def test_a_complete_account_passes(generated: tuple[World, Truth], tmp_path: Path) -> None:
    world = generated[0]
    with Sandbox(world) as sandbox:
        result = doctor(sandbox, tmp_path)
    assert result.returncode == 0, result.stdout
    out = result.stdout
    assert "samepage doctor: all checks passed" in out
    assert "!!" not in out
    leads = len(world.salesforce_records("Lead"))  # deleted ones included
    assert _row(out, "raw_salesforce.lead")[1] == f"{leads:,}"
    live_contacts = sum(1 for c in world.hubspot["contacts"] if not c.get("archived"))
    contact_properties = len(world.hubspot["properties"]["contacts"])
    assert _row(out, "raw_hubspot.contacts")[1:] == [f"{live_contacts:,}",
                                                     f"{contact_properties:,}"]
    assert "calls per 10 s" in out and "a day" in out  # read from the rate-limit headers
    assert "first sync: at least" in out and "first sync: about" in out


def test_withheld_scopes_and_missing_fields_are_reported(generated: tuple[World, Truth],
                                                         tmp_path: Path) -> None:
    full = generated[0]
    properties = {**full.hubspot["properties"], "contacts": [
        p for p in full.hubspot["properties"]["contacts"] if p["name"] != "salesforceleadid"]}
    world = World(clock=full.clock, salesforce=full.salesforce, generator=full.generator,
                  hubspot={**full.hubspot, "properties": properties})
    settings = SandboxSettings(
        hubspot_scopes=tuple(s for s in READ_SCOPES if s not in ("crm.objects.owners.read",
                                                                 "content")),
        salesforce_hidden_objects=("CampaignMember",),
        salesforce_hidden_fields=("Lead.Disqualification_Reason__c",))
    with Sandbox(world, settings) as sandbox:
        result = doctor(sandbox, tmp_path)
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("  !!")]
    assert len(problems) == 5, result.stdout
    owners, events, lead_id, member, reason = problems
    assert "raw_hubspot.owners will fail (HTTP 403: MISSING_SCOPES" in owners
    assert owners.endswith("grant crm.objects.owners.read")
    assert "raw_hubspot.email_events will fail" in events and events.endswith("grant content")
    assert "property contacts.salesforceleadid does not exist" in lead_id
    assert "stg_hubspot__contacts.salesforce_lead_id" in lead_id
    assert "raw_salesforce.campaign_member will fail" in member
    assert "Read on CampaignMember" in member
    assert "field Lead.Disqualification_Reason__c is missing" in reason
    assert "stg_salesforce__leads.disqualification_reason" in reason
    assert "fct_lifecycle_events" in reason  # the mart that shows rejection reasons
    assert "samepage doctor: 5 problem(s) found" in result.stdout


def test_a_hubspot_only_setup_checks_every_hubspot_stream_and_no_salesforce(
        tmp_path: Path) -> None:
    """SAMEPAGE_SOURCES=hubspot: HubSpot as the sales CRM, its activities and pipelines listed,
    Salesforce neither checked nor needing credentials."""
    world, _ = generate(TEST_SEED, 300, topology="hubspot")
    with Sandbox(world) as sandbox:
        result = doctor(sandbox, tmp_path, SAMEPAGE_SOURCES="hubspot", SALESFORCE_CLIENT_ID="",
                        SALESFORCE_CLIENT_SECRET="")
    assert result.returncode == 0, result.stdout
    out = result.stdout
    for spec in streams_of(("hubspot",)):  # the doctor follows the streams the asset lands
        assert _row(out, spec.name), spec.name
    for activity in HUBSPOT_ACTIVITIES:
        live = sum(1 for record in world.hubspot[activity] if not record.get("archived"))
        properties = len(world.hubspot["properties"][activity])
        assert _row(out, f"raw_hubspot.{activity}")[1:] == [f"{live:,}", f"{properties:,}"]
    assert _row(out, "raw_hubspot.pipelines")[1] == f"{len(world.hubspot['pipelines']['deals']):,}"
    assert "raw_salesforce" not in out
    assert "not checked: SAMEPAGE_SOURCES (hubspot) leaves it out" in out


def test_a_missing_secret_is_named(generated: tuple[World, Truth], tmp_path: Path) -> None:
    with Sandbox(generated[0]) as sandbox:
        result = doctor(sandbox, tmp_path, HUBSPOT_ACCESS_TOKEN="")
    assert result.returncode == 1
    assert "HUBSPOT_ACCESS_TOKEN" in result.stdout
    assert "raw_salesforce.lead" in result.stdout  # the other source is still checked


def test_the_fields_come_from_the_staging_models() -> None:
    fields = {f.label: f.columns for f in staging_fields(current_manifest())}
    assert fields["Lead.Disqualification_Reason__c"] == [("stg_salesforce__leads",
                                                          "disqualification_reason")]
    assert fields["contacts.hubspotscore"] == [("stg_hubspot__contacts", "hubspot_score"),
                                               ("stg_hubspot__contacts", "score_history")]
    assert "contacts.createdAt" not in fields  # envelope keys every record has
    # a field a staging model starts selecting is checked from then on
    manifest = {"nodes": {"model.samepage.stg_salesforce__leads": {
        "resource_type": "model", "name": "stg_salesforce__leads",
        "original_file_path": "models/staging/salesforce/stg_salesforce__leads.sql",
        "depends_on": {"nodes": ["source.samepage.raw_salesforce.lead"]}, "columns": {},
        "raw_code": "select\n    cast({{ json_text('record', 'Score__c') }} as integer)\n"
                    "        as lead_score,\n    {{ json_text('record', 'Email') }} as email\n"
                    "from {{ source('raw_salesforce', 'lead') }}\n"}}}
    assert {f.label: f.columns for f in staging_fields(manifest)} == {
        "Lead.Score__c": [("stg_salesforce__leads", "lead_score")],
        "Lead.Email": [("stg_salesforce__leads", "email")]}


def test_unusable_settings_exit_2(generated: tuple[World, Truth], tmp_path: Path) -> None:
    with Sandbox(generated[0]) as sandbox:
        result = doctor(sandbox, tmp_path, SAMEPAGE_WAREHOUSE="mysql://db/samepage")
    assert result.returncode == 2, result.stdout
    assert result.stderr.startswith("samepage doctor: SAMEPAGE_WAREHOUSE")


def test_a_user_can_try_it_against_a_restricted_sandbox_from_the_command_line(
        tmp_path: Path) -> None:
    server = subprocess.Popen(
        [SAMEPAGE, "sandbox", "--generate", "3", "--scale", "100", "--port", "0",
         "--hubspot-scopes", "crm.objects.contacts.read,crm.objects.companies.read,"
         "crm.objects.deals.read,crm.objects.owners.read,forms",
         "--salesforce-hide", "Lead.Disqualification_Reason__c"],
        stdout=subprocess.PIPE, text=True)
    try:
        env = {}
        while len(env) < 6:
            line = server.stdout.readline()
            assert line, "the sandbox stopped before printing its environment"
            if line.strip().startswith("export "):
                name, value = line.strip()[len("export "):].split("=", 1)
                env[name] = value
        result = subprocess.run([SAMEPAGE, "doctor"], capture_output=True, text=True, timeout=300,
                                env={**os.environ, **env,
                                     "SAMEPAGE_WAREHOUSE": str(tmp_path / "w.duckdb")})
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("  !!")]
    assert len(problems) == 2, result.stdout
    assert "raw_hubspot.email_events will fail" in problems[0]
    assert problems[0].endswith("grant content")
    assert "field Lead.Disqualification_Reason__c is missing" in problems[1]


def test_a_first_sync_larger_than_the_daily_allowances_is_a_problem(
        generated: tuple[World, Truth], tmp_path: Path) -> None:
    # doctor's own reads spend about 20 of each
    settings = SandboxSettings(hubspot_daily_limit=80, salesforce_daily_request_limit=40)
    with Sandbox(generated[0], settings) as sandbox:
        result = doctor(sandbox, tmp_path)
    assert result.returncode == 1, result.stdout
    problems = [line for line in result.stdout.splitlines() if line.startswith("  !!")]
    assert len(problems) == 2, result.stdout
    assert "can be spent today (10% of the daily limit is kept in reserve)" in problems[0]
    assert "80 a day" in result.stdout  # the daily limit as HubSpot's headers announce it
    assert "stops at the quota and resumes over about" in problems[1]
