"""How fast the sandbox serves records, limits off: the sandbox must never be the bottleneck.

The server runs in a child process (one core) over a generated world; the client here pages with
a plain requests.Session on the other core, decoding every page as a connector would.

    .venv/bin/python benchmarks/sandbox_throughput.py --scale 100000 --rounds 2
"""

from __future__ import annotations

import argparse
import multiprocessing
import time
from collections.abc import Callable
from typing import Any

import requests

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate

SEARCH_CAP = 10_000


def serve(scale: int, seed: int, pipe: Any) -> None:
    """The server process: generates its own world so no page is shared copy-on-write."""
    world, _ = generate(seed, scale)
    sandbox = Sandbox(world, SandboxSettings.unlimited())
    sandbox.start()
    contacts = sum(not c.get("archived") for c in world.hubspot["contacts"])
    leads = sum(not lead["IsDeleted"] for lead in world.salesforce["objects"]["Lead"])
    pipe.send((sandbox.url, contacts, leads))
    pipe.recv()  # serve until the parent is done


def page_list(session: requests.Session, url: str) -> int:
    seen, after = 0, None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
        body = session.get(f"{url}/crm/v3/objects/contacts", params=params).json()
        seen += len(body["results"])
        after = body.get("paging", {}).get("next", {}).get("after")
        if after is None:
            return seen


def search_id_windows(session: requests.Session, url: str) -> int:
    """Search sorted by hs_object_id, starting a new query before the 10,000-result cap."""
    seen, last_id = 0, "0"
    while True:
        after, anchor = 0, last_id  # the window's lower bound stays fixed while it pages
        while True:
            request = {"filterGroups": [{"filters": [
                {"propertyName": "hs_object_id", "operator": "GT", "value": anchor}]}],
                "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                "properties": ["email", "lastmodifieddate"], "limit": 200, "after": after}
            body = session.post(f"{url}/crm/v3/objects/contacts/search", json=request).json()
            seen += len(body["results"])
            if body["results"]:
                last_id = body["results"][-1]["id"]
            nxt = body.get("paging", {}).get("next", {}).get("after")
            if nxt is None:
                return seen
            if int(nxt) >= SEARCH_CAP:
                break
            after = int(nxt)


def query_leads(session: requests.Session, url: str) -> int:
    token = session.post(f"{url}/services/oauth2/token", data={
        "grant_type": "client_credentials", "client_id": Sandbox.salesforce_client_id,
        "client_secret": Sandbox.salesforce_client_secret}).json()["access_token"]
    headers = {"Authorization": f"Bearer {token}"}
    body = session.get(f"{url}/services/data/v62.0/query", headers=headers, params={
        "q": "SELECT Id, Email, Status, OwnerId, CreatedDate, SystemModstamp FROM Lead"}).json()
    seen = len(body["records"])
    while not body["done"]:
        body = session.get(url + body["nextRecordsUrl"], headers=headers).json()
        seen += len(body["records"])
    return seen


def timed(label: str, run: Callable[[], int], expected: int) -> None:
    started = time.perf_counter()
    count = run()
    elapsed = time.perf_counter() - started
    status = "ok" if count == expected else f"MISMATCH: expected {expected}"
    print(f"  {label:<36} {count:>9,} records {elapsed:7.2f} s {count / elapsed:>10,.0f} "
          f"records/s  {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="people in the world")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--rounds", type=int, default=2,
                        help="passes over the data; later passes are served from the JSON cache")
    args = parser.parse_args()

    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.scale, args.seed, child_end),
                                    daemon=True)
    started = time.perf_counter()
    child.start()
    url, contacts, leads = parent_end.recv()
    print(f"world of {args.scale:,} people ({contacts:,} live contacts, {leads:,} live leads) "
          f"generated and served in {time.perf_counter() - started:.1f} s")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {Sandbox.hubspot_access_token}"
    try:
        for round_number in range(1, args.rounds + 1):
            print(f"round {round_number}")
            timed("HubSpot list contacts (limit 100)", lambda: page_list(session, url), contacts)
            timed("HubSpot search id windows (200)", lambda: search_id_windows(session, url),
                  contacts)
            timed("Salesforce query Lead (batch 2000)", lambda: query_leads(session, url), leads)
    finally:
        parent_end.send("stop")
        child.join(timeout=5)
        child.terminate()


if __name__ == "__main__":
    main()
