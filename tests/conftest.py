"""Shared fixtures: a generated company and a sandbox serving it over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import duckdb
import pytest

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.dbt.conftest import dbt_invoke
from tests.dbt.raw_loader import load_world

TEST_SEED = 7
TEST_SCALE = 1500


@pytest.fixture(scope="session")
def generated() -> tuple[World, Truth]:
    return generate(TEST_SEED, TEST_SCALE)


@pytest.fixture
def sandbox(generated: tuple[World, Truth]) -> Iterator[Sandbox]:
    """A sandbox with real limits on a free port (limits roomy enough not to slow tests)."""
    world, truth = generated
    with Sandbox(world, SandboxSettings()) as running:
        running.truth = truth
        yield running


@pytest.fixture(scope="session")
def built_hubspot_only(tmp_path_factory: pytest.TempPathFactory) -> tuple[World, Truth, Path]:
    """The shared world's seed and size as a company on HubSpot alone (topology "hubspot"),
    landed and built as that stack builds it (SAMEPAGE_SOURCES=hubspot, one `dbt build`; the
    unit tests, whose inputs name both sources' models, run in the two-source build): for
    every test of a HubSpot-only stack. Tests that change it use a copy."""
    world, truth = generate(TEST_SEED, TEST_SCALE, topology="hubspot")
    work = tmp_path_factory.mktemp("built-hubspot-only")
    warehouse = work / "warehouse.duckdb"
    load_world(warehouse, world)
    with pytest.MonkeyPatch.context() as env:
        env.setenv("SAMEPAGE_SOURCES", "hubspot")
        dbt_invoke(warehouse, work, "build", vars={"as_of": truth.clock})
    return world, truth, warehouse


QUARANTINED = [("raw_hubspot.contacts", "record has no primary key"),
               ("raw_hubspot.contacts", "record has no primary key"),
               ("raw_salesforce.lead", "record is a list, not an object")]


@pytest.fixture(scope="session")
def built_marts(tmp_path_factory: pytest.TempPathFactory,
                generated: tuple[World, Truth]) -> Path:
    """The generated world landed by the real loader, built by dbt as the nightly builds it
    (seeds, models, the goal snapshot, data tests), and a few quarantined records: for tests of
    what reads the marts (the digest, the UI, goals, funnel). Tests that change it use a copy."""
    world, truth = generated
    work = tmp_path_factory.mktemp("built-marts")
    warehouse = work / "warehouse.duckdb"
    load_world(warehouse, world)
    # one `build` (the snapshot and data tests too), so the goal tests can read it rather than
    # build the same world again
    dbt_invoke(warehouse, work, "build", vars={"as_of": truth.clock})
    with duckdb.connect(str(warehouse)) as con:
        con.executemany("insert into raw_meta.quarantine values (?, ?, null, now(), 'test-load')",
                        [list(row) for row in QUARANTINED])
    return warehouse
