"""A running sandbox: a world, both APIs and the admin endpoints behind one HTTP server."""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from typing import Self

from sandbox import hubspot_writes, salesforce_writes
from sandbox.admin import AdminApi
from sandbox.generator import Truth, advance
from sandbox.http import FaultConfig, FaultInjector, LoggedRequest, SandboxServer, start_server
from sandbox.hubspot import (
    DAILY_LIMIT,
    DEFAULT_ACCESS_TOKEN,
    IRREGULAR_EVERY,
    READ_SCOPES,
    HubSpotApi,
)
from sandbox.hubspot_search import IndexLag
from sandbox.hubspot_writes import WRITE_SCOPES
from sandbox.salesforce import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SalesforceApi
from sandbox.world import World


@dataclass
class SandboxSettings:
    """Limits and faults. The defaults imitate a HubSpot Professional portal and a fresh org."""

    hubspot_window_limit: int | None = 190  # calls per 10 s per token; None turns it off
    hubspot_search_per_second: int | None = 5
    hubspot_daily_limit: int | None = DAILY_LIMIT  # calls per portal per world day
    # HubSpot edges (sandbox/README.md): search indexing delay (None: search sees every change
    # at once; IndexLag() is the realistic one), one record in N behind stale index entries
    # (short and empty search pages; None: regular pages), newest history entries kept.
    hubspot_index_lag: IndexLag | None = None
    hubspot_irregular_every: int | None = IRREGULAR_EVERY
    hubspot_history_limit: int | None = None
    salesforce_token_ttl_seconds: float = 7200.0
    salesforce_daily_request_limit: int = 100_000
    salesforce_short_batches: bool = True  # query batches smaller than asked for, as at Salesforce
    faults: FaultConfig = field(default_factory=FaultConfig)
    # What the credentials may read: the private app's scopes, and the Salesforce objects and
    # fields ("Lead.Disqualification_Reason__c") the integration user's profile cannot see.
    hubspot_scopes: tuple[str, ...] = READ_SCOPES + WRITE_SCOPES
    salesforce_hidden_objects: tuple[str, ...] = ()
    salesforce_hidden_fields: tuple[str, ...] = ()

    @classmethod
    def unlimited(cls) -> SandboxSettings:
        """No rate limits at all: for benchmarks of raw throughput."""
        return cls(hubspot_window_limit=None, hubspot_search_per_second=None,
                   hubspot_daily_limit=None, salesforce_daily_request_limit=10**9)


class Sandbox:
    """Serve a world on 127.0.0.1; ``advance`` moves a generated world forward while serving."""

    hubspot_access_token = DEFAULT_ACCESS_TOKEN
    salesforce_client_id = DEFAULT_CLIENT_ID
    salesforce_client_secret = DEFAULT_CLIENT_SECRET

    def __init__(self, world: World, settings: SandboxSettings | None = None) -> None:
        self.settings = settings or SandboxSettings()
        self.world = world
        self.truth: Truth | None = None
        self._lock = threading.Lock()
        self.hubspot = HubSpotApi(world, window_limit=self.settings.hubspot_window_limit,
                                  search_per_second=self.settings.hubspot_search_per_second,
                                  daily_limit=self.settings.hubspot_daily_limit,
                                  index_lag=self.settings.hubspot_index_lag,
                                  irregular_every=self.settings.hubspot_irregular_every,
                                  history_limit=self.settings.hubspot_history_limit,
                                  scopes=self.settings.hubspot_scopes)
        self.salesforce = SalesforceApi(
            self._salesforce_view(world),
            token_ttl_seconds=self.settings.salesforce_token_ttl_seconds,
            daily_request_limit=self.settings.salesforce_daily_request_limit,
            short_batches=self.settings.salesforce_short_batches)
        self.admin = AdminApi(self)
        self._server: SandboxServer | None = None
        self._login_server: SandboxServer | None = None

    @property
    def url(self) -> str:
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return self._server.url

    @property
    def faults(self) -> FaultConfig:
        return self.settings.faults

    @property
    def salesforce_generic_login_url(self) -> str:
        """The sandbox's stand-in for https://login.salesforce.com: a second listener whose token
        endpoint refuses the client-credentials grant as the generic login hosts do
        (``url`` itself plays the org's My Domain)."""
        if self._login_server is None:
            raise RuntimeError("the sandbox is not running")
        return self._login_server.url

    def start(self, port: int = 0, host: str = "127.0.0.1") -> str:
        self._server, _ = start_server([self.admin, self.hubspot, self.salesforce],
                                       self.settings.faults, host=host, port=port)
        self._login_server, _ = start_server([self.salesforce.login_domain(lambda: self.url)],
                                             host=host)
        return self._server.url

    def stop(self) -> None:
        for server in (self._server, self._login_server):
            if server is not None:
                server.shutdown()
                server.server_close()
        self._server = self._login_server = None

    def __enter__(self) -> Self:
        if self._server is None:
            self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def requests(self) -> list[LoggedRequest]:
        """Every API request served so far (method, path, status), in arrival order."""
        if self._server is None:
            raise RuntimeError("the sandbox is not running")
        return self._server.log.entries()

    def write_requests(self) -> list[LoggedRequest]:
        """The requests that write (to either API), answered or not."""
        return [r for r in self.requests()
                if hubspot_writes.is_write(r.method, r.path)
                or salesforce_writes.is_write(r.method, r.path)]

    def set_faults(self, faults: FaultConfig) -> None:
        """Replace the fault settings; the injector is reseeded so a fault schedule repeats."""
        self.settings.faults = faults
        if self._server is not None:
            self._server.faults = FaultInjector(faults)

    def set_world(self, world: World, truth: Truth | None = None) -> None:
        with self._lock:
            self.hubspot.load(world)
            self.salesforce.load(self._salesforce_view(world))
            self.world, self.truth = world, truth

    def _salesforce_view(self, world: World) -> World:
        return world.withholding(self.settings.salesforce_hidden_objects,
                                 self.settings.salesforce_hidden_fields)

    def advance(self, days: float) -> World:
        """Move a generated world ``days`` forward: new people, updates, deletions, merges."""
        with self._lock:
            world, truth = advance(self.world, days)
        self.set_world(world, truth)
        return world

    def environment(self) -> dict[str, str]:
        """The environment variables that point samepage's pipeline at this sandbox."""
        return {
            "HUBSPOT_API_BASE": self.url,
            "HUBSPOT_ACCESS_TOKEN": self.hubspot_access_token,
            "SALESFORCE_LOGIN_URL": self.url,
            "SALESFORCE_CLIENT_ID": self.salesforce_client_id,
            "SALESFORCE_CLIENT_SECRET": self.salesforce_client_secret,
            # the world's "now": time-dependent definitions are evaluated as of it
            "SAMEPAGE_AS_OF": self.world.clock,
        }
