"""The world generator: a deterministic timeline of a B2B SaaS company, snapshotted at a clock.

``generate`` draws the timeline from (seed, scale) and returns the world as it looks at the
clock, with the truth of what happened to each person; ``advance`` redraws the same timeline
and snapshots it later. See ``sandbox/README.md`` for the story and the truth file format.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

from ..world import World
from . import hubspot_crm, hubspot_records, salesforce_records, schema
from . import params as pm
from .formats import iso, ms
from .snapshot import Snapshot
from .timeline import build
from .truth import Truth, compute

__all__ = ["Truth", "advance", "generate"]


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Millions of new dicts would trigger full collections over the growing world again and
    again (quadratic time); the generator makes no reference cycles, so pause the collector."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def generate(seed: int, scale: int, clock: str | None = None,
             topology: str = pm.DEFAULT_TOPOLOGY) -> tuple[World, Truth]:
    """World and truth at ``clock`` (default: ~18 months after the start, when ``scale`` people
    have been created), for the company running ``topology`` (``pm.TOPOLOGIES``)."""
    if topology not in pm.TOPOLOGIES:
        raise ValueError(f"topology {topology!r} is not one of {', '.join(pm.TOPOLOGIES)}")
    with _collector_paused():
        return _generate(seed, scale, clock, topology)


def _generate(seed: int, scale: int, clock: str | None, topology: str) -> tuple[World, Truth]:
    at = ms(clock or pm.DEFAULT_CLOCK)
    if at < ms(pm.START):
        raise ValueError(f"clock {clock} is before the generator's start {pm.START}")
    clock_iso = iso(at)
    snap = Snapshot(build(seed, scale), at)
    generator = {"seed": seed, "scale": scale, "start": pm.START}
    if topology != pm.DEFAULT_TOPOLOGY:  # the default's world stays as it always was
        generator["topology"] = topology
        world = World(clock=clock_iso, generator=generator,
                      hubspot={**hubspot_crm.build(snap),
                               "properties": schema.hubspot_properties(pm.START, topology)})
        return world, hubspot_crm.compute(snap, dict(generator), clock_iso)
    world = World(clock=clock_iso, generator=generator,
                  hubspot={**hubspot_records.build(snap),
                           "properties": schema.hubspot_properties(pm.START)},
                  salesforce={"objects": salesforce_records.build(snap),
                              "describe": schema.describe()})
    return world, compute(snap, dict(generator), clock_iso)


def advance(world: World, days: float) -> tuple[World, Truth]:
    """The same generated world ``days`` later: regenerated from its seed and scale."""
    if not world.generator:
        raise ValueError("only generated worlds can be advanced (this one has no generator)")
    if days < 0:
        raise ValueError("days must not be negative")
    later = iso(ms(world.clock) + round(days * pm.DAY))
    return generate(world.generator["seed"], world.generator["scale"], later,
                    world.generator.get("topology", pm.DEFAULT_TOPOLOGY))
