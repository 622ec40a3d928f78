"""Every stream samepage lands: its raw table, primary key, cursor and deleted flag.

This is the contract between ingestion and dbt: ``raw_<source>.<table>`` holds one row per primary
key with ``cursor_value`` (canonical UTC ``YYYY-MM-DDTHH:MM:SS.fffZ``), ``is_deleted`` and the
record exactly as the API returned it (``record``). Three records do not carry their own context,
so the connector adds it under one documented key: HubSpot property definitions and Salesforce
field definitions get ``objectType`` (their keys are ``contacts/email`` and ``Lead.Status``), form
submissions get ``formId``.
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


def _merged_contact_ids(record: Record) -> list[str]:
    merged = (record.get("properties") or {}).get("hs_merged_object_ids") or ""
    return [part for part in merged.split(";") if part]


HUBSPOT_CONTACTS = StreamSpec(
    schema="raw_hubspot", table="contacts", primary_key=_field("id"),
    cursor=_cursor("updatedAt"), is_deleted=lambda record: bool(record.get("archived")),
    merged_ids=_merged_contact_ids,
)
HUBSPOT_COMPANIES = _hubspot_object("companies")
HUBSPOT_DEALS = _hubspot_object("deals")
HUBSPOT_OWNERS = _hubspot_object("owners")
HUBSPOT_FORMS = _hubspot_object("forms")
HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS = StreamSpec(
    # one row per contact: the v4 batch-read result {"from": {"id"}, "to": [...]}
    schema="raw_hubspot", table="contact_company_associations",
    primary_key=lambda record: (record.get("from") or {}).get("id"),
    cursor=lambda record: None, is_deleted=lambda record: False,
)
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
    HUBSPOT_EMAIL_EVENTS, *SALESFORCE_OBJECTS.values(), SALESFORCE_FIELDS,
]
