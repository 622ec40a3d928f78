"""Shared fixtures: a generated company and a sandbox serving it over real HTTP."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from sandbox.app import Sandbox, SandboxSettings
from sandbox.generator import Truth, generate
from sandbox.world import World

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
