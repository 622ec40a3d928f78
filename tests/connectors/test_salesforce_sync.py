"""Incremental Salesforce reads, field discovery and the daily quota, over real HTTP."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from connectors.cursors import Checkpointed, canonical, to_millis
from connectors.errors import ApiError, AuthenticationError, QuotaExhaustedError
from connectors.salesforce import SalesforceClient, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.world import World

FAST_RETRY = RetryPolicy(max_attempts=8, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)
LEAD_FIELDS = ["Email", "Status", "IsDeleted", "SystemModstamp"]


def client_for(sandbox: Sandbox, **options: Any) -> SalesforceClient:
    session = salesforce_session(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                                 retry=FAST_RETRY, **options)
    return SalesforceClient(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                            login_url=sandbox.url, session=session)


def test_fields_are_discovered_with_custom_and_formula_ones(sandbox):
    fields = {f.name: f for f in client_for(sandbox).fields("Lead")}
    declared = {f["name"] for f in sandbox.world.salesforce["describe"]["Lead"]["fields"]}
    assert set(fields) == declared | {"Id"}
    assert fields["Disqualification_Reason__c"].custom
    formula = fields["Email_Domain__c"]
    assert formula.custom and formula.calculated and formula.formula
    assert not fields["Email"].calculated and not fields["Email"].custom


def test_changed_records_since_a_moment_include_deleted_rows(sandbox):
    leads = sandbox.world.salesforce["objects"]["Lead"]
    stamps = sorted(to_millis(r["SystemModstamp"]) for r in leads)
    since = canonical(stamps[len(stamps) // 2])
    read = Checkpointed(client_for(sandbox).changed_records("Lead", LEAD_FIELDS, since=since,
                                                            batch_size=200))
    records = list(read)
    expected = {r["Id"] for r in leads if to_millis(r["SystemModstamp"]) >= to_millis(since)}
    assert {r["Id"] for r in records} == expected and len(records) == len(expected)
    assert any(r["IsDeleted"] for r in records), "queryAll brings deleted rows too"
    order = [(to_millis(r["SystemModstamp"]), r["Id"]) for r in records]
    assert order == sorted(order)
    assert read.cursor == canonical(stamps[-1])


def test_an_invalid_field_is_an_api_error_with_salesforces_message(sandbox):
    client = client_for(sandbox)
    with pytest.raises(ApiError, match="INVALID_FIELD"):
        list(client.changed_records("Lead", ["No_Such_Field__c"]))
    assert client.session.stats.retries == 0


# -- a small world: 250 Leads sharing one SystemModstamp ------------------------------------------

T0 = datetime(2026, 5, 4, 12, 0, tzinfo=UTC)
LEAD_DESCRIBE = {"name": "Lead", "label": "Lead", "custom": False, "fields": [
    {"name": "Id", "type": "id", "label": "Lead ID"},
    {"name": "IsDeleted", "type": "boolean", "label": "Deleted"},
    {"name": "Email", "type": "email", "label": "Email"},
    {"name": "Status", "type": "picklist", "label": "Status"},
    {"name": "SystemModstamp", "type": "datetime", "label": "System Modstamp"},
]}


def _sf_time(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.") + f"{moment.microsecond // 1000:03d}+0000"


def tie_world(earlier: int = 30, tied: int = 250, later: int = 20) -> World:
    stamps = ([T0 - timedelta(minutes=n + 1) for n in range(earlier)] + [T0] * tied
              + [T0 + timedelta(seconds=n + 1) for n in range(later)])
    leads = [{"Id": f"00Q{n:012d}AAA", "IsDeleted": n % 17 == 0, "Email": f"l{n}@example.com",
              "Status": "Open - Not Contacted", "SystemModstamp": _sf_time(stamp)}
             for n, stamp in enumerate(reversed(stamps))]  # stored out of order
    return World(clock="2026-06-01T00:00:00.000Z",
                 salesforce={"objects": {"Lead": leads}, "describe": {"Lead": LEAD_DESCRIBE}})


def test_250_rows_sharing_a_timestamp_across_a_page_boundary_all_arrive():
    world = tie_world()
    with Sandbox(world) as sandbox:
        client = client_for(sandbox)
        since = canonical(T0 - timedelta(minutes=5))
        records = list(client.changed_records("Lead", LEAD_FIELDS, since=since, batch_size=200))
        tied = [r for r in records if to_millis(r["SystemModstamp"]) == to_millis(T0)]
        assert len(tied) == 250 and len({r["Id"] for r in tied}) == 250
        assert len(records) == 5 + 250 + 20  # 4 before T0 and the one exactly at `since`
        assert client.session.stats.calls >= 1 + 2  # token, then pages of at most 200

        # A run stopped after the first page (mid-tie) resumes from the last row it stored:
        # the inclusive bound brings the whole tie back, nothing is lost.
        first_page = records[:200]
        resume = canonical(first_page[-1]["SystemModstamp"])
        assert resume == canonical(T0)
        rest = list(client.changed_records("Lead", LEAD_FIELDS, since=resume, batch_size=200))
        assert {r["Id"] for r in first_page} | {r["Id"] for r in rest} == {
            r["Id"] for r in records}


def test_the_quota_guard_stops_before_the_reserve_and_says_where_to_resume():
    world = tie_world(earlier=600, tied=250, later=150)  # 1,000 Leads: 5 pages of 200
    # Full batches, so the pages read can be counted.
    settings = SandboxSettings(salesforce_daily_request_limit=10, salesforce_short_batches=False)
    with Sandbox(world, settings) as sandbox:
        client = client_for(sandbox, quota_reserve=0.5)  # keep 5 of the 10
        usage = client.api_usage()
        assert (usage.used, usage.limit) == (1, 10)
        got: list[dict[str, Any]] = []
        with pytest.raises(QuotaExhaustedError) as stopped:
            for record in client.changed_records("Lead", LEAD_FIELDS, batch_size=200):
                got.append(record)
        error = stopped.value
        assert len(got) == 4 * 200  # whole pages only; the fifth was never asked for
        assert (error.used, error.limit) == (5, 10)
        assert "5 of 10 used" in str(error) and "reserve" in str(error)
        assert error.resume_cursor == canonical(got[-1]["SystemModstamp"])
        assert sandbox.salesforce._requests_used == 5  # never near the limit, never refused


def test_a_session_refused_again_after_one_refresh_is_an_authentication_error():
    # Tokens that expire as they are issued: the refresh happens once, then the 401 is final.
    settings = SandboxSettings(salesforce_token_ttl_seconds=0.0)
    with Sandbox(tie_world(), settings) as sandbox:
        client = client_for(sandbox)
        with pytest.raises(AuthenticationError, match="INVALID_SESSION_ID"):
            list(client.changed_records("Lead", LEAD_FIELDS))
        assert client.session.stats.calls == 3  # token, the query, the one refresh
