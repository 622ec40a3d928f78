"""Every resource of the code location, configured only from documented environment variables.

Secrets come through ``dg.EnvVar`` so Dagster never stores or displays their values; a missing one
fails the run with an error naming the variable. Non-secret settings default to the real services.
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
    SEARCH_RATE_LIMIT,
    HubSpotClient,
    hubspot_session,
)
from connectors.salesforce import DEFAULT_API_VERSION, DEFAULT_LOGIN_URL, SalesforceClient
from pipelines.paths import DBT_PROJECT_DIR, DEFAULT_WAREHOUSE, REPO_ROOT
from pipelines.publishing import PublishResult, default_published_path, publish
from pipelines.slack import post_message
from pipelines.warehouse import Warehouse, open_warehouse


class HubSpotResource(dg.ConfigurableResource):
    """HubSpot CRM through a private-app access token."""

    api_base: str = DEFAULT_API_BASE
    access_token: str
    calls_per_10_seconds: int = DEFAULT_RATE_LIMIT[0]
    search_calls_per_second: int = SEARCH_RATE_LIMIT[0]

    def client(self) -> HubSpotClient:
        session = hubspot_session(self.access_token,
                                  rate_limit=(self.calls_per_10_seconds, 10.0),
                                  search_rate_limit=(self.search_calls_per_second, 1.0))
        return HubSpotClient(self.access_token, api_base=self.api_base, session=session)


class SalesforceResource(dg.ConfigurableResource):
    """Salesforce REST through an External Client App's OAuth 2.0 client-credentials flow."""

    login_url: str = DEFAULT_LOGIN_URL
    client_id: str
    client_secret: str
    api_version: str = DEFAULT_API_VERSION

    def client(self) -> SalesforceClient:
        return SalesforceClient(self.client_id, self.client_secret, login_url=self.login_url,
                                api_version=self.api_version)


class WarehouseResource(dg.ConfigurableResource):
    """Where the raw tables and the dbt models live: a DuckDB file or a PostgreSQL URL."""

    location: str

    def warehouse(self) -> Warehouse:
        return open_warehouse(self.location)


def warehouse_location(value: str) -> str:
    """A PostgreSQL URL as it is; a DuckDB path made absolute from the repository root."""
    if "://" in value:
        return value
    path = Path(value).expanduser()
    return str(path if path.is_absolute() else REPO_ROOT / path)


class BIPublishResource(dg.ConfigurableResource):
    """The read-only copy of the marts that BI tools read (docs/bi.md)."""

    warehouse: str
    path: str

    def publish(self, schema: str, tables: Sequence[str], run_id: str) -> PublishResult | None:
        """Publish a DuckDB warehouse; None for a server (PostgreSQL), which BI tools read as is."""
        if "://" in self.warehouse:
            return None
        return publish(Path(self.warehouse), Path(self.path), schema, tables, run_id)


class SlackResource(dg.ConfigurableResource):
    """A Slack incoming webhook; without one, messages are only logged."""

    webhook_url: str | None = None

    def post(self, text: str, log: logging.Logger | None = None) -> bool:
        return post_message(self.webhook_url, text, log=log)


def dbt_executable() -> str:
    """The dbt installed beside this Python, so an un-activated virtualenv still works."""
    beside = Path(sys.executable).parent / "dbt"
    return str(beside) if beside.exists() else "dbt"


@dg.definitions
def resources() -> dg.Definitions:
    warehouse = warehouse_location(os.environ.get("SAMEPAGE_WAREHOUSE", str(DEFAULT_WAREHOUSE)))
    return dg.Definitions(resources={
        "hubspot": HubSpotResource(
            api_base=os.environ.get("HUBSPOT_API_BASE", DEFAULT_API_BASE),
            access_token=dg.EnvVar("HUBSPOT_ACCESS_TOKEN"),
            calls_per_10_seconds=int(os.environ.get("HUBSPOT_CALLS_PER_10_SECONDS",
                                                    DEFAULT_RATE_LIMIT[0])),
            search_calls_per_second=int(os.environ.get("HUBSPOT_SEARCH_CALLS_PER_SECOND",
                                                       SEARCH_RATE_LIMIT[0])),
        ),
        "salesforce": SalesforceResource(
            login_url=os.environ.get("SALESFORCE_LOGIN_URL", DEFAULT_LOGIN_URL),
            client_id=dg.EnvVar("SALESFORCE_CLIENT_ID"),
            client_secret=dg.EnvVar("SALESFORCE_CLIENT_SECRET"),
            api_version=os.environ.get("SALESFORCE_API_VERSION", DEFAULT_API_VERSION),
        ),
        "warehouse": WarehouseResource(location=warehouse),
        "dbt": DbtCliResource(project_dir=str(DBT_PROJECT_DIR), dbt_executable=dbt_executable(),
                              target="postgres" if "://" in warehouse else "duckdb"),
        "bi": BIPublishResource(
            warehouse=warehouse,
            path=warehouse_location(os.environ.get("SAMEPAGE_BI_WAREHOUSE",
                                                   str(default_published_path(warehouse)))),
        ),
        # Optional secret: unset means "only log", so no EnvVar that would fail every run.
        "slack": SlackResource(webhook_url=dg.EnvVar("SLACK_WEBHOOK_URL")
                               if os.environ.get("SLACK_WEBHOOK_URL") else None),
    })
