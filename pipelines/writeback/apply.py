"""Apply ``marts.rpt_writeback_plan`` through the connector clients, and revert a run.

Writes are batched by the clients (HubSpot batch update, 100 a call; Salesforce sObject
Collections, 200 a call, allOrNone false) under their rate limiters and quota guards. A record the
tool refuses is logged as failed with the tool's own error and the run goes on; what the clients
raise (refused credentials, a spent daily allowance, retries run out) stops the run after the
records of the interrupted batch are logged as failed. Every field sent, or not sent because the
tool lacks it, gets one row in ``raw_meta.writeback_log``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Protocol

from connectors.errors import ApiError, ConnectorError
from connectors.writes import WriteResult
from pipelines.warehouse import Warehouse
from pipelines.writeback.fields import HUBSPOT_GROUP, HUBSPOT_GROUP_LABEL, WritebackField
from pipelines.writeback.log import (
    FAILED,
    SKIPPED,
    WRITTEN,
    LogEntry,
    WritebackLog,
    log_entry,
)

PLAN_TABLE = "marts.rpt_writeback_plan"
HUBSPOT_OBJECT = "contacts"
LOG_BATCH = 1000  # log rows appended per warehouse transaction


@dataclass(frozen=True)
class Change:
    """One planned write: a field of a record, from its current to its desired value."""

    tool: str
    object_type: str
    record_id: str
    field_name: str
    current_value: str | None
    desired_value: str | None
    is_overwrite: bool
    tool_target_count: int


def read_plan(warehouse: Warehouse) -> list[Change]:
    with warehouse.connect() as con:
        cursor = con.cursor()
        cursor.execute(f"""select tool, object_type, record_id, field_name, current_value,
                                  desired_value, is_overwrite, tool_target_count
                           from {PLAN_TABLE}
                           order by tool, object_type, record_id, field_name""")
        rows = cursor.fetchall()
    # PostgreSQL's sum() is numeric: the count arrives as a Decimal
    return [Change(*row[:-1], int(row[-1])) for row in rows]


@dataclass(frozen=True)
class Guard:
    """Per tool, the share of the records samepage writes to whose values this plan would
    replace or clear. Filling empty fields (a first run, a new field) is not counted: the guard
    is against a mass change of values people have been seeing, e.g. after a definitions change."""

    shares: dict[str, float]
    max_share: float

    @property
    def held(self) -> bool:
        return any(share > self.max_share for share in self.shares.values())

    def describe(self) -> str:
        over = {tool: share for tool, share in self.shares.items() if share > self.max_share}
        if not over:
            return "within SAMEPAGE_WRITEBACK_MAX_SHARE"
        said = ", ".join(f"{share:.0%} of the {tool} records" for tool, share in over.items())
        return (f"the plan would change values already written on {said}, more than "
                f"SAMEPAGE_WRITEBACK_MAX_SHARE={self.max_share:g}: held back, nothing written. "
                "Review marts.rpt_writeback_plan, then run the writeback asset with the config "
                "allow_mass_change: true to apply it")


def guard(plan: Sequence[Change], max_share: float) -> Guard:
    targets = {c.tool: c.tool_target_count for c in plan}
    overwritten: dict[str, set[tuple[str, str]]] = defaultdict(set)
    for c in plan:
        if c.is_overwrite:
            overwritten[c.tool].add((c.object_type, c.record_id))
    return Guard({tool: len(overwritten[tool]) / total for tool, total in targets.items()
                  if total}, max_share)


class HubSpotWriter(Protocol):
    def properties(self, object_type: str) -> Iterator[dict[str, Any]]: ...
    def ensure_property_group(self, object_type: str, name: str, label: str) -> bool: ...
    def ensure_property(self, object_type: str, definition: dict[str, Any]) -> bool: ...
    def update_objects(self, object_type: str,
                       updates: Iterable[dict[str, Any]]) -> Iterator[WriteResult]: ...


class SalesforceWriter(Protocol):
    def describe(self, sobject: str) -> dict[str, Any]: ...
    def update_records(self, sobject: str,
                       records: Iterable[dict[str, Any]]) -> Iterator[WriteResult]: ...


@dataclass
class Outcome:
    """What a write-back run came to (the asset's metadata and checks)."""

    run_id: str
    changes: int = 0
    written: int = 0
    failed: int = 0
    skipped: int = 0
    created_properties: list[str] = field(default_factory=list)
    missing_fields: list[WritebackField] = field(default_factory=list)
    refusals: dict[str, int] = field(default_factory=dict)  # error code -> fields refused
    stopped_by: str | None = None  # what a client raised, when it stopped the run

    def count(self, entries: Sequence[LogEntry]) -> None:
        for entry in entries:
            if entry.status == WRITTEN:
                self.written += 1
            elif entry.status == SKIPPED:
                self.skipped += 1
            else:
                self.failed += 1
                code = (entry.error or "").split(":", 1)[0]
                self.refusals[code] = self.refusals.get(code, 0) + 1


def apply_plan(plan: Sequence[Change], fields: Sequence[WritebackField], *, run_id: str,
               log: WritebackLog, hubspot: HubSpotWriter | None,
               salesforce: SalesforceWriter | None) -> Outcome:
    """Write the plan; ``hubspot``/``salesforce`` None for a tool whose plan is empty."""
    outcome = Outcome(run_id, changes=len(plan))
    by_target: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in plan:
        by_target[(change.tool, change.object_type)].append(change)
    listed = {(f.tool, f.object_type, f.field.lower()): f for f in fields}
    for (tool, object_type), changes in sorted(by_target.items()):
        unlisted = [c for c in changes
                    if (tool, object_type, c.field_name.lower()) not in listed]
        if unlisted:  # the plan and the list come from the same file; never write beyond it
            raise ValueError(f"the plan names fields samepage_writeback does not list: "
                             f"{sorted({c.field_name for c in unlisted})}")
        wanted = [f for f in fields if (f.tool, f.object_type) == (tool, object_type)]
        try:
            if tool == "hubspot":
                assert hubspot is not None
                existing = _hubspot_fields(hubspot, wanted, outcome)
                send = _hubspot_sender(hubspot, object_type)
            else:
                assert salesforce is not None
                existing = _salesforce_fields(salesforce, object_type, wanted, outcome)
                send = _salesforce_sender(salesforce, object_type)
        except ConnectorError as error:
            outcome.stopped_by = str(error)
            return outcome
        skipped = [c for c in changes if c.field_name.lower() not in existing]
        _append(log, outcome, [_entry(run_id, c, SKIPPED, f"FIELD_MISSING: {tool} "
                                      f"{object_type} has no field {c.field_name}")
                               for c in skipped])
        if not _write(log, outcome, run_id, send,
                      [c for c in changes if c.field_name.lower() in existing]):
            return outcome
    return outcome


def revert_run(entries: Sequence[LogEntry], *, run_id: str, log: WritebackLog,
               hubspot: HubSpotWriter | None, salesforce: SalesforceWriter | None) -> Outcome:
    """Put back the old values of the fields a run wrote (its ``written`` log rows); the revert
    is logged as a run of its own (``run_id``), so it can be reverted in turn."""
    changes = [Change(e.tool, e.object_type, e.record_id, e.field_name, e.new_value,
                      e.old_value, True, 0) for e in entries if e.status == WRITTEN]
    outcome = Outcome(run_id, changes=len(changes))
    by_target: dict[tuple[str, str], list[Change]] = defaultdict(list)
    for change in changes:
        by_target[(change.tool, change.object_type)].append(change)
    for (tool, object_type), group in sorted(by_target.items()):
        send = (_hubspot_sender(hubspot, object_type) if tool == "hubspot" and hubspot
                else _salesforce_sender(salesforce, object_type) if salesforce else None)
        if send is None:
            raise ValueError(f"no {tool} client to revert {object_type} records with")
        if not _write(log, outcome, run_id, send, group):
            break
    return outcome


# -- the two tools ------------------------------------------------------------------------------

Sender = Any  # Callable[[list[tuple[str, dict[str, str | None]]]], Iterator[WriteResult]]


def _hubspot_fields(client: HubSpotWriter, wanted: Sequence[WritebackField],
                    outcome: Outcome) -> set[str]:
    """The wanted properties that exist, after creating samepage's own that are missing (in the
    group `samepage`) when the token has crm.schemas.contacts.write."""
    existing = {p["name"].lower() for p in client.properties(HUBSPOT_OBJECT)
                if not p.get("archived")}
    missing = [f for f in wanted if f.field.lower() not in existing]
    own = [f for f in missing if not f.tool_native]
    if own:
        try:
            client.ensure_property_group(HUBSPOT_OBJECT, HUBSPOT_GROUP, HUBSPOT_GROUP_LABEL)
            for f in own:
                if client.ensure_property(HUBSPOT_OBJECT, f.hubspot_definition()):
                    outcome.created_properties.append(f.field)
                existing.add(f.field.lower())
        except ApiError as error:
            if error.status != 403:
                raise
    outcome.missing_fields += [f for f in missing if f.field.lower() not in existing]
    return existing


def _salesforce_fields(client: SalesforceWriter, sobject: str,
                       wanted: Sequence[WritebackField], outcome: Outcome) -> set[str]:
    """The wanted fields describe shows as updateable for the integration user (samepage
    cannot create Salesforce fields: an admin deploys them, see ``salesforce_package``)."""
    described = {f["name"].lower() for f in client.describe(sobject)["fields"]
                 if f.get("updateable", True)}
    outcome.missing_fields += [f for f in wanted if f.field.lower() not in described]
    return described


def _hubspot_sender(client: HubSpotWriter, object_type: str) -> Sender:
    def send(records: list[tuple[str, dict[str, str | None]]]) -> Iterator[WriteResult]:
        # HubSpot clears a property given ""
        return client.update_objects(object_type, (
            {"id": record_id, "properties": {k: v or "" for k, v in values.items()}}
            for record_id, values in records))
    return send


def _salesforce_sender(client: SalesforceWriter, sobject: str) -> Sender:
    def send(records: list[tuple[str, dict[str, str | None]]]) -> Iterator[WriteResult]:
        return client.update_records(sobject, ({"Id": record_id, **values}
                                               for record_id, values in records))
    return send


def _write(log: WritebackLog, outcome: Outcome, run_id: str, send: Sender,
           changes: Sequence[Change]) -> bool:
    """Send the changes a record at a time through the client's batches and log each field's
    final status as the results come; False when a client error stopped it (the fields not
    confirmed are logged failed with that error: the last call may or may not have landed)."""
    per_record: dict[str, list[Change]] = defaultdict(list)
    for change in changes:
        per_record[change.record_id].append(change)
    records = [(record_id, {c.field_name: c.desired_value for c in group})
               for record_id, group in per_record.items()]
    pending: list[LogEntry] = []
    answered: set[str] = set()
    try:
        for result in send(records):
            answered.add(result.record_id)
            for change in per_record[result.record_id]:
                pending.append(_entry(run_id, change, WRITTEN) if result.ok else
                               _entry(run_id, change, FAILED, _refusal(result)))
            if len(pending) >= LOG_BATCH:
                _append(log, outcome, pending)
                pending = []
    except ConnectorError as error:
        outcome.stopped_by = str(error)
        pending += [_entry(run_id, change, FAILED, f"NOT_CONFIRMED: {error}")
                    for record_id, group in per_record.items() if record_id not in answered
                    for change in group]
        _append(log, outcome, pending)
        return False
    _append(log, outcome, pending)
    return True


def _refusal(result: WriteResult) -> str:
    named = f" ({', '.join(result.fields)})" if result.fields else ""
    return f"{result.error_code or 'ERROR'}: {result.message or ''}{named}"


def _entry(run_id: str, change: Change, status: str, error: str | None = None) -> LogEntry:
    return log_entry(run_id, change.tool, change.object_type, change.record_id,
                     change.field_name, change.current_value, change.desired_value, status, error)


def _append(log: WritebackLog, outcome: Outcome, entries: list[LogEntry]) -> None:
    log.append(entries)
    outcome.count(entries)


def revert_run_id(run_id: str) -> str:
    return f"revert-{run_id}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"
