"""Every resource of the code location, configured only from documented environment variables.

Settings come from ``pipelines.settings``, which checks them when the code location loads. Secrets
come through ``dg.EnvVar`` so Dagster never stores or displays their values; a missing one lets the
code location load and fails each step that needs it with a first sentence naming the variable.
"""

import logging
import os
import sys
from collections.abc import Sequence
from pathlib import Path

import dagster as dg
from dagster_dbt import DbtCliResource

from connectors.hubspot import (
    DEFAULT_API_BASE,
    DEFAULT_RATE_LIMIT,
    DEFAULT_SEARCH_LOOKBACK_SECONDS,
    SEARCH_RATE_LIMIT,
    HubSpotClient,
    hubspot_session,
)
from connectors.salesforce import (
    DEFAULT_API_VERSION,
    DEFAULT_BULK_THRESHOLD,
    DEFAULT_LOGIN_URL,
    SalesforceClient,
)
from pipelines import settings
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.publishing import PublishResult, publish
from pipelines.slack import post_message
from pipelines.warehouse import Warehouse, open_warehouse


class HubSpotResource(dg.ConfigurableResource):
    """HubSpot CRM through a private-app access token."""

    api_base: str = DEFAULT_API_BASE
    access_token: str
    calls_per_10_seconds: int = DEFAULT_RATE_LIMIT[0]
    search_calls_per_second: int = SEARCH_RATE_LIMIT[0]
    search_lookback_seconds: int = DEFAULT_SEARCH_LOOKBACK_SECONDS

    def client(self) -> HubSpotClient:
        require_secrets(HUBSPOT_ACCESS_TOKEN=self.access_token)
        session = hubspot_session(self.access_token,
                                  rate_limit=(self.calls_per_10_seconds, 10.0),
                                  search_rate_limit=(self.search_calls_per_second, 1.0))
        return HubSpotClient(self.access_token, api_base=self.api_base, session=session)


class SalesforceResource(dg.ConfigurableResource):
    """Salesforce REST through an External Client App's OAuth 2.0 client-credentials flow, or a
    connected app's JWT bearer flow when a username is set (with a private key)."""

    login_url: str = DEFAULT_LOGIN_URL
    client_id: str
    client_secret: str = ""
    username: str | None = None
    private_key: str = ""  # the PEM itself (a secret), or
    private_key_file: str | None = None  # a file holding it
    api_version: str = DEFAULT_API_VERSION
    bulk_threshold: int = DEFAULT_BULK_THRESHOLD

    def client(self) -> SalesforceClient:
        if self.username is None:
            require_secrets(SALESFORCE_CLIENT_ID=self.client_id,
                            SALESFORCE_CLIENT_SECRET=self.client_secret)
            return SalesforceClient(self.client_id, self.client_secret, login_url=self.login_url,
                                    api_version=self.api_version)
        require_secrets(SALESFORCE_CLIENT_ID=self.client_id)
        key = (Path(self.private_key_file).read_text(encoding="utf-8")
               if self.private_key_file else self.private_key)
        if "\n" not in key:  # a PEM kept on one line in a secret store, newlines escaped
            key = key.replace("\\n", "\n")
        return SalesforceClient(self.client_id, username=self.username, private_key=key,
                                login_url=self.login_url, api_version=self.api_version)


class WarehouseResource(dg.ConfigurableResource):
    """Where the raw tables and the dbt models live: a DuckDB file or a PostgreSQL URL."""

    location: str

    def warehouse(self) -> Warehouse:
        return open_warehouse(self.location)


class BIPublishResource(dg.ConfigurableResource):
    """The read-only copy of the marts that BI tools read (docs/bi.md)."""

    warehouse: str
    path: str

    def publish(self, schema: str, tables: Sequence[str], run_id: str) -> PublishResult | None:
        """Publish a DuckDB warehouse; None for a server (PostgreSQL), which BI tools read as is."""
        if settings.is_postgres(self.warehouse):
            return None
        return publish(Path(self.warehouse), Path(self.path), schema, tables, run_id)


class SlackResource(dg.ConfigurableResource):
    """A Slack incoming webhook; without one, messages are only logged."""

    webhook_url: str | None = None

    def post(self, text: str, log: logging.Logger | None = None) -> bool:
        return post_message(self.webhook_url, text, log=log)


def secret(name: str) -> dg.EnvVar | str:
    """A secret by name (``dg.EnvVar``: Dagster stores the name, never the value), or "" when it is
    unset, so the code location still loads and ``require_secrets`` names it in the failing step."""
    return dg.EnvVar(name) if os.environ.get(name) else ""


def require_secrets(**values: str) -> None:
    """Fail the step, once and first thing, when a secret it needs is unset."""
    missing = [name for name, value in values.items() if not value]
    if missing:
        raise dg.Failure(
            description=f"{' and '.join(missing)} {'is' if len(missing) == 1 else 'are'} not set: "
                        "export the secret in the environment of every Dagster process "
                        "(README, Configuration).",
            allow_retries=False)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so an un-activated virtualenv still works."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


@dg.definitions
def resources() -> dg.Definitions:
    settings.check_all()  # every documented variable, so a bad one fails the load, named
    warehouse = settings.warehouse_location()
    hubspot, salesforce = settings.hubspot(), settings.salesforce()
    return dg.Definitions(resources={
        "hubspot": HubSpotResource(
            api_base=hubspot.api_base,
            access_token=secret("HUBSPOT_ACCESS_TOKEN"),
            calls_per_10_seconds=hubspot.calls_per_10_seconds,
            search_calls_per_second=hubspot.search_calls_per_second,
            search_lookback_seconds=hubspot.search_lookback_seconds,
        ),
        "salesforce": SalesforceResource(
            login_url=salesforce.login_url,
            client_id=secret("SALESFORCE_CLIENT_ID"),
            client_secret=secret("SALESFORCE_CLIENT_SECRET"),
            username=salesforce.username,
            private_key=secret("SALESFORCE_PRIVATE_KEY"),
            private_key_file=str(salesforce.private_key_file)
            if salesforce.private_key_file else None,
            api_version=salesforce.api_version,
            bulk_threshold=salesforce.bulk_threshold,
        ),
        "warehouse": WarehouseResource(location=warehouse),
        "dbt": DbtCliResource(project_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable(),
                              target="postgres" if settings.is_postgres(warehouse) else "duckdb"),
        "bi": BIPublishResource(warehouse=warehouse,
                                path=str(settings.bi_warehouse_path(warehouse))),
        # Optional secret: unset means "only log", so no EnvVar that would fail every run.
        "slack": SlackResource(webhook_url=dg.EnvVar("SLACK_WEBHOOK_URL")
                               if settings.slack_webhook_configured() else None),
    })
