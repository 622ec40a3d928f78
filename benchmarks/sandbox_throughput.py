"""How fast the HubSpot sandbox serves contacts: list paging and search windows, limits off.

The server runs in a child process (one core), the client here with a plain requests.Session,
decoding every page as a connector would. The world is synthetic and built in this script, so
the benchmark does not depend on the generator.

    .venv/bin/python benchmarks/sandbox_throughput.py --contacts 100000
"""

from __future__ import annotations

import argparse
import multiprocessing
import random
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import requests

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from sandbox import http as sandbox_http
from sandbox.http import start_server
from sandbox.hubspot import DEFAULT_ACCESS_TOKEN, HubSpotApi
from sandbox.world import World

START = datetime(2025, 1, 1, tzinfo=UTC)
STAGES = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "customer")


def iso(moment: datetime) -> str:
    return moment.isoformat(timespec="milliseconds").replace("+00:00", "Z")


def synthetic_world(contacts: int, seed: int = 7) -> World:
    """`contacts` contact records shaped like the README's, modified over a year."""
    rng = random.Random(seed)
    records = []
    for n in range(contacts):
        record_id = str(1001 + n)
        created = START + timedelta(seconds=n * 30)
        modified = created + timedelta(seconds=rng.randrange(365 * 86400))
        records.append({
            "id": record_id,
            "properties": {
                "hs_object_id": record_id, "email": f"person{n}@example{n % 997}.com",
                "firstname": f"First{n % 1013}", "lastname": f"Last{n % 2003}",
                "createdate": iso(created), "lastmodifieddate": iso(modified),
                "hubspotscore": str(rng.randrange(100)), "lifecyclestage": rng.choice(STAGES),
                "hubspot_owner_id": str(70 + n % 12), "company": f"Company {n % 5000}",
            },
            "createdAt": iso(created), "updatedAt": iso(modified), "archived": False,
        })
    return World(clock=iso(START + timedelta(days=400)), hubspot={"contacts": records})


def serve(contacts: int, port_pipe: Any, tcp_nodelay: bool) -> None:
    """The server process: builds its own world, so no page is shared copy-on-write."""
    if tcp_nodelay:
        # http.py writes the headers and the body in two sends; with Nagle on, the body waits
        # for the client's delayed ACK of the headers (~40 ms a request on Linux).
        sandbox_http._Handler.disable_nagle_algorithm = True
    api = HubSpotApi(synthetic_world(contacts), window_limit=None, search_per_second=None)
    server, thread = start_server([api])
    port_pipe.send(server.server_address[1])
    thread.join()


def page_list(session: requests.Session, url: str) -> int:
    seen, after = 0, None
    while True:
        params: dict[str, Any] = {"limit": 100, **({"after": after} if after else {})}
        body = session.get(f"{url}/crm/v3/objects/contacts", params=params).json()
        seen += len(body["results"])
        after = body.get("paging", {}).get("next", {}).get("after")
        if after is None:
            return seen


def search_windows(session: requests.Session, url: str, key: str) -> int:
    """Page search windows of at most 10,000 results, re-anchoring each window on `key`."""
    ids: set[str] = set()
    anchor = "0"
    while True:
        after, last = 0, None
        while True:
            request = {"filterGroups": [{"filters": [
                {"propertyName": key, "operator": "GTE", "value": anchor}]}],
                "sorts": [{"propertyName": key, "direction": "ASCENDING"}],
                "properties": ["email", "lifecyclestage"], "limit": 200, "after": after}
            body = session.post(f"{url}/crm/v3/objects/contacts/search", json=request).json()
            ids.update(r["id"] for r in body["results"])
            if body["results"]:
                last = body["results"][-1]["properties"][key]
            nxt = body.get("paging", {}).get("next", {}).get("after")
            if nxt is None:
                return len(ids)
            if int(nxt) >= 10_000:  # the search cap: start a new window where this one ended
                break
            after = int(nxt)
        anchor = str(int(last) + 1) if key == "hs_object_id" else last


def timed(label: str, run: Any, expected: int) -> None:
    started = time.perf_counter()
    count = run()
    elapsed = time.perf_counter() - started
    status = "ok" if count == expected else f"MISMATCH: expected {expected}"
    print(f"{label:<38} {count:>9} records {elapsed:7.2f} s {count / elapsed:>10,.0f} records/s"
          f"  {status}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--contacts", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=1,
                        help="passes over the data; later passes are served from the JSON cache")
    parser.add_argument("--tcp-nodelay", action="store_true",
                        help="set TCP_NODELAY on server sockets (sandbox/http.py does not)")
    args = parser.parse_args()

    parent_end, child_end = multiprocessing.Pipe()
    child = multiprocessing.Process(target=serve, args=(args.contacts, child_end,
                                                        args.tcp_nodelay), daemon=True)
    started = time.perf_counter()
    child.start()
    url = f"http://127.0.0.1:{parent_end.recv()}"
    print(f"server built {args.contacts} contacts, indexed and listening in "
          f"{time.perf_counter() - started:.1f} s")
    session = requests.Session()
    session.headers["Authorization"] = f"Bearer {DEFAULT_ACCESS_TOKEN}"
    try:
        for round_number in range(1, args.rounds + 1):
            print(f"-- round {round_number}")
            timed("list (limit 100)", lambda: page_list(session, url), args.contacts)
            timed("search lastmodifieddate windows (200)",
                  lambda: search_windows(session, url, "lastmodifieddate"), args.contacts)
            timed("search hs_object_id windows (200)",
                  lambda: search_windows(session, url, "hs_object_id"), args.contacts)
    finally:
        child.terminate()
        child.join()


if __name__ == "__main__":
    main()
