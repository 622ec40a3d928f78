"""Salesforce ingestion: every object the models need, landed in schema ``raw_salesforce``.

Fields come from ``describe`` (custom ``__c`` fields included), rows from ``queryAll`` so deleted
rows arrive flagged, incremental by ``SystemModstamp`` (``CreatedDate`` for the immutable
LeadHistory) with an inclusive lower bound. A first sync (or full refresh) of an object with at
least ``SALESFORCE_BULK_THRESHOLD`` rows reads it through a Bulk API 2.0 job instead, sparing the
org's daily REST quota; both paths land the same rows. Before the org's daily API quota runs out
the asset stops: streams already landed keep their state, and the run says why it stopped.
"""

from collections.abc import Iterable, Iterator
from itertools import chain

import dagster as dg

from connectors.cursors import Checkpointed
from connectors.errors import QuotaExhaustedError
from connectors.salesforce import SalesforceClient, SalesforceField
from pipelines import settings
from pipelines.defs.resources import SalesforceResource, WarehouseResource
from pipelines.ingestion import (
    IngestionConfig,
    Lander,
    StreamRun,
    failing_clearly,
    stream_asset_spec,
    stream_check_specs,
)
from pipelines.settings import warehouse_pool
from pipelines.streams import SALESFORCE_FIELDS, SALESFORCE_OBJECTS, Record
from pipelines.warehouse import StreamSpec, Warehouse

CREDENTIALS = ("SALESFORCE_LOGIN_URL, SALESFORCE_CLIENT_ID and SALESFORCE_CLIENT_SECRET (or, for "
               "the JWT bearer flow, SALESFORCE_USERNAME and SALESFORCE_PRIVATE_KEY[_FILE])")
# LeadHistory rows never change and have no SystemModstamp.
CURSOR_FIELDS = {"LeadHistory": "CreatedDate"}
# ...so when a Lead is deleted or restored, its history rows' IsDeleted flips without moving
# any cursor of theirs: they are re-read for every Lead that changed in the run.
CHILD_PARENTS = {"LeadHistory": ("Lead", "LeadId")}
CHILDREN_BY_PARENT = {parent: child for child, (parent, _) in CHILD_PARENTS.items()}


@dg.multi_asset(
    name="salesforce_raw",
    specs=[*(stream_asset_spec(spec, "salesforce", "salesforce",
                               f"Salesforce {sobject} rows, deleted ones flagged.")
             for sobject, spec in SALESFORCE_OBJECTS.items()),
           stream_asset_spec(SALESFORCE_FIELDS, "salesforce", "salesforce",
                             "Field definitions of those objects from describe, picklist "
                             "values included.")],
    check_specs=[check for spec in [*SALESFORCE_OBJECTS.values(), SALESFORCE_FIELDS]
                 for check in stream_check_specs(spec)],
    can_subset=True,
    retry_policy=dg.RetryPolicy(max_retries=2, delay=15, backoff=dg.Backoff.EXPONENTIAL),
    pool=warehouse_pool(),  # one DuckDB writer at a time (pipelines/settings.py)
)
def salesforce_raw(context: dg.AssetExecutionContext, config: IngestionConfig,
                   salesforce: SalesforceResource, warehouse: WarehouseResource):
    with failing_clearly(CREDENTIALS):
        yield from _sync(context, config, salesforce.client(), warehouse.warehouse(),
                         salesforce.bulk_threshold)


@dg.definitions
def salesforce_ingestion() -> dg.Definitions:
    """The Salesforce asset and its checks when SAMEPAGE_SOURCES enables Salesforce (read when
    the code location loads, not at import)."""
    return dg.Definitions(assets=[salesforce_raw] if "salesforce" in settings.sources() else [])


def _sync(context: dg.AssetExecutionContext, config: IngestionConfig, client: SalesforceClient,
          warehouse: Warehouse,
          bulk_threshold: int) -> Iterator[dg.MaterializeResult | dg.AssetCheckResult]:
    lander = Lander(context, warehouse, client.session, CREDENTIALS)
    usage = client.api_usage()
    context.log.info(f"Salesforce daily API usage at start: {usage.used}/{usage.limit}")
    windows = {sobject: None if config.full_refresh else warehouse.cursor(spec)
               for sobject, spec in SALESFORCE_OBJECTS.items() if lander.selected(spec)}
    first_syncs = [sobject for sobject, since in windows.items() if since is None]
    # One call sizes every object read whole this run (Salesforce's counts are estimates).
    sizes = client.record_counts(first_syncs) if first_syncs else {}
    changed_parents: dict[str, list[str]] = {}
    for sobject, spec in SALESFORCE_OBJECTS.items():
        if sobject not in windows:
            continue
        try:
            fields = client.fields(sobject)
            bulk = sobject in first_syncs and sizes.get(sobject, 0) >= bulk_threshold
            stream = _object_stream(client, sobject, spec, fields, windows[sobject], config,
                                    bulk)
            if sobject in CHILD_PARENTS and windows[sobject] is not None:
                # (a first sync or full refresh reads every child row anyway)
                parent, parent_field = CHILD_PARENTS[sobject]
                stream.records = chain(stream.records, client.records_of(
                    sobject, [f.name for f in fields], parent_field,
                    changed_parents.get(parent, [])))
            child = CHILDREN_BY_PARENT.get(sobject)
            if child is not None and windows.get(child) is not None:  # an incremental child read
                stream.records = _noting_ids(stream.records,
                                             changed_parents.setdefault(sobject, []))
            yield from lander.land(stream)
        except QuotaExhaustedError as exc:
            raise dg.Failure(
                description=f"Stopped before exhausting the Salesforce daily API quota while "
                            f"reading {sobject}: {exc}. Streams landed before it kept their "
                            "state; the next run resumes from there.",
                metadata={"stopped_at_stream": spec.name},
                allow_retries=False,
            ) from None
    if lander.selected(SALESFORCE_FIELDS):
        # read whole each run (describe has no change time), so a removed field disappears
        definitions = ({**field, "objectType": sobject} for sobject in SALESFORCE_OBJECTS
                       for field in client.describe(sobject)["fields"])
        yield from lander.land(StreamRun(SALESFORCE_FIELDS, definitions, replace=True))


def _object_stream(client: SalesforceClient, sobject: str, spec: StreamSpec,
                   fields: list[SalesforceField], since: str | None, config: IngestionConfig,
                   bulk: bool) -> StreamRun:
    cursor_field = CURSOR_FIELDS.get(sobject, "SystemModstamp")
    rows = Checkpointed(
        client.bulk_changed_records(sobject, fields, cursor_field, since) if bulk
        else client.changed_records(sobject, [f.name for f in fields], cursor_field, since))
    formulas = sorted(f.name for f in fields if f.calculated)
    return StreamRun(spec, rows, cursor=lambda: rows.cursor, replace=config.full_refresh,
                     metadata={
                         "read_by": "Bulk API 2.0 query job" if bulk else "REST query",
                         "fields": len(fields),
                         "custom_fields": sorted(f.name for f in fields if f.custom),
                         # formulas change without moving SystemModstamp: recomputed by full
                         # refresh only
                         "formula_fields": formulas,
                         "window_start": since or "",
                     })


def _noting_ids(records: Iterable[Record], ids: list[str]) -> Iterator[Record]:
    for record in records:
        ids.append(record["Id"])
        yield record
