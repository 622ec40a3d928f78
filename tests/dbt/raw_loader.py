"""Land a generated world in the raw tables exactly as the connectors will: through the real loader.

``load_world(path, world)`` writes every stream of ``pipelines.streams`` with records shaped the
way the APIs return them (plus the one context key the connector adds for properties and form
submissions). A reloaded, advanced world merges into the same tables like a nightly sync would.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from pipelines import streams
from pipelines.warehouse import DuckDBWarehouse, StreamSpec
from sandbox.generator.hubspot_crm import pipelines
from sandbox.hubspot import ASSOCIATION_TYPES
from sandbox.world import World

API_VERSION = "v59.0"
# HubSpot's default association type for contact -> company (v4 batch read)
_PRIMARY_COMPANY = {"category": "HUBSPOT_DEFINED", "typeId": 1, "label": "Primary"}
_UNLABELED_COMPANY = {"category": "HUBSPOT_DEFINED", "typeId": 279, "label": None}


def _without_associations(records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    """Objects as the list endpoint returns them without ``associations=``: the connector reads
    associations through the v4 batch endpoint instead."""
    for record in records:
        yield {key: value for key, value in record.items() if key != "associations"}


def _contact_company_associations(contacts: list[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for contact in contacts:
        results = ((contact.get("associations") or {}).get("companies") or {}).get("results") or []
        if not results or contact.get("archived"):
            continue   # the v4 batch read reports these ids under errors, not results
        yield {"from": {"id": contact["id"]},
               "to": [{"toObjectId": int(item["id"]),
                       "associationTypes": [_PRIMARY_COMPANY
                                            if item.get("type") == "contact_to_company"
                                            else _UNLABELED_COMPANY]}
                      for item in results]}


def _associations_since(contacts: list[dict[str, Any]],
                        since: str | None) -> Iterator[dict[str, Any]]:
    """What the connector's association catch-up lands: the companies of each contact changed
    since ``since``, and an empty list for a contact gone (archived or merged away), so a removed
    association replaces the stale row."""
    changed = [contact for contact in contacts
               if since is None or streams.HUBSPOT_CONTACTS.cursor(contact) >= since]
    answered = set()
    for row in _contact_company_associations(changed):
        answered.add(row["from"]["id"])
        yield row
    for contact in changed:
        for contact_id in [contact["id"], *streams.HUBSPOT_CONTACTS.merged_ids(contact)]:
            if contact_id not in answered:
                yield {"from": {"id": contact_id}, "to": []}


def _associations(records: list[dict[str, Any]], to_type: str,
                  object_type: str | None = None) -> Iterator[dict[str, Any]]:
    """The v4 batch read of each live record's ``to_type`` links (deals' contacts and companies,
    activities' contacts), tagged with ``objectType`` where one table holds several types."""
    tag = {"objectType": object_type} if object_type else {}
    for record in records:
        results = ((record.get("associations") or {}).get(to_type) or {}).get("results") or []
        if not results or record.get("archived"):
            continue
        grouped: dict[str, list[dict[str, Any]]] = {}
        for item in results:
            type_id, label = ASSOCIATION_TYPES.get(item.get("type", ""), (0, None))
            grouped.setdefault(item["id"], []).append(
                {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": label})
        yield {"from": {"id": record["id"]},
               "to": [{"toObjectId": int(to_id), "associationTypes": kinds}
                      for to_id, kinds in grouped.items()], **tag}


def _pipelines(world: World) -> list[dict[str, Any]]:
    declared = (world.hubspot.get("pipelines") or {}).get("deals")
    return declared or pipelines(world.generator["start"] if world.generator else world.clock)[:1]


def _properties(world: World) -> Iterator[dict[str, Any]]:
    for object_type, definitions in (world.hubspot.get("properties") or {}).items():
        for definition in definitions:
            yield {**definition, "objectType": object_type}


def _form_submissions(world: World) -> Iterator[dict[str, Any]]:
    for form_id, submissions in (world.hubspot.get("form_submissions") or {}).items():
        for submission in submissions:
            yield {**submission, "formId": form_id}


def _salesforce(sobject: str, records: Iterable[dict[str, Any]]) -> Iterator[dict[str, Any]]:
    for record in records:
        yield {"attributes": {"type": sobject,
                              "url": f"/services/data/{API_VERSION}/sobjects/{sobject}/"
                                     f"{record['Id']}"},
               **record}


def _salesforce_fields(world: World) -> Iterator[dict[str, Any]]:
    describes = world.salesforce.get("describe") or {}
    for sobject in streams.SALESFORCE_OBJECTS:
        for field in (describes.get(sobject) or {}).get("fields") or []:
            yield {**field, "objectType": sobject}


def world_streams(world: World) -> list[tuple[StreamSpec, Iterable[dict[str, Any]]]]:
    """Every stream of ``pipelines.streams`` with the records the connectors would land."""
    hubspot = world.hubspot
    contacts = hubspot.get("contacts") or []
    out: list[tuple[StreamSpec, Iterable[dict[str, Any]]]] = [
        (streams.HUBSPOT_CONTACTS, _without_associations(contacts)),
        (streams.HUBSPOT_COMPANIES, _without_associations(hubspot.get("companies") or [])),
        (streams.HUBSPOT_DEALS, _without_associations(hubspot.get("deals") or [])),
        (streams.HUBSPOT_OWNERS, hubspot.get("owners") or []),
        (streams.HUBSPOT_FORMS, hubspot.get("forms") or []),
        (streams.HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS, _contact_company_associations(contacts)),
        (streams.HUBSPOT_PROPERTIES, _properties(world)),
        (streams.HUBSPOT_EMAIL_EVENTS, hubspot.get("email_events") or []),
        (streams.HUBSPOT_FORM_SUBMISSIONS, _form_submissions(world)),
        (streams.HUBSPOT_PIPELINES, _pipelines(world)),
        (streams.HUBSPOT_DEAL_CONTACT_ASSOCIATIONS,
         _associations(hubspot.get("deals") or [], "contacts")),
        (streams.HUBSPOT_DEAL_COMPANY_ASSOCIATIONS,
         _associations(hubspot.get("deals") or [], "companies")),
        (streams.HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS,
         (row for name in streams.HUBSPOT_ACTIVITIES
          for row in _associations(hubspot.get(name) or [], "contacts", name))),
    ]
    for name, spec in streams.HUBSPOT_ACTIVITIES.items():
        out.append((spec, _without_associations(hubspot.get(name) or [])))
    for sobject, spec in streams.SALESFORCE_OBJECTS.items():
        out.append((spec, _salesforce(sobject, world.salesforce_records(sobject))))
    out.append((streams.SALESFORCE_FIELDS, _salesforce_fields(world)))
    return out


def _changed_since(spec: StreamSpec, records: Iterable[dict[str, Any]],
                   cursor: str | None) -> Iterator[dict[str, Any]]:
    """What an incremental sync reads: records at or after the committed cursor (streams without
    a cursor are read whole)."""
    for record in records:
        value = spec.cursor(record)
        if cursor is None or value is None or value >= cursor:
            yield record


def _position(cursor: str) -> Callable[[], str]:
    return lambda: cursor


def load_world(path: Path, world: World, run_id: str = "test-load", *,
               incremental: bool = False) -> dict[str, int]:
    """Merge ``world`` into the raw tables of the DuckDB file at ``path``; rows received per
    stream. With ``incremental``, each stream lands only records changed since its committed
    cursor, as the connectors' nightly sync does (merge losers leave with their survivor)."""
    warehouse = DuckDBWarehouse(path)
    received = {}
    for spec, records in world_streams(world):
        caught_up_to = None
        if spec is streams.HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS:
            # like the connector: the companies of the contacts landed since the last catch-up,
            # after which this stream's cursor is the contacts' cursor
            if incremental:
                records = _associations_since(world.hubspot.get("contacts") or [],
                                              warehouse.cursor(spec))
            caught_up_to = warehouse.cursor(streams.HUBSPOT_CONTACTS)
        elif incremental:
            records = _changed_since(spec, records, warehouse.cursor(spec))
        result = warehouse.load(spec, records, run_id,
                                cursor=_position(caught_up_to) if caught_up_to else None)
        received[spec.name] = result.rows_received
    return received
