"""Write-back throughput: records written per second through samepage's clients within each
API's limits, and that rate as a share of the ceiling the limits allow.

The sandbox runs in a child process (one core) with its default limits (HubSpot Professional:
190 calls per rolling 10 s; Salesforce: 100,000 API requests a day) over a generated world with
samepage's fields; the clients run in this process. Every live contact gets three samepage
properties through ``HubSpotClient.update_objects`` (batch update, 100 a call), every live
unconverted Lead three samepage fields through ``SalesforceClient.update_records`` (sObject
Collections, 200 a call). Calls and 429s are the server's own count (its request log).

    .venv/bin/python benchmarks/writeback_throughput.py --scale 100000

Ceilings: HubSpot allows 190 calls per 10 s (search excepted), so at most 1,900 records/s in
100-record batches; the client sends one call at a time, so a round trip slower than about 50 ms
keeps it under that. Salesforce has no per-second limit; its ceiling is per call (200 records)
and per day (the org's API requests), so the figures are records per call and the share of
the daily allowance one full write-back spends.
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections import Counter
from multiprocessing.connection import Connection
from typing import Any

from connectors.hubspot import HubSpotClient, hubspot_session
from connectors.salesforce import COLLECTION_SIZE, SalesforceClient, salesforce_session
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from sandbox.world import World

HUBSPOT_WINDOW, HUBSPOT_WINDOW_SECONDS, HUBSPOT_BATCH = 190, 10.0, 100
STAGES = ("marketingqualifiedlead", "salesacceptedlead", "salesqualifiedlead")
HUBSPOT_PROPERTIES = [
    {"name": "samepage_stage", "label": "Agreed stage", "type": "enumeration",
     "fieldType": "select", "groupName": "samepage",
     "options": [{"label": s, "value": s} for s in STAGES]},
    {"name": "samepage_mql_at", "label": "Agreed MQL time", "type": "datetime",
     "fieldType": "date", "groupName": "samepage"},
    {"name": "samepage_sla_status", "label": "SLA status", "type": "string",
     "fieldType": "text", "groupName": "samepage"}]
SALESFORCE_FIELDS = [{"name": "Samepage_Stage__c", "type": "string", "label": "Agreed stage"},
                     {"name": "Samepage_Mql_At__c", "type": "datetime", "label": "MQL time"},
                     {"name": "Samepage_Sla_Status__c", "type": "string", "label": "SLA"}]


def with_samepage_fields(world: World) -> World:
    describe = dict(world.salesforce["describe"])
    for name in ("Lead", "Contact"):
        describe[name] = {**describe[name],
                          "fields": [*describe[name]["fields"], *SALESFORCE_FIELDS]}
    return World(clock=world.clock, hubspot=world.hubspot, generator=world.generator,
                 salesforce={**world.salesforce, "describe": describe})


def serve(scale: int, seed: int, pipe: Connection) -> None:
    """The sandbox process: serve, hand over the targets, report the request log when asked."""
    world, _ = generate(seed, scale)
    contacts = [c["id"] for c in world.hubspot["contacts"] if not c.get("archived")]
    leads = [r["Id"] for r in world.salesforce["objects"]["Lead"]
             if not r.get("IsDeleted") and not r.get("IsConverted")]
    with Sandbox(with_samepage_fields(world), SandboxSettings()) as sandbox:
        pipe.send({"url": sandbox.url, "token": sandbox.hubspot_access_token,
                   "client_id": sandbox.salesforce_client_id,
                   "client_secret": sandbox.salesforce_client_secret,
                   "contacts": contacts, "leads": leads})
        while (message := pipe.recv()) != "stop":
            assert message == "log"
            pipe.send([(r.method, r.path, r.status) for r in sandbox.requests()])


def hubspot_run(target: dict[str, Any]) -> dict[str, Any]:
    token = target["token"]
    client = HubSpotClient(token, api_base=target["url"], session=hubspot_session(token))
    client.ensure_property_group("contacts", "samepage", "samepage")
    for definition in HUBSPOT_PROPERTIES:
        client.ensure_property("contacts", definition)
    updates = ({"id": record_id, "properties": {
        "samepage_stage": STAGES[n % 3], "samepage_mql_at": "2026-06-01T10:00:00.000Z",
        "samepage_sla_status": ("met", "breached")[n % 2]}}
        for n, record_id in enumerate(target["contacts"]))
    started = time.perf_counter()
    results = Counter(r.ok for r in client.update_objects("contacts", updates))
    return {"seconds": time.perf_counter() - started, "ok": results[True],
            "failed": results[False]}


def salesforce_run(target: dict[str, Any]) -> dict[str, Any]:
    session = salesforce_session(target["client_id"], target["client_secret"])
    client = SalesforceClient(target["client_id"], target["client_secret"],
                              login_url=target["url"], session=session)
    client.api_usage()  # the token and the quota guard, outside the timing
    records = ({"Id": record_id, "Samepage_Stage__c": STAGES[n % 3],
                "Samepage_Mql_At__c": "2026-06-01T10:00:00.000Z",
                "Samepage_Sla_Status__c": ("met", "breached")[n % 2]}
               for n, record_id in enumerate(target["leads"]))
    started = time.perf_counter()
    results = Counter(r.ok for r in client.update_records("Lead", records))
    usage = client.api_usage()
    return {"seconds": time.perf_counter() - started, "ok": results[True],
            "failed": results[False], "daily_used": usage.used, "daily_limit": usage.limit}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--scale", type=int, default=100_000, help="people in the world")
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()

    context = multiprocessing.get_context("spawn")
    ours, theirs = context.Pipe()
    child = context.Process(target=serve, args=(args.scale, args.seed, theirs), daemon=True)
    started = time.perf_counter()
    child.start()
    target = ours.recv()
    print(f"world of {args.scale:,} people served in {time.perf_counter() - started:.1f}s: "
          f"{len(target['contacts']):,} live contacts, {len(target['leads']):,} live "
          "unconverted leads")
    try:
        hubspot = hubspot_run(target)
        salesforce = salesforce_run(target)
        ours.send("log")
        log = ours.recv()
    finally:
        ours.send("stop")
        child.join(timeout=30)

    updates = [r for r in log if r[1].endswith("/batch/update")]
    collections = [r for r in log if r[1].endswith("/composite/sobjects")]
    hubspot_429 = sum(1 for r in updates if r[2] == 429)
    rate = hubspot["ok"] / hubspot["seconds"]
    ceiling = HUBSPOT_WINDOW / HUBSPOT_WINDOW_SECONDS * HUBSPOT_BATCH
    print(f"\nHubSpot batch update ({HUBSPOT_WINDOW} calls / {HUBSPOT_WINDOW_SECONDS:.0f} s, "
          f"{HUBSPOT_BATCH} records a call)")
    print(f"  records written   {hubspot['ok']:>10,}  (failed {hubspot['failed']:,})")
    print(f"  calls             {len(updates):>10,}  (429 answers: {hubspot_429})")
    print(f"  seconds           {hubspot['seconds']:>10.1f}")
    print(f"  records/s         {rate:>10,.0f}  of a ceiling of {ceiling:,.0f}: "
          f"{rate / ceiling:.0%}")
    print(f"  calls/s           {len(updates) / hubspot['seconds']:>10.1f}  of "
          f"{HUBSPOT_WINDOW / HUBSPOT_WINDOW_SECONDS:.1f}")
    # Calls are sequential: one at a time can go no faster than one per round trip.
    print(f"  ms a call         {hubspot['seconds'] / max(1, len(updates)) * 1000:>10.0f}  "
          "(round trip, calls one at a time)")

    sf_rate = salesforce["ok"] / salesforce["seconds"]
    per_call = salesforce["ok"] / max(1, len(collections))
    print(f"\nSalesforce sObject Collections ({COLLECTION_SIZE} records a call, "
          f"{salesforce['daily_limit']:,} API requests a day)")
    print(f"  records written   {salesforce['ok']:>10,}  (failed {salesforce['failed']:,})")
    print(f"  calls             {len(collections):>10,}  ({per_call:.0f} records a call, "
          f"{per_call / COLLECTION_SIZE:.0%} of {COLLECTION_SIZE})")
    print(f"  seconds           {salesforce['seconds']:>10.1f}")
    print(f"  records/s         {sf_rate:>10,.0f}  ({len(collections) / salesforce['seconds']:.1f}"
          " calls/s; no per-second limit applies)")
    print(f"  daily allowance   {len(collections) / salesforce['daily_limit']:>10.3%}  spent by "
          "this write-back")


if __name__ == "__main__":
    main()
