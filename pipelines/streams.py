"""Every stream samepage lands: its raw table, primary key, cursor and deleted flag.

This is the contract between ingestion and dbt: ``raw_<source>.<table>`` holds one row per primary
key with ``cursor_value`` (canonical UTC ``YYYY-MM-DDTHH:MM:SS.fffZ``), ``is_deleted`` and the
record exactly as the API returned it (``record``). Some records do not carry their own context,
so the connector adds it under one documented key: HubSpot property definitions, Salesforce
field definitions and activity associations get ``objectType`` (their keys are ``contacts/email``,
``Lead.Status`` and ``calls/31000018``), form submissions get ``formId``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from connectors.cursors import canonical
from pipelines.warehouse import StreamSpec

Record = dict[str, Any]


def _field(name: str) -> Callable[[Record], Any]:
    return lambda record: record.get(name)


def _cursor(name: str) -> Callable[[Record], str | None]:
    return lambda record: canonical(record[name]) if record.get(name) not in (None, "") else None


def _hubspot_object(table: str) -> StreamSpec:
    return StreamSpec(schema="raw_hubspot", table=table, primary_key=_field("id"),
                      cursor=_cursor("updatedAt"),
                      is_deleted=lambda record: bool(record.get("archived")))


def _salesforce_object(table: str, cursor_field: str = "SystemModstamp") -> StreamSpec:
    return StreamSpec(schema="raw_salesforce", table=table, primary_key=_field("Id"),
                      cursor=_cursor(cursor_field),
                      is_deleted=lambda record: bool(record.get("IsDeleted")))


def _merged_object_ids(record: Record) -> list[str]:
    merged = (record.get("properties") or {}).get("hs_merged_object_ids") or ""
    return [part for part in merged.split(";") if part]


def _hubspot_mergeable(table: str) -> StreamSpec:
    """Contacts, companies and deals: a merge loser leaves with its survivor."""
    return StreamSpec(schema="raw_hubspot", table=table, primary_key=_field("id"),
                      cursor=_cursor("updatedAt"),
                      is_deleted=lambda record: bool(record.get("archived")),
                      merged_ids=_merged_object_ids)


def _hubspot_associations(table: str, context: str | None = None) -> StreamSpec:
    """One row per source record: the v4 batch-read result ``{"from": {"id"}, "to": [...]}``
    (with ``context`` prefixed to the key when one table holds several source object types)."""
    def key(record: Record) -> str | None:
        from_id = (record.get("from") or {}).get("id")
        if context is None or from_id is None:
            return from_id
        return f"{record.get(context)}/{from_id}" if record.get(context) else None

    return StreamSpec(schema="raw_hubspot", table=table, primary_key=key,
                      cursor=lambda record: None, is_deleted=lambda record: False)


HUBSPOT_CONTACTS = _hubspot_mergeable("contacts")
HUBSPOT_COMPANIES = _hubspot_mergeable("companies")
HUBSPOT_DEALS = _hubspot_mergeable("deals")
# HubSpot as the sales CRM: the activities reps log, each a CRM v3 object
HUBSPOT_ACTIVITIES: dict[str, StreamSpec] = {
    name: _hubspot_object(name) for name in ("calls", "emails", "meetings", "tasks", "notes")}
HUBSPOT_PIPELINES = StreamSpec(
    # deal pipelines with their stages (metadata isClosed / probability); read whole each run
    schema="raw_hubspot", table="pipelines", primary_key=_field("id"),
    cursor=lambda record: None, is_deleted=lambda record: bool(record.get("archived")),
)
HUBSPOT_DEAL_CONTACT_ASSOCIATIONS = _hubspot_associations("deal_contact_associations")
HUBSPOT_DEAL_COMPANY_ASSOCIATIONS = _hubspot_associations("deal_company_associations")
HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS = _hubspot_associations(
    "activity_contact_associations", context="objectType")
HUBSPOT_OWNERS = _hubspot_object("owners")
HUBSPOT_FORMS = _hubspot_object("forms")
HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS = _hubspot_associations("contact_company_associations")
HUBSPOT_PROPERTIES = StreamSpec(
    schema="raw_hubspot", table="properties",
    primary_key=lambda record: f"{record.get('objectType')}/{record.get('name')}"
    if record.get("objectType") and record.get("name") else None,
    cursor=_cursor("updatedAt"), is_deleted=lambda record: bool(record.get("archived")),
)
HUBSPOT_EMAIL_EVENTS = StreamSpec(
    schema="raw_hubspot", table="email_events", primary_key=_field("id"),
    cursor=_cursor("created"), is_deleted=lambda record: False,
)
HUBSPOT_FORM_SUBMISSIONS = StreamSpec(
    schema="raw_hubspot", table="form_submissions", primary_key=_field("conversionId"),
    cursor=_cursor("submittedAt"), is_deleted=lambda record: False,
)

SALESFORCE_OBJECTS: dict[str, StreamSpec] = {
    "User": _salesforce_object("user"),
    "Account": _salesforce_object("account"),
    "Contact": _salesforce_object("contact"),
    "Lead": _salesforce_object("lead"),
    "Opportunity": _salesforce_object("opportunity"),
    "OpportunityContactRole": _salesforce_object("opportunity_contact_role"),
    "OpportunityHistory": _salesforce_object("opportunity_history"),
    # LeadHistory has no SystemModstamp: rows are immutable, so CreatedDate is the cursor.
    "LeadHistory": _salesforce_object("lead_history", cursor_field="CreatedDate"),
    "Task": _salesforce_object("task"),
    "Campaign": _salesforce_object("campaign"),
    "CampaignMember": _salesforce_object("campaign_member"),
}

# Salesforce field definitions from describe, picklist values included: the org's own list of
# allowed values (e.g. Lead Status), which the agreed definitions are checked against.
SALESFORCE_FIELDS = StreamSpec(
    schema="raw_salesforce", table="fields",
    primary_key=lambda record: f"{record.get('objectType')}.{record.get('name')}"
    if record.get("objectType") and record.get("name") else None,
    cursor=lambda record: None, is_deleted=lambda record: False,
)

ALL_STREAMS: list[StreamSpec] = [
    HUBSPOT_CONTACTS, HUBSPOT_COMPANIES, HUBSPOT_DEALS, HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS,
    HUBSPOT_OWNERS, HUBSPOT_PROPERTIES, HUBSPOT_FORMS, HUBSPOT_FORM_SUBMISSIONS,
    HUBSPOT_EMAIL_EVENTS, HUBSPOT_PIPELINES, *HUBSPOT_ACTIVITIES.values(),
    HUBSPOT_DEAL_CONTACT_ASSOCIATIONS, HUBSPOT_DEAL_COMPANY_ASSOCIATIONS,
    HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS, *SALESFORCE_OBJECTS.values(), SALESFORCE_FIELDS,
]


def streams_of(sources: tuple[str, ...]) -> list[StreamSpec]:
    """The streams of these sources (``pipelines.settings.sources()``): a source lands in its own
    schema, ``raw_<source>``."""
    return [spec for spec in ALL_STREAMS if spec.schema.removeprefix("raw_") in sources]
