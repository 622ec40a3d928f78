"""Ingestion throughput into the warehouse: samepage's HubSpot contacts load against a dlt
``rest_api`` pipeline with limits off, and the share of the rate-limit ceiling used with limits on.

The sandbox runs in a child process (one core) over a generated world; every pipeline runs in this
process on the other core, each into a fresh DuckDB file. The child logs every HubSpot call it
answers (time, kind, status), so call rates and 429s are the server's own count, not the client's.

    .venv/bin/python benchmarks/ingestion_throughput.py --scale 100000 --mode all
    .venv/bin/python benchmarks/ingestion_throughput.py --scale 1000000 --mode limited \\
        --max-seconds 180

What each row runs (contacts only, a full refresh, the same world):
  samepage dagster          the real ``hubspot_raw`` asset (subset raw_hubspot/contacts) of the real
                            code location, ``execute_in_process``, env vars as in production;
                            HUBSPOT_CALLS_PER_10_SECONDS huge, search at its default 5/s pacing.
  samepage dagster, search  the same with HUBSPOT_SEARCH_CALLS_PER_SECOND huge too: limits off.
    unpaced
  samepage connector+loader ``HubSpotClient`` + ``DuckDBWarehouse.load`` exactly as the asset
                            wires them (``_crm_stream``), no Dagster, client limits all off.
  dlt rest_api (merge|replace)
                            ``GET /crm/v3/objects/contacts`` live (with score/lifecycle history,
                            so 50 a page) and archived (100 a page) into one table, same
                            properties as samepage; default normalisation (properties flattened
                            to columns, histories to child tables).
  dlt rest_api, JSON        the same with ``max_table_nesting=0``: nested objects kept as JSON,
                            the shape samepage lands.
"""

from __future__ import annotations

import argparse
import functools
import gc
import multiprocessing
import os
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from itertools import pairwise
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

import dagster as dg
import duckdb
import requests

from connectors.hubspot import HubSpotClient, hubspot_session
from pipelines.defs.hubspot import _crm_stream
from pipelines.ingestion import asset_key
from pipelines.paths import REPO_ROOT
from pipelines.streams import HUBSPOT_CONTACTS
from pipelines.warehouse import DuckDBWarehouse
from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import generate
from sandbox.hubspot_limits import RateLimiter

WINDOW_LIMIT, WINDOW_SECONDS, SEARCH_PER_SECOND = 190, 10.0, 5
HISTORY = ["hubspotscore", "lifecyclestage"]  # what samepage reads with history for contacts
UNLIMITED_CALLS = 10**9

# ---------------------------------------------------------------------------------------------
# The sandbox process


def _kind(method: str, path: str) -> str:
    """The sandbox's own split: search has its own limit, everything else shares the window."""
    path = path.rstrip("/")
    if method == "POST" and path.endswith("/search"):
        return "search"
    if path.endswith("/batch/read"):
        return "batch_read"
    return "list" if path.startswith("/crm/v3/objects/") else "other"


def serve(scale: int, seed: int, pipe: Connection) -> None:
    """Generate the world here (no pages shared copy-on-write), serve it, log every call."""
    world, _ = generate(seed, scale)
    contacts = world.hubspot["contacts"]
    live = sum(not c.get("archived") for c in contacts)
    archived = len(contacts) - live
    sandbox = Sandbox(world, SandboxSettings.unlimited())
    calls: list[tuple[float, str, int]] = []
    slow: list[tuple[float, str, float]] = []  # answers that took the sandbox over 0.5 s
    handle = sandbox.hubspot.handle

    def logged(request: Any) -> Any:
        started = time.monotonic()
        response = handle(request)
        now = time.monotonic()
        calls.append((now, _kind(request.method, request.path), response.status))
        if now - started > 0.5:
            slow.append((now, _kind(request.method, request.path), now - started))
        return response

    sandbox.hubspot.handle = logged  # type: ignore[method-assign]  # the server looks it up per call
    # The served world never changes, so keep the collector off it: at 1,000,000 people, without
    # this, the limits-on call log showed an 11 s pause in which nothing was answered (89% of the
    # ceiling instead of 96.5%) - a stall of the sandbox, not of the client under test.
    gc.freeze()
    sandbox.start()
    pipe.send((sandbox.url, live, archived))
    while True:
        command, *args = pipe.recv()
        if command == "stop":
            return
        if command == "limits":
            # Swapping the limiter is what SandboxSettings(hubspot_window_limit=..., ...) builds,
            # without generating the world a second time.
            window, search = args
            sandbox.hubspot._limits = RateLimiter(window, WINDOW_SECONDS, search)
            pipe.send("ok")
        elif command == "calls":
            # CPU seconds too: shows whether the sandbox (not the client) was the bottleneck.
            pipe.send((list(calls), time.process_time(), list(slow)))
            calls.clear()
            slow.clear()


class SandboxProcess:
    def __init__(self, scale: int, seed: int) -> None:
        self._pipe, child_end = multiprocessing.Pipe()
        self.process = multiprocessing.get_context("fork").Process(
            target=serve, args=(scale, seed, child_end), daemon=True)
        started = time.perf_counter()
        self.process.start()
        self.url, self.live, self.archived = self._pipe.recv()
        self.startup_seconds = time.perf_counter() - started
        self._cpu = 0.0
        self.slow: list[tuple[float, str, float]] = []  # of the last take_calls

    def set_limits(self, window: int | None, search: int | None) -> None:
        self._pipe.send(("limits", window, search))
        self._pipe.recv()

    def take_calls(self) -> tuple[list[tuple[float, str, int]], float]:
        """Calls answered since the last take, and the sandbox's CPU seconds meanwhile."""
        self._pipe.send(("calls",))
        calls, cpu, self.slow = self._pipe.recv()
        spent, self._cpu = cpu - self._cpu, cpu
        return calls, spent

    def environment(self) -> dict[str, str]:
        return {"HUBSPOT_API_BASE": self.url,
                "HUBSPOT_ACCESS_TOKEN": Sandbox.hubspot_access_token,
                # The Salesforce asset is not selected; its resource still wants values.
                "SALESFORCE_LOGIN_URL": self.url,
                "SALESFORCE_CLIENT_ID": Sandbox.salesforce_client_id,
                "SALESFORCE_CLIENT_SECRET": Sandbox.salesforce_client_secret}

    def stop(self) -> None:
        self._pipe.send(("stop",))
        self.process.join(timeout=10)
        if self.process.is_alive():
            self.process.terminate()


# ---------------------------------------------------------------------------------------------
# The pipelines under test


@dataclass
class Outcome:
    label: str
    rows: int | None  # rows in the contacts table after the run (None: stopped early)
    seconds: float
    cpu_seconds: float  # this process, all threads
    calls: list[tuple[float, str, int]] = field(default_factory=list)
    sandbox_cpu: float = 0.0
    note: str = ""


def count_rows(warehouse: Path, table: str) -> int:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(f"select count(*) from {table}").fetchone()[0]


def dagster_run(warehouse: Path, calls_per_10_seconds: int,
                search_unpaced: bool = False) -> Callable[[], str]:
    """The real code location's ``hubspot_raw``, contacts only, full refresh.

    Loading the code location (which parses the dbt project) and creating the instance happen
    here, untimed: a deployment loads the one and keeps the other, not per run (the first
    ephemeral instance of a process imports and migrates Dagster's storage, ~0.7 s). The
    returned call is the run.
    """
    os.environ["SAMEPAGE_WAREHOUSE"] = str(warehouse)
    os.environ["HUBSPOT_CALLS_PER_10_SECONDS"] = str(calls_per_10_seconds)
    os.environ["HUBSPOT_SEARCH_CALLS_PER_SECOND"] = str(
        calls_per_10_seconds if search_unpaced else 5)
    job = dg.load_from_defs_folder(path_within_project=REPO_ROOT / "pipelines") \
        .resolve_job_def("nightly")
    instance = dg.DagsterInstance.ephemeral()

    def run() -> str:
        result = job.execute_in_process(
            instance=instance, raise_on_error=False,
            asset_selection=[asset_key(HUBSPOT_CONTACTS)],
            run_config={"ops": {"hubspot_raw": {"config": {"full_refresh": True}}}})
        if not result.success:
            raise RuntimeError(f"dagster run failed: {result.all_events[-1].message}")
        materialization = result.asset_materializations_for_node("hubspot_raw")[0]
        return f"asset metadata api_calls={materialization.metadata['api_calls'].value}"

    return run


def run_connector(warehouse: Path, url: str) -> str:
    """What the asset does for contacts, minus Dagster: the same stream, the same loader."""
    token = Sandbox.hubspot_access_token
    session = hubspot_session(token, rate_limit=None, search_rate_limit=None)
    client = HubSpotClient(token, api_base=url, session=session)
    stream = _crm_stream(client, "contacts", HUBSPOT_CONTACTS, since=None, full=True,
                         lookback_seconds=0)
    DuckDBWarehouse(warehouse).load(HUBSPOT_CONTACTS, stream.records, run_id=str(uuid.uuid4()),
                                    cursor=stream.cursor, replace=True)
    return f"client calls={session.stats.calls}"


def warm_up(url: str) -> int:
    """Read every contact once, untimed: the sandbox caches each record's JSON per property
    selection, and every pipeline here asks for the same selection, so none pays for the
    first rendering (see BENCHMARKS.md, sandbox throughput, first vs second pass)."""
    token = Sandbox.hubspot_access_token
    client = HubSpotClient(token, api_base=url, session=hubspot_session(
        token, rate_limit=None, search_rate_limit=None))
    stream = _crm_stream(client, "contacts", HUBSPOT_CONTACTS, since=None, full=True,
                         lookback_seconds=0)
    return sum(1 for _ in stream.records)


def contact_properties(url: str) -> list[str]:
    """All live contact property names, as samepage requests them."""
    response = requests.get(f"{url}/crm/v3/properties/contacts",
                            headers={"Authorization": f"Bearer {Sandbox.hubspot_access_token}"},
                            timeout=30)
    response.raise_for_status()
    return [p["name"] for p in response.json()["results"] if not p.get("archived")]


def run_dlt(warehouse: Path, url: str, disposition: str, nesting: int | None) -> str:
    import dlt
    from dlt.sources.rest_api import rest_api_source

    properties = ",".join(contact_properties(url))  # inside the timing: samepage reads them too
    endpoint = "crm/v3/objects/contacts"
    config: Any = {
        "client": {
            "base_url": url,
            "auth": {"type": "bearer", "token": Sandbox.hubspot_access_token},
            "paginator": {"type": "cursor", "cursor_path": "paging.next.after",
                          "cursor_param": "after"},
        },
        "resource_defaults": {"primary_key": "id", "write_disposition": disposition,
                              "endpoint": {"data_selector": "results"}},
        "resources": [
            # limit=100 is clamped to 50 by the API when history is asked for.
            {"name": "contacts", "endpoint": {"path": endpoint, "params": {
                "limit": 100, "properties": properties,
                "propertiesWithHistory": ",".join(HISTORY)}}},
            # samepage also lands archived contacts (no history), so dlt does too.
            {"name": "archived_contacts", "table_name": "contacts", "endpoint": {
                "path": endpoint, "params": {"limit": 100, "archived": "true",
                                             "properties": properties}}},
        ],
    }
    source = rest_api_source(config, name="hubspot", max_table_nesting=nesting)
    pipeline = dlt.pipeline(pipeline_name=f"bench_{disposition}_{nesting}",
                            destination=dlt.destinations.duckdb(str(warehouse)),
                            dataset_name="raw_hubspot",
                            pipelines_dir=str(warehouse.parent / "dlt"))
    info = pipeline.run(source)
    info.raise_on_failed_jobs()
    with duckdb.connect(str(warehouse), read_only=True) as con:
        tables = con.execute("select count(*) from information_schema.tables "
                             "where table_schema = 'raw_hubspot' and table_name not like "
                             "'\\_dlt%' escape '\\'").fetchone()[0]
    return f"{tables} tables"


def measure(label: str, sandbox: SandboxProcess, prepare: Callable[[Path], Callable[[], str]],
            table: str) -> Outcome:
    """``prepare(warehouse)`` sets up untimed and returns the timed run."""
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as directory:
        warehouse = Path(directory) / "warehouse.duckdb"
        run = prepare(warehouse)
        sandbox.take_calls()  # start from a clean log
        cpu, started = time.process_time(), time.perf_counter()
        note = run()
        seconds = time.perf_counter() - started
        cpu = time.process_time() - cpu
        rows = count_rows(warehouse, table)
    calls, sandbox_cpu = sandbox.take_calls()
    outcome = Outcome(label, rows, seconds, cpu, calls, sandbox_cpu, note)
    print_unlimited_row(outcome)
    return outcome


# ---------------------------------------------------------------------------------------------
# Limits on


def _limited_worker(warehouse: str, done: Any) -> None:
    """A separate process, so a long sync can be stopped at --max-seconds."""
    try:
        run = dagster_run(Path(warehouse), WINDOW_LIMIT)
        done.put(("started", ""))  # --max-seconds counts from here, not from process start
        done.put(("ok", run()))
    except Exception as exc:  # report, do not hang the parent
        done.put(("error", repr(exc)))


def measure_limited(sandbox: SandboxProcess, max_seconds: float | None) -> Outcome:
    sandbox.set_limits(WINDOW_LIMIT, SEARCH_PER_SECOND)
    # spawn: this process already runs DuckDB and dlt threads, which fork does not copy safely.
    context = multiprocessing.get_context("spawn")
    with tempfile.TemporaryDirectory(prefix="ingest-bench-") as directory:
        warehouse = Path(directory) / "warehouse.duckdb"
        done = context.Queue()
        os.environ.update(sandbox.environment())
        sandbox.take_calls()
        worker = context.Process(target=_limited_worker, args=(str(warehouse), done))
        worker.start()
        status, note = done.get(timeout=600)
        if status != "started":
            raise RuntimeError(note)
        started = time.perf_counter()
        worker.join(timeout=max_seconds)
        seconds = time.perf_counter() - started
        if worker.is_alive():
            worker.terminate()
            worker.join(timeout=10)
            if worker.is_alive():  # Dagster turns SIGTERM into a graceful stop that can hang
                worker.kill()
                worker.join()
            rows, note = None, f"stopped after {max_seconds:.0f} s (--max-seconds)"
        else:
            status, note = done.get(timeout=10)
            if status != "ok":
                raise RuntimeError(note)
            rows = count_rows(warehouse, "raw_hubspot.contacts")
    calls, sandbox_cpu = sandbox.take_calls()
    sandbox.set_limits(None, None)
    return Outcome("samepage dagster, limits on", rows, seconds, 0.0, calls, sandbox_cpu, note)


@dataclass
class LimitShare:
    start: float
    end: float
    window_calls: int
    search_calls: int
    throttled: int

    @property
    def seconds(self) -> float:
        return self.end - self.start

    @property
    def window_share(self) -> float:
        return self.window_calls / (WINDOW_LIMIT / WINDOW_SECONDS * self.seconds)

    @property
    def search_share(self) -> float:
        return self.search_calls / (SEARCH_PER_SECOND * self.seconds)


def limit_share(calls: list[tuple[float, str, int]], start: float, end: float) -> LimitShare:
    inside = [c for c in calls if start <= c[0] <= end]
    admitted = [c for c in inside if c[2] != 429]
    return LimitShare(start, end,
                      window_calls=sum(c[1] != "search" for c in admitted),
                      search_calls=sum(c[1] == "search" for c in admitted),
                      throttled=sum(c[2] == 429 for c in inside))


def report_limited(outcome: Outcome, slow: list[tuple[float, str, float]]) -> None:
    calls = outcome.calls
    if not calls:
        print("  no calls were made")
        return
    first, last = calls[0][0], calls[-1][0]
    whole = limit_share(calls, first, last)
    # The first 10 s may spend a whole empty window at once; steady state starts after it.
    steady = limit_share(calls, first + WINDOW_SECONDS, last)
    kinds = Counter(c[1] for c in calls if c[2] != 429)
    contacts_per_second = kinds["batch_read"] * 50 / whole.seconds  # 50 ids per history read
    print(f"  {outcome.label}: {outcome.note}")
    print(f"    wall {outcome.seconds:.1f} s; HubSpot calls {whole.seconds:.1f} s "
          f"(first to last); rows landed: "
          f"{outcome.rows if outcome.rows is not None else 'none (stopped)'}")
    print(f"    calls answered by kind: {dict(kinds)}; 429s sent by the sandbox: "
          f"{whole.throttled}")
    print(f"    contacts read ~{contacts_per_second:,.0f}/s (batch reads x 50)")
    # Where unused window capacity goes: pauses in which the client sent nothing at all.
    gaps = sorted(((b[0] - a[0], a[0] - first) for a, b in pairwise(calls)),
                  reverse=True)[:3]
    print("    longest pauses between calls: " + ", ".join(
        f"{gap:.2f} s at +{at:.0f} s" for gap, at in gaps))
    print(f"    sandbox answers slower than 0.5 s: {len(slow)}" + "".join(
        f"; {kind} {seconds:.2f} s at +{at - first:.0f} s" for at, kind, seconds in slow[:3]))
    print(f"    {'':<34}{'window calls/s':>15}{'share of 19/s':>15}{'search/s':>10}"
          f"{'share of 5/s':>14}")
    for name, share in (("steady state (after first 10 s)", steady), ("whole run", whole)):
        if share.seconds <= 0:
            continue
        print(f"    {name:<34}{share.window_calls / share.seconds:>15.2f}"
              f"{share.window_share:>15.1%}{share.search_calls / share.seconds:>10.2f}"
              f"{share.search_share:>14.1%}")


# ---------------------------------------------------------------------------------------------


def print_unlimited_row(outcome: Outcome) -> None:
    kinds = Counter(c[1] for c in outcome.calls)
    search_rate = kinds["search"] / outcome.seconds
    print(f"  {outcome.label:<40} {outcome.rows or 0:>9,} rows {outcome.seconds:8.1f} s "
          f"{(outcome.rows or 0) / outcome.seconds:>9,.0f} rows/s  "
          f"cpu here {outcome.cpu_seconds:6.1f}"
          f" s, sandbox {outcome.sandbox_cpu:6.1f} s; calls {len(outcome.calls):,} "
          f"(search {search_rate:.1f}/s); {outcome.note}", flush=True)


CONTACTS_TABLE = "raw_hubspot.contacts"
# name: (label, write disposition, max_table_nesting)
DLT_VARIANTS = {
    "merge": ("dlt rest_api merge", "merge", None),
    "replace": ("dlt rest_api replace", "replace", None),
    "json": ("dlt rest_api merge, JSON (nesting 0)", "merge", 0),
}


def run_unlimited(sandbox: SandboxProcess, skip_dagster_shipped: bool) -> None:
    print("limits off (sandbox unlimited)")
    url = sandbox.url
    started = time.perf_counter()
    read = warm_up(url)
    sandbox.take_calls()
    print(f"  warm-up read of {read:,} contacts (untimed, fills the sandbox's render "
          f"cache): {time.perf_counter() - started:.1f} s", flush=True)
    measure("samepage connector+loader", sandbox,
            lambda w: functools.partial(run_connector, w, url), CONTACTS_TABLE)
    measure("samepage dagster, search unpaced", sandbox,
            lambda w: dagster_run(w, UNLIMITED_CALLS, search_unpaced=True), CONTACTS_TABLE)
    if not skip_dagster_shipped:
        measure("samepage dagster (as shipped)", sandbox,
                lambda w: dagster_run(w, UNLIMITED_CALLS), CONTACTS_TABLE)


def run_dlt_variants(sandbox: SandboxProcess, variants: list[str]) -> None:
    import dlt
    import dlt.sources.rest_api  # imported before any timing starts

    print(f"limits off, dlt {dlt.__version__} (sandbox unlimited, render cache warm)")
    for name in variants:
        label, disposition, nesting = DLT_VARIANTS[name]
        measure(label, sandbox, lambda w, d=disposition, n=nesting: functools.partial(
            run_dlt, w, url=sandbox.url, disposition=d, nesting=n), CONTACTS_TABLE)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=100_000, help="people in the world")
    parser.add_argument("--seed", type=int, default=42)
    parser.add_argument("--mode", choices=("unlimited", "limited", "all"), default="all")
    parser.add_argument("--skip-dlt", action="store_true")
    parser.add_argument("--skip-dagster-shipped", action="store_true",
                        help="skip the as-shipped Dagster run (search paced at 5/s: slow)")
    parser.add_argument("--max-seconds", type=float, default=None,
                        help="limits on: stop the sync after this long and report the share of "
                             "the ceiling over the steady-state part of that window")
    parser.add_argument("--dlt-variants", default="merge,replace,json",
                        help="comma-separated subset of: " + ", ".join(DLT_VARIANTS))
    args = parser.parse_args()
    os.environ.setdefault("RUNTIME__DLTHUB_TELEMETRY", "false")  # no network calls from dlt

    sandbox = SandboxProcess(args.scale, args.seed)
    print(f"world of {args.scale:,} people: {sandbox.live:,} live + {sandbox.archived:,} "
          f"archived contacts, generated and served in {sandbox.startup_seconds:.1f} s; "
          f"python {sys.version.split()[0]}, {os.cpu_count()} cores", flush=True)
    os.environ.update(sandbox.environment())
    try:
        if args.mode in ("unlimited", "all"):
            run_unlimited(sandbox, args.skip_dagster_shipped)
        if args.mode in ("limited", "all"):
            print(f"limits on (sandbox {WINDOW_LIMIT} calls/{WINDOW_SECONDS:.0f} s + search "
                  f"{SEARCH_PER_SECOND}/s; client HUBSPOT_CALLS_PER_10_SECONDS={WINDOW_LIMIT})",
                  flush=True)
            report_limited(measure_limited(sandbox, args.max_seconds), sandbox.slow)
        # dlt last: at 1,000,000 contacts its default normalisation alone takes ~20 minutes.
        if args.mode in ("unlimited", "all") and not args.skip_dlt:
            run_dlt_variants(sandbox, args.dlt_variants.split(","))
    finally:
        sandbox.stop()


if __name__ == "__main__":
    main()
