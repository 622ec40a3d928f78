"""Pacing against the sandbox's HubSpot limits: no 429 in steady state, yet the ceiling used."""

from __future__ import annotations

import time

import pytest
import requests

from connectors.hubspot import HubSpotClient, hubspot_session
from connectors.rate_limit import SlidingWindowLimiter
from sandbox.http import start_server
from sandbox.hubspot import DEFAULT_ACCESS_TOKEN, HubSpotApi

WINDOW_CALLS, WINDOW_SECONDS = 20, 1.0  # HubSpot's rate (190/10 s ≈ 20/s), in a short window


@pytest.fixture
def limited(generated):
    world, _ = generated
    api = HubSpotApi(world, window_limit=WINDOW_CALLS, window_seconds=WINDOW_SECONDS,
                     search_per_second=5)
    server, _ = start_server([api])
    yield server.url
    server.shutdown()
    server.server_close()


def one_page_calls(client: HubSpotClient, count: int) -> None:
    url = f"{client.api_base}/crm/v3/objects/contacts"
    for _ in range(count):
        client._get(url, {"limit": 1})


def test_steady_state_stays_under_the_window_and_uses_it(limited):
    # The client starts from the default (100 / 10 s) and adopts the 20 / 1 s the answers announce.
    client = HubSpotClient(DEFAULT_ACCESS_TOKEN, api_base=limited,
                           session=hubspot_session(DEFAULT_ACCESS_TOKEN))
    calls = 5 * WINDOW_CALLS + 1
    started = time.monotonic()
    one_page_calls(client, calls)
    elapsed = time.monotonic() - started
    assert client.session.stats.throttled == 0 and client.session.stats.retries == 0
    # The fastest any client could go: a full window at once, then one per window.
    ideal = (-(-calls // WINDOW_CALLS) - 1) * WINDOW_SECONDS
    assert ideal / elapsed >= 0.95, f"{calls} calls took {elapsed:.2f}s, ideal {ideal:.2f}s"


def test_calls_by_another_client_on_the_same_token_are_accounted_for(limited):
    other = requests.Session()
    other.headers["Authorization"] = f"Bearer {DEFAULT_ACCESS_TOKEN}"
    for _ in range(WINDOW_CALLS // 2):  # someone else spends half the window first
        assert other.get(f"{limited}/crm/v3/objects/contacts", params={"limit": 1}).ok
    client = HubSpotClient(DEFAULT_ACCESS_TOKEN, api_base=limited,
                           session=hubspot_session(DEFAULT_ACCESS_TOKEN))
    one_page_calls(client, 2 * WINDOW_CALLS)
    assert client.session.stats.throttled == 0


def test_search_keeps_to_its_own_per_second_limit(limited):
    client = HubSpotClient(DEFAULT_ACCESS_TOKEN, api_base=limited,
                           session=hubspot_session(DEFAULT_ACCESS_TOKEN))
    started = time.monotonic()
    for _ in range(11):
        client.high_water_mark("contacts")
    elapsed = time.monotonic() - started
    assert client.session.stats.throttled == 0
    assert 2.0 <= elapsed < 2.0 / 0.9  # 5 at once, 5 a second later, 1 a second after that


def test_a_call_holds_its_place_in_the_window_until_answered():
    limiter = SlidingWindowLimiter(1, 0.2)
    with limiter.slot():
        time.sleep(0.1)  # a slow answer: the window counts from here, not from the send
    started = time.monotonic()
    with limiter.slot():
        pass
    assert time.monotonic() - started >= 0.19


def test_adapt_counts_calls_the_server_saw_but_we_did_not_make():
    limiter = SlidingWindowLimiter(100, 10.0)
    with limiter.slot():
        pass
    limiter.adapt(max_calls=3, window_seconds=0.2, remaining=0)  # full: two calls were others'
    started = time.monotonic()
    with limiter.slot():
        pass
    assert limiter.max_calls == 3 and time.monotonic() - started >= 0.19
