"""``samepage sandbox``: serve, generate or advance a world.

    samepage sandbox --generate 42 --scale 2000 --port 8765
    samepage sandbox --world world.json --port 8765 --error-rate 0.1
    samepage sandbox --generate 42 --salesforce-hide Lead.Disqualification_Reason__c
    samepage sandbox generate --seed 42 --scale 2000 --out data/world.json
    samepage sandbox generate --seed 42 --scale 2000 --topology hubspot --out data/hs.json
    samepage sandbox advance --world data/world.json --days 3
"""

from __future__ import annotations

import argparse
import contextlib
import logging
import signal
import sys
import threading
from pathlib import Path

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth, advance, generate
from sandbox.generator.params import DEFAULT_TOPOLOGY, TOPOLOGIES
from sandbox.http import FaultConfig
from sandbox.hubspot import DAILY_LIMIT, IRREGULAR_EVERY, READ_SCOPES
from sandbox.hubspot_search import IndexLag
from sandbox.world import World, WorldError


def main(argv: list[str]) -> int:
    try:
        if argv and argv[0] == "generate":
            return _generate(argv[1:])
        if argv and argv[0] == "advance":
            return _advance(argv[1:])
        return _serve(argv)
    except WorldError as exc:
        print(f"cannot use this world:\n{exc}", file=sys.stderr)
        return 2


def truth_path_for(world_path: Path) -> Path:
    """The truth file sits beside its world: world.json -> world.truth.json."""
    return world_path.with_suffix(".truth.json")


def _serve(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="samepage sandbox", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    source = parser.add_mutually_exclusive_group(required=True)
    source.add_argument("--world", type=Path, help="serve this world file")
    source.add_argument("--generate", type=int, metavar="SEED", help="generate a world")
    parser.add_argument("--scale", type=int, default=2000, help="people to generate")
    parser.add_argument("--topology", choices=TOPOLOGIES, default=DEFAULT_TOPOLOGY,
                        help="the tools the generated company runs (default: %(default)s)")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8765, help="0 picks a free port")
    limits = parser.add_argument_group("limits")
    limits.add_argument("--hubspot-window-limit", type=int, default=190,
                        help="HubSpot calls per 10 s per token (100 or 190 in real tiers)")
    limits.add_argument("--hubspot-search-per-second", type=int, default=5)
    limits.add_argument("--salesforce-daily-limit", type=int, default=100_000)
    limits.add_argument("--token-ttl", type=float, default=7200.0,
                        help="seconds until a Salesforce access token expires")
    limits.add_argument("--hubspot-daily-limit", type=int, default=DAILY_LIMIT,
                        help="HubSpot calls per portal per (world) day")
    limits.add_argument("--no-rate-limits", action="store_true", help="for benchmarks")
    edges = parser.add_argument_group("HubSpot edges (sandbox/README.md)")
    edges.add_argument("--hubspot-index-lag", type=float, metavar="MEDIAN_SECONDS",
                       help="search sees a change this long (median) after it; off by default")
    edges.add_argument("--hubspot-regular-pages", action="store_true",
                       help="no short or empty search and list pages")
    edges.add_argument("--hubspot-history-limit", type=int, metavar="N",
                       help="keep only each property's N newest history entries")
    access = parser.add_argument_group("what the credentials may read (default: everything)")
    access.add_argument("--hubspot-scopes", metavar="SCOPE,...",
                        help="the private app's scopes (others answer 403 MISSING_SCOPES)")
    access.add_argument("--salesforce-hide", action="append", default=[],
                        metavar="OBJECT[.FIELD]", help="withhold an object or a field from the "
                        "integration user (repeatable)")
    faults = parser.add_argument_group("fault injection (off by default)")
    faults.add_argument("--latency-ms", type=float, default=0.0)
    faults.add_argument("--error-rate", type=float, default=0.0, help="share of 429/500/503")
    faults.add_argument("--drop-rate", type=float, default=0.0, help="share of dropped connections")
    faults.add_argument("--timeout-rate", type=float, default=0.0, help="share of hung answers")
    faults.add_argument("--timeout-seconds", type=float, default=5.0)
    faults.add_argument("--truncate-rate", type=float, default=0.0, help="share of cut bodies")
    faults.add_argument("--fault-seed", type=int, default=0)
    args = parser.parse_args(argv)
    # Problems answered with HTTP 500 are logged here with their cause (sandbox/http.py).
    logging.basicConfig(level=logging.INFO,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")

    if args.world:
        world = World.load(args.world)
    else:
        world, _ = generate(args.generate, args.scale, topology=args.topology)
    settings = SandboxSettings(
        hubspot_window_limit=None if args.no_rate_limits else args.hubspot_window_limit,
        hubspot_search_per_second=None if args.no_rate_limits else args.hubspot_search_per_second,
        salesforce_daily_request_limit=(
            10**9 if args.no_rate_limits else args.salesforce_daily_limit),
        salesforce_token_ttl_seconds=args.token_ttl,
        hubspot_daily_limit=None if args.no_rate_limits else args.hubspot_daily_limit,
        hubspot_index_lag=None if args.hubspot_index_lag is None else IndexLag(
            args.hubspot_index_lag, max_seconds=max(600.0, 120 * args.hubspot_index_lag)),
        hubspot_irregular_every=None if args.hubspot_regular_pages else IRREGULAR_EVERY,
        hubspot_history_limit=args.hubspot_history_limit,
        hubspot_scopes=(tuple(s for s in args.hubspot_scopes.split(",") if s)
                        if args.hubspot_scopes is not None else READ_SCOPES),
        salesforce_hidden_objects=tuple(h for h in args.salesforce_hide if "." not in h),
        salesforce_hidden_fields=tuple(h for h in args.salesforce_hide if "." in h),
        faults=FaultConfig(latency_ms=args.latency_ms, error_rate=args.error_rate,
                           drop_rate=args.drop_rate, timeout_rate=args.timeout_rate,
                           timeout_seconds=args.timeout_seconds,
                           truncate_rate=args.truncate_rate, seed=args.fault_seed),
    )
    sandbox = Sandbox(world, settings)
    url = sandbox.start(port=args.port, host=args.host)
    print(f"sandbox serving HubSpot and Salesforce at {url} (world clock {world.clock})")
    for name, value in sandbox.environment().items():
        print(f"  export {name}={value}")
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: stop.set())
    with contextlib.suppress(KeyboardInterrupt):
        stop.wait()
    sandbox.stop()
    return 0


def _generate(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="samepage sandbox generate",
                                     description="Write a generated world and its truth file.")
    parser.add_argument("--seed", type=int, required=True)
    parser.add_argument("--scale", type=int, required=True, help="people by the world clock")
    parser.add_argument("--clock", help="the world's now (ISO-8601 UTC); default: generator's")
    parser.add_argument("--topology", choices=TOPOLOGIES, default=DEFAULT_TOPOLOGY,
                        help="the tools the generated company runs (default: %(default)s)")
    parser.add_argument("--out", type=Path, required=True, help="world file to write")
    args = parser.parse_args(argv)
    world, truth = generate(args.seed, args.scale, clock=args.clock, topology=args.topology)
    _save(world, truth, args.out)
    return 0


def _advance(argv: list[str]) -> int:
    parser = argparse.ArgumentParser(prog="samepage sandbox advance",
                                     description="Move a generated world file forward in time.")
    parser.add_argument("--world", type=Path, required=True)
    parser.add_argument("--days", type=float, required=True)
    args = parser.parse_args(argv)
    world = World.load(args.world)
    if world.generator is None:
        print(f"{args.world} was written by hand: only generated worlds advance", file=sys.stderr)
        return 2
    world, truth = advance(world, args.days)
    _save(world, truth, args.world)
    return 0


def _save(world: World, truth: Truth, path: Path) -> None:
    world.save(path)
    truth.save(truth_path_for(path))
    print(f"world {path} and truth {truth_path_for(path)} at clock {world.clock}")
