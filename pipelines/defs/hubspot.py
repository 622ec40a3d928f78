"""HubSpot ingestion: every stream the models need, landed in schema ``raw_hubspot``.

CRM objects are incremental by their last-modified property between the committed cursor and a
high-water mark taken at the start of the run, the window reaching back a lookback before the
cursor because search indexes changes late; property lists are discovered, so custom
properties arrive without code changes. Deletes come from the archived listing, merges from the
survivors' ``hs_merged_object_ids`` (the loader drops the losers).
"""

from collections.abc import Iterator

import dagster as dg

from connectors.cursors import Checkpointed, canonical, to_millis
from connectors.errors import QuotaExhaustedError
from connectors.hubspot import HubSpotClient
from pipelines import settings
from pipelines.defs.resources import HubSpotResource, WarehouseResource
from pipelines.ingestion import (
    IngestionConfig,
    Lander,
    StreamRun,
    failing_clearly,
    stream_asset_spec,
    stream_check_specs,
)
from pipelines.settings import warehouse_pool
from pipelines.streams import (
    HUBSPOT_ACTIVITIES,
    HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS,
    HUBSPOT_COMPANIES,
    HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS,
    HUBSPOT_CONTACTS,
    HUBSPOT_DEAL_COMPANY_ASSOCIATIONS,
    HUBSPOT_DEAL_CONTACT_ASSOCIATIONS,
    HUBSPOT_DEALS,
    HUBSPOT_EMAIL_EVENTS,
    HUBSPOT_FORM_SUBMISSIONS,
    HUBSPOT_FORMS,
    HUBSPOT_OWNERS,
    HUBSPOT_PIPELINES,
    HUBSPOT_PROPERTIES,
    Record,
)
from pipelines.warehouse import StreamSpec, Warehouse

CREDENTIALS = "HUBSPOT_API_BASE and HUBSPOT_ACCESS_TOKEN"
CRM_OBJECTS: dict[str, StreamSpec] = {
    "contacts": HUBSPOT_CONTACTS,
    "companies": HUBSPOT_COMPANIES,
    "deals": HUBSPOT_DEALS,
    **HUBSPOT_ACTIVITIES,  # calls, emails, meetings, tasks, notes
}
# Properties whose full history the agreed definitions read (MQL time, lead status moves,
# deal stages, drift evidence).
HISTORY_PROPERTIES = {"contacts": ["hubspotscore", "lifecyclestage", "hs_lead_status"],
                      "deals": ["dealstage"]}
# v4 association reads: (from object types, to object type) -> stream; the from records are
# the ones landed since the stream last caught up.
ASSOCIATIONS: dict[StreamSpec, tuple[tuple[str, ...], str]] = {
    HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS: (("contacts",), "companies"),
    HUBSPOT_DEAL_CONTACT_ASSOCIATIONS: (("deals",), "contacts"),
    HUBSPOT_DEAL_COMPANY_ASSOCIATIONS: (("deals",), "companies"),
    HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS: (tuple(HUBSPOT_ACTIVITIES), "contacts"),
}

STREAMS = {
    HUBSPOT_CONTACTS: "Contacts, live and archived, with score, lifecycle and lead-status "
                      "history.",
    HUBSPOT_COMPANIES: "Companies, live and archived (merged ones leave with their survivor).",
    HUBSPOT_DEALS: "Deals, live and archived, with deal-stage history (merged ones leave with "
                   "their survivor).",
    **{spec: f"Sales activities: {name}, live and archived (CRM v3 objects)."
       for name, spec in HUBSPOT_ACTIVITIES.items()},
    HUBSPOT_PIPELINES: "Deal pipelines and their stages (isClosed, probability).",
    HUBSPOT_CONTACT_COMPANY_ASSOCIATIONS: "Each contact's companies (v4 associations).",
    HUBSPOT_DEAL_CONTACT_ASSOCIATIONS: "Each deal's contacts (v4 associations).",
    HUBSPOT_DEAL_COMPANY_ASSOCIATIONS: "Each deal's companies (v4 associations).",
    HUBSPOT_ACTIVITY_CONTACT_ASSOCIATIONS: "Each activity's contacts (v4 associations; "
                                           "objectType names the activity's type).",
    HUBSPOT_OWNERS: "Owners (sales reps), active and deactivated.",
    HUBSPOT_PROPERTIES: "Property definitions of contacts, companies and deals, custom included.",
    HUBSPOT_FORMS: "Marketing forms.",
    HUBSPOT_FORM_SUBMISSIONS: "Form submissions.",
    HUBSPOT_EMAIL_EVENTS: "Marketing email events (sent, delivered, open, click, ...).",
}


@dg.multi_asset(
    name="hubspot_raw",
    specs=[stream_asset_spec(spec, "hubspot", "hubspot", text) for spec, text in STREAMS.items()],
    check_specs=[check for spec in STREAMS for check in stream_check_specs(spec)],
    can_subset=True,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    pool=warehouse_pool(),  # one DuckDB writer at a time (pipelines/settings.py)
)
def hubspot_raw(context: dg.AssetExecutionContext, config: IngestionConfig,
                hubspot: HubSpotResource, warehouse: WarehouseResource):
    with failing_clearly(CREDENTIALS):
        try:
            yield from _sync(context, config, hubspot.client(), warehouse.warehouse(),
                             hubspot.search_lookback_seconds)
        except QuotaExhaustedError as exc:
            raise dg.Failure(
                description=f"Stopped before exhausting the HubSpot daily API limit: {exc} "
                            "Streams landed before it kept their state; the next run (after "
                            "the reset) resumes from there.",
                allow_retries=False,
            ) from None


@dg.definitions
def hubspot_ingestion() -> dg.Definitions:
    """The HubSpot asset and its checks when SAMEPAGE_SOURCES enables HubSpot (read when
    the code location loads, not at import)."""
    return dg.Definitions(assets=[hubspot_raw] if "hubspot" in settings.sources() else [])


def _sync(context: dg.AssetExecutionContext, config: IngestionConfig, client: HubSpotClient,
          warehouse: Warehouse,
          lookback_seconds: int) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    lander = Lander(context, warehouse, client.session, CREDENTIALS)
    full = config.full_refresh

    def since(spec: StreamSpec) -> str | None:
        return None if full else lander.warehouse.cursor(spec)

    for object_type, spec in CRM_OBJECTS.items():
        if lander.selected(spec):
            yield from lander.land(_crm_stream(client, object_type, spec, since(spec), full,
                                               lookback_seconds))

    for spec, (from_types, to_type) in ASSOCIATIONS.items():
        if lander.selected(spec):
            yield from lander.land(_associations_stream(
                client, lander.warehouse, spec, from_types, to_type, since(spec), full,
                lookback_seconds))
    if lander.selected(HUBSPOT_PIPELINES):
        yield from lander.land(StreamRun(HUBSPOT_PIPELINES, client.pipelines("deals"),
                                         replace=True))
    if lander.selected(HUBSPOT_OWNERS):
        yield from lander.land(StreamRun(HUBSPOT_OWNERS, client.owners(), replace=True))
    if lander.selected(HUBSPOT_PROPERTIES):
        definitions = (d for object_type in CRM_OBJECTS for d in client.properties(object_type))
        yield from lander.land(StreamRun(HUBSPOT_PROPERTIES, definitions, replace=True))
    forms = list(client.forms()) if (lander.selected(HUBSPOT_FORMS) or
                                     lander.selected(HUBSPOT_FORM_SUBMISSIONS)) else []
    if lander.selected(HUBSPOT_FORMS):
        yield from lander.land(StreamRun(HUBSPOT_FORMS, forms, replace=True))
    if lander.selected(HUBSPOT_FORM_SUBMISSIONS):
        yield from lander.land(_submissions_stream(client, forms, since(HUBSPOT_FORM_SUBMISSIONS),
                                                   full))
    if lander.selected(HUBSPOT_EMAIL_EVENTS):
        events = Checkpointed(client.email_events(since(HUBSPOT_EMAIL_EVENTS)))
        yield from lander.land(StreamRun(HUBSPOT_EMAIL_EVENTS, events,
                                         cursor=lambda: events.cursor, replace=full))


def _crm_stream(client: HubSpotClient, object_type: str, spec: StreamSpec, since: str | None,
                full: bool, lookback_seconds: int) -> StreamRun:
    properties = [d["name"] for d in client.properties(object_type) if not d.get("archived")]
    history = HISTORY_PROPERTIES.get(object_type, [])
    until = client.high_water_mark(object_type)
    start = _reach_back(since, lookback_seconds)
    if until is None:  # no live records at all: only deletions can have happened
        changed: Checkpointed[Record] | None = None
    else:
        changed = Checkpointed(client.changed_objects(object_type, properties, history,
                                                      since=start, until=until))

    def records() -> Iterator[Record]:
        if changed is not None:
            yield from changed
        yield from client.archived_objects(object_type, properties)

    def cursor() -> str | None:
        return changed.cursor if changed is not None else since

    return StreamRun(spec, records(), cursor=cursor, replace=full,
                     metadata={"properties": len(properties), "history_properties": history,
                               "window_start": start or "", "window_end": until or "",
                               "lookback_seconds": lookback_seconds})


def _reach_back(since: str | None, lookback_seconds: int) -> str | None:
    """Where an incremental window starts: a change search had not indexed by the last run's
    high-water mark may be older than it, so read again from a lookback before the cursor
    (records load by id, so the overlap is harmless)."""
    return None if since is None else canonical(to_millis(since) - lookback_seconds * 1000)


def _associations_stream(client: HubSpotClient, warehouse: Warehouse, spec: StreamSpec,
                         from_types: tuple[str, ...], to_type: str, since: str | None,
                         full: bool, lookback_seconds: int) -> StreamRun:
    """The ``to_type`` links of every ``from_types`` record that landed since this stream last
    caught up (e.g. each contact's companies, each call's contacts).

    The from records come from their raw tables, not from this run's read, so a run that died
    between landing them and landing their associations is caught up by the next one; the
    lookback reaches the records the last run landed late (behind its mark). A record gone
    (archived, or merged into a survivor) gets an empty ``to`` list, so a removed association
    replaces the stale row instead of lingering. Where several object types share the table
    (activities), each row carries its type as ``objectType``.
    """
    start = _reach_back(since, lookback_seconds)
    reads: list[tuple[str, list[str], list[str]]] = []
    for from_type in from_types:
        live: list[str] = []
        gone: list[str] = []
        from_spec = CRM_OBJECTS[from_type]
        for record_id, is_deleted, record in warehouse.rows_since(from_spec, start):
            (gone if is_deleted else live).append(record_id)
            gone.extend(from_spec.merged_ids(record))
        reads.append((from_type, live, gone))
    # caught up to the oldest of the from tables' cursors (none while any has never landed)
    cursors = [warehouse.cursor(CRM_OBJECTS[from_type]) for from_type in from_types]
    caught_up_to = None if None in cursors else min(c for c in cursors if c is not None)
    tagged = len(from_types) > 1

    def records() -> Iterator[Record]:
        for from_type, live, gone in reads:
            tag = {"objectType": from_type} if tagged else {}
            answered: set[str] = set()
            for result in client.associations(from_type, to_type, live):
                answered.add(str(result["from"]["id"]))
                yield {**result, **tag}
            for record_id in [*live, *gone]:
                if record_id not in answered:
                    yield {"from": {"id": record_id}, "to": [], **tag}

    return StreamRun(spec, records(), cursor=lambda: caught_up_to, replace=full,
                     metadata={"records_read": sum(len(live) + len(gone)
                                                   for _, live, gone in reads)})


def _submissions_stream(client: HubSpotClient, forms: list[Record], since: str | None,
                        full: bool) -> StreamRun:
    reads = [Checkpointed(client.form_submissions(form["id"], since)) for form in forms]

    def records() -> Iterator[Record]:
        for read in reads:
            yield from read

    def cursor() -> str | None:
        positions = [read.cursor for read in reads if read.cursor is not None]
        return max(positions, default=since)

    return StreamRun(HUBSPOT_FORM_SUBMISSIONS, records(), cursor=cursor, replace=full,
                     metadata={"forms": len(forms)})
