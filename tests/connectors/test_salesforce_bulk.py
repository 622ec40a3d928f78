"""Bulk API 2.0 reads over real HTTP give exactly the records the REST query gives."""

from __future__ import annotations

import orjson
import pytest

from connectors.cursors import Checkpointed, canonical, to_millis
from connectors.errors import QuotaExhaustedError
from connectors.salesforce import SalesforceClient, salesforce_session
from connectors.session import RetryPolicy
from sandbox.app import Sandbox, SandboxSettings
from sandbox.http import FaultConfig

FAST_RETRY = RetryPolicy(max_attempts=4, backoff_base_seconds=0.01, backoff_cap_seconds=0.05)


def client_for(sandbox: Sandbox, **options) -> SalesforceClient:
    session = salesforce_session(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                                 retry=FAST_RETRY, **options)
    return SalesforceClient(sandbox.salesforce_client_id, sandbox.salesforce_client_secret,
                            login_url=sandbox.url, session=session, bulk_poll_seconds=0.01)


def as_json(records) -> set[bytes]:
    return {orjson.dumps(r) for r in records}


@pytest.mark.parametrize("sobject", ["Lead", "Opportunity", "Account", "LeadHistory"])
def test_bulk_and_rest_read_the_same_records(sandbox, sobject):
    client = client_for(sandbox)
    fields = client.fields(sobject)
    cursor = "CreatedDate" if sobject == "LeadHistory" else "SystemModstamp"
    rest = Checkpointed(client.changed_records(sobject, [f.name for f in fields], cursor))
    bulk = Checkpointed(client.bulk_changed_records(sobject, fields, cursor, max_records=50))
    rest_records, bulk_records = list(rest), list(bulk)
    assert len(bulk_records) == len(rest_records) > 100  # several sets of results
    # Same values, same types, same key order: the JSON texts are identical.
    assert as_json(bulk_records) == as_json(rest_records)
    assert bulk.cursor == rest.cursor
    assert not sandbox.salesforce._bulk._jobs  # the job was deleted once read


def test_bulk_since_a_moment_reads_what_rest_reads(sandbox):
    client = client_for(sandbox)
    fields = client.fields("Lead")
    stamps = sorted(to_millis(r["SystemModstamp"])
                    for r in sandbox.world.salesforce["objects"]["Lead"])
    since = canonical(stamps[len(stamps) // 2])
    rest = list(client.changed_records("Lead", [f.name for f in fields], since=since))
    bulk = list(client.bulk_changed_records("Lead", fields, since=since))
    assert as_json(bulk) == as_json(rest) and any(r["IsDeleted"] for r in bulk)


def test_a_quota_stop_mid_bulk_read_has_no_resume_cursor(generated):
    world, _ = generated
    settings = SandboxSettings(salesforce_daily_request_limit=12, salesforce_short_batches=False)
    with Sandbox(world, settings) as sandbox:
        client = client_for(sandbox, quota_reserve=0.25)  # stop with 3 of 12 left
        fields = client.fields("Lead")  # call 1
        got = []
        with pytest.raises(QuotaExhaustedError) as stopped:
            # create (2), two polls (3, 4), then sets of 50: 5 ... 9 pass, the 10th is refused
            for record in client.bulk_changed_records("Lead", fields, max_records=50):
                got.append(record)
        assert len(got) == 5 * 50
        assert stopped.value.resume_cursor is None  # records come in no order


def test_record_counts_come_in_one_call(sandbox):
    client = client_for(sandbox)
    client.api_usage()
    calls = client.session.stats.calls
    counts = client.record_counts(["Lead", "Opportunity"])
    objects = sandbox.world.salesforce["objects"]
    assert counts == {name: sum(1 for r in objects[name] if not r.get("IsDeleted"))
                      for name in ("Lead", "Opportunity")}
    assert client.session.stats.calls == calls + 1


def test_bulk_results_cut_short_in_transit_are_read_again(generated, caplog):
    world, _ = generated
    with Sandbox(world, SandboxSettings(salesforce_short_batches=False)) as sandbox:
        client = client_for(sandbox)
        fields = client.fields("Lead")
        clean = as_json(client.bulk_changed_records("Lead", fields, max_records=100))
        # A proxy that cuts bodies (with a matching Content-Length): CSV has no closing bracket,
        # so only Sforce-NumberOfRecords shows a set of results came short.
        sandbox.set_faults(FaultConfig(truncate_rate=0.4, seed=3))
        with caplog.at_level("WARNING", logger="connectors.session"):
            faulted = list(client.bulk_changed_records("Lead", fields, max_records=100))
    assert as_json(faulted) == clean and len(faulted) == len(clean)
    assert "complete records of the 100 announced" in caplog.text
