"""``samepage doctor``: check the configured accounts before a first sync. It only reads.

With the variables and resources the pipeline uses (README, "Configuration") it authenticates to
each enabled source (SAMEPAGE_SOURCES), lists what the credentials may not read (HubSpot scopes,
Salesforce objects) and so which stream's read would fail, counts records and properties per
stream, reads the rate limits the APIs announce, estimates the first sync's duration from the
counts and those limits, and names every field the agreed definitions read that the account
lacks, with what that does to the marts.

Which fields matter is read from dbt's staging models (the only models reading raw records), so
the list has one home: a field a staging model selects is a field the definitions need. What a
missing one does follows dbt's own graph (the manifest the pipeline keeps current).

Exit status: 0 when all is well, 1 when a problem was found, 2 when the settings are unusable.
"""

from __future__ import annotations

import contextlib
import io
import json
import math
import re
import statistics
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from connectors.errors import ApiError, ConnectorError
from connectors.hubspot import (
    ASSOCIATION_BATCH_SIZE,
    BATCH_READ_SIZE,
    DEFAULT_DAILY_RESERVE,
    HISTORY_BATCH_READ_SIZE,
    SEARCH_PAGE_SIZE,
    HubSpotClient,
)
from connectors.salesforce import (
    DEFAULT_QUOTA_RESERVE,
    MAX_BATCH_SIZE,
    PARENT_IDS_PER_QUERY,
    SalesforceClient,
)
from pipelines import settings
from pipelines.streams import HUBSPOT_ACTIVITIES, SALESFORCE_OBJECTS

# The CRM objects the HubSpot asset reads (pipelines/defs/hubspot.py), the activities reps log
# (HubSpot as the sales CRM) included.
HUBSPOT_CRM_OBJECTS = ("contacts", "companies", "deals", *HUBSPOT_ACTIVITIES)
# Properties read with their history: batch reads of these objects take 50 ids, not 100.
HUBSPOT_HISTORY_OBJECTS = ("contacts", "deals")
# Activities are read with the contacts scopes.
_SCOPE_OBJECT = {**{t: t for t in HUBSPOT_CRM_OBJECTS}, **dict.fromkeys(HUBSPOT_ACTIVITIES,
                                                                        "contacts")}
# What each HubSpot stream's reads need: each tuple is "one of these scopes" (HubSpot's own
# wording in a 403), taken from its OpenAPI specs' security lists for private apps. One entry per
# stream the asset lands, in the asset's order.
HUBSPOT_STREAM_SCOPES: dict[str, tuple[tuple[str, ...], ...]] = {
    **{t: ((f"crm.objects.{_SCOPE_OBJECT[t]}.read",),) for t in HUBSPOT_CRM_OBJECTS},
    "pipelines": (("crm.objects.deals.read",),),
    "contact_company_associations": (("crm.objects.contacts.read",),),
    "deal_contact_associations": (("crm.objects.deals.read",),),
    "deal_company_associations": (("crm.objects.deals.read",),),
    "activity_contact_associations": (("crm.objects.contacts.read",),),
    "owners": (("crm.objects.owners.read",),),
    "properties": tuple(dict.fromkeys(
        (f"crm.objects.{o}.read", f"crm.schemas.{o}.read") for o in _SCOPE_OBJECT.values())),
    "forms": (("forms",),),
    "form_submissions": (("forms",),),
    "email_events": (("content",),),
}
# Association streams: (from object types, to object type), as the asset reads them.
HUBSPOT_ASSOCIATIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "contact_company_associations": (("contacts",), "companies"),
    "deal_contact_associations": (("deals",), "contacts"),
    "deal_company_associations": (("deals",), "companies"),
    "activity_contact_associations": (tuple(HUBSPOT_ACTIVITIES), "contacts"),
}

T = TypeVar("T")


# -- the fields the definitions read -----------------------------------------------------------

_RECORD_KEY = re.compile(r"json_(?:text|path)\(\s*'record'\s*,\s*'([^']+)'(?:\s*,\s*'([^']+)')?")
_ALIAS = re.compile(r"\bas\s+(\w+)\s*(?:,|$)", re.MULTILINE)

Manifest = dict[str, Any]


def current_manifest() -> Manifest:
    """dbt's manifest of the models of the enabled sources as they are now: the pipeline's dbt
    definitions re-parse the project when a file changed since the last parse."""
    with contextlib.redirect_stdout(io.StringIO()):  # dbt's parse log is not the report
        from pipelines.defs.dbt import enabled_dbt_project

        project = enabled_dbt_project()  # of the sources SAMEPAGE_SOURCES enables
    return json.loads(project.manifest_path.read_text(encoding="utf-8"))


def _models(manifest: Manifest) -> dict[str, dict[str, Any]]:
    return {node["name"]: node for node in manifest["nodes"].values()
            if node.get("resource_type") == "model"}


@dataclass
class ModelField:
    """A field of an account that staging models read, and the columns it becomes."""

    system: str  # hubspot / salesforce
    object: str  # Salesforce object, or HubSpot object type
    name: str  # as the API spells it
    columns: list[tuple[str, str]] = field(default_factory=list)  # (staging model, column)

    @property
    def label(self) -> str:
        return f"{self.object}.{self.name}"


def staging_fields(manifest: Manifest) -> list[ModelField]:
    """Every Salesforce field and HubSpot CRM property the staging models select (the staging
    models are the only ones reading raw records)."""
    tables = {spec.table: sobject for sobject, spec in SALESFORCE_OBJECTS.items()}
    found: dict[tuple[str, str, str], ModelField] = {}
    for name, node in sorted(_models(manifest).items()):
        sources = [n.split(".")[-2:] for n in node["depends_on"]["nodes"]
                   if n.startswith("source.")]
        if len(sources) != 1:
            continue
        schema, table = sources[0]
        sql = node.get("raw_code", "")
        for key in _RECORD_KEY.finditer(sql):
            first, second = key.groups()
            if schema == "raw_salesforce" and table in tables:
                system, obj, field_name = "salesforce", tables[table], first
            elif (schema == "raw_hubspot" and table in HUBSPOT_CRM_OBJECTS and second
                  and first in ("properties", "propertiesWithHistory")):
                system, obj, field_name = "hubspot", table, second
            else:
                continue  # record envelope keys (createdAt, ...) every record has
            alias = _ALIAS.search(sql, key.end())
            entry = found.setdefault((system, obj, field_name),
                                     ModelField(system, obj, field_name))
            column = (name, alias.group(1) if alias else "?")
            if column not in entry.columns:
                entry.columns.append(column)
    return list(found.values())


def _links_only_to(model_field: ModelField, sources: list[str]) -> bool:
    """Whether every column the field becomes is a link to one of these sources (named
    ``<source>_...``, as ``salesforce_lead_id``)."""
    return bool(sources) and all(column.startswith(tuple(f"{s}_" for s in sources))
                                 for _, column in model_field.columns)


class Lineage:
    """Which models read a staging column (their SQL names it) and the marts they feed (dbt's
    graph), with the columns' descriptions from the models' YAML."""

    def __init__(self, manifest: Manifest) -> None:
        self.models = _models(manifest)
        self.marts = {name for name, node in self.models.items()
                      if node["original_file_path"].startswith("models/marts/")}
        self.children: dict[str, set[str]] = {}
        for name, node in self.models.items():
            for parent in node["depends_on"]["nodes"]:
                self.children.setdefault(parent.split(".")[-1], set()).add(name)

    def downstream(self, models: Iterable[str]) -> set[str]:
        seen: set[str] = set()
        todo = list(models)
        while todo:
            for child in self.children.get(todo.pop(), ()):
                if child not in seen:
                    seen.add(child)
                    todo.append(child)
        return seen

    def consequence(self, model_field: ModelField) -> str:
        """What a missing field does: its staging columns are null, and what reads them."""
        parts, readers = [], set()
        for model, column in model_field.columns:
            described = (self.models[model]["columns"].get(column) or {}).get("description", "")
            parts.append(f"{model}.{column}" + (f" ({described.rstrip('.')})" if described else ""))
            mention = re.compile(rf"\b{re.escape(column)}\b")
            readers |= {m for m in self.downstream([model])
                        if mention.search(self.models[m].get("raw_code", ""))}
        text = "always null: " + "; ".join(parts)
        if readers:
            marts = sorted(self.marts & (readers | self.downstream(readers)))
            text += f"; read by {_names(sorted(readers - self.marts))}"
            if marts:
                text += f"; feeds marts {_names(marts)}"
        return text


def _names(names: list[str], shown: int = 10) -> str:
    if not names:
        return "none"
    more = len(names) - shown
    return ", ".join(names[:shown]) + (f" and {more} more" if more > 0 else "")


# -- the report --------------------------------------------------------------------------------

@dataclass
class Report:
    lines: list[str] = field(default_factory=list)
    problems: int = 0

    def heading(self, text: str) -> None:
        self.lines.append(f"\n{text}")

    def ok(self, text: str) -> None:
        self.lines.append(f"  ok  {text}")

    def problem(self, text: str) -> None:
        self.problems += 1
        self.lines.append(f"  !!  {text}")

    def info(self, text: str) -> None:
        self.lines.append(f"      {text}")

    def table(self, header: tuple[str, ...], rows: list[tuple[Any, ...]]) -> None:
        cells = [header, *[tuple(_cell(v) for v in row) for row in rows]]
        widths = [max(len(row[i]) for row in cells) for i in range(len(header))]
        for row in cells:
            self.info("  ".join(c.ljust(w) if i == 0 else c.rjust(w)
                                for i, (c, w) in enumerate(zip(row, widths, strict=True))))


def _cell(value: Any) -> str:
    if value is None:
        return "-"
    return f"{value:,}" if isinstance(value, int) else str(value)


@dataclass
class Timed:
    """Round trips of the checks' own calls: the floor under every call of a sync."""

    seconds: list[float] = field(default_factory=list)

    def __call__(self, read: Callable[[], T]) -> T:
        start = time.perf_counter()
        try:
            return read()
        finally:
            self.seconds.append(time.perf_counter() - start)

    @property
    def round_trip(self) -> float:
        return statistics.median(self.seconds) if self.seconds else 0.0


def _duration(seconds: float) -> str:
    if seconds < 1:
        return "under a second"
    if seconds < 90:
        return f"{seconds:.0f} s"
    if seconds < 5400:
        return f"{seconds / 60:.0f} min"
    return f"{seconds / 3600:.1f} h"


def _failure(exc: Exception) -> str:
    """An error in one line: an API's status and the first sentence of its message."""
    if isinstance(exc, ApiError):
        return f"HTTP {exc.status}: {exc.message.split('. ', 1)[0]}"
    return str(exc).splitlines()[0] if str(exc) else type(exc).__name__


# -- HubSpot -----------------------------------------------------------------------------------

@dataclass
class HubSpotLimits:
    window_calls: int
    window_seconds: float
    source: str  # where the window comes from
    daily: int | None = None
    daily_remaining: int | None = None


def check_hubspot(client: HubSpotClient, report: Report, fields: list[ModelField],
                  lineage: Lineage, configured: tuple[int, float], search_per_second: int) -> None:
    timed = Timed()
    try:
        info = timed(client.token_info)
    except ConnectorError as exc:
        if isinstance(exc, ApiError) and exc.status in (400, 404, 405):
            info = None  # not a private-app token: the reads below still tell what fails
        else:
            report.problem(f"authentication failed: {_failure(exc)} "
                           "(check HUBSPOT_ACCESS_TOKEN and HUBSPOT_API_BASE)")
            return
    granted = set(info.get("scopes", [])) if info else None
    if info:
        report.ok(f"authenticated at {client.api_base}: portal {info.get('hubId')}, private app "
                  f"{info.get('appId')}, {len(granted or ())} scopes granted")

    counts: dict[str, int | None] = {}
    properties: dict[str, set[str]] = {}
    readable: dict[str, bool] = {}

    def probe(stream: str, read: Callable[[], Any]) -> Any:
        lacking = [" or ".join(group) for group in HUBSPOT_STREAM_SCOPES[stream]
                   if granted is not None and not granted.intersection(group)]
        try:
            result = timed(read)
        except ApiError as exc:
            readable[stream] = False
            scopes = f"; grant {', '.join(lacking)}" if lacking else ""
            report.problem(f"the read of raw_hubspot.{stream} will fail ({_failure(exc)})"
                           f"{scopes}")
            return None
        readable[stream] = True
        if lacking:  # read fine without the listed scope: trust the API's answer
            report.info(f"raw_hubspot.{stream} reads without {', '.join(lacking)}")
        return result

    for object_type in HUBSPOT_CRM_OBJECTS:
        counts[object_type] = probe(object_type, lambda t=object_type: client.count(t))
    for object_type in HUBSPOT_CRM_OBJECTS:
        names = probe("properties", lambda t=object_type: [
            p["name"] for p in client.properties(t) if not p.get("archived")])
        if names is not None:
            properties[object_type] = set(names)
        if not readable["properties"]:
            break
    counts["properties"] = (sum(len(v) for v in properties.values())
                            if readable.get("properties") else None)
    pipelines = probe("pipelines", lambda: list(client.pipelines("deals")))
    counts["pipelines"] = len(pipelines) if pipelines is not None else None
    for stream, (from_types, to_type) in HUBSPOT_ASSOCIATIONS.items():
        unreadable = [t for t in from_types if not readable[t]]
        if unreadable:
            report.problem(f"the read of raw_hubspot.{stream} will fail: it starts from the "
                           f"{', '.join(unreadable)}, which cannot be read")
            continue
        # the links of one record (of the first type that has any), read as the sync reads them
        from_type = next((t for t in from_types if counts.get(t)), from_types[0])
        first = next(client.list_objects(from_type, ["hs_object_id"]), None)
        probe(stream, lambda f=from_type, to=to_type, r=first: list(
            client.associations(f, to, [r["id"]] if r else [])))
    owners = probe("owners", lambda: list(client.owners()))
    counts["owners"] = len(owners) if owners is not None else None
    forms = probe("forms", lambda: list(client.forms())) or []
    counts["forms"] = len(forms) if readable["forms"] else None
    probe("form_submissions", lambda: [next(client.form_submissions(form["id"], None), None)
                                       for form in forms[:1]])
    probe("email_events", lambda: next(client.email_events(None), None))

    report.info("records and properties per stream (live records; submissions and email "
                "events have no count endpoint):")
    report.table(("stream", "records", "properties"), [
        (f"raw_hubspot.{stream}", counts.get(stream),
         len(properties[stream]) if stream in properties else None)
        for stream in HUBSPOT_STREAM_SCOPES])

    limits = _hubspot_limits(client, timed, configured)
    daily = (f"{limits.daily:,} a day ({limits.daily_remaining or 0:,} left today)"
             if limits.daily is not None else "no daily limit announced")
    report.info(f"rate limits: {limits.window_calls} calls per {limits.window_seconds:g} s "
                f"({limits.source}), {daily}; search {search_per_second}/s")
    if limits.window_calls > configured[0]:
        report.info(f"set HUBSPOT_CALLS_PER_10_SECONDS={limits.window_calls} to pace at this "
                    "tier from the first call (the client adopts it after one answer)")
    _estimate_hubspot(report, counts, len(forms), limits, search_per_second, timed.round_trip)

    # HubSpot defines built-in properties for every object; a type listing none at all has
    # nothing to check against (the sandbox's two-tool company lists no activity properties).
    for object_type in [t for t, names in properties.items() if not names]:
        del properties[object_type]
        report.info(f"raw_hubspot.{object_type}: the portal lists no properties; the ones the "
                    "models read are not checked")
    for model_field in fields:
        if model_field.system != "hubspot" or model_field.object not in properties:
            continue
        if model_field.name not in properties[model_field.object]:
            report.problem(f"property {model_field.label} does not exist in this portal: "
                           f"{lineage.consequence(model_field)}")
    checked = sum(1 for f in fields if f.system == "hubspot" and f.object in properties)
    if checked:
        report.info(f"{checked} properties the definitions read were checked")


def _hubspot_limits(client: HubSpotClient, timed: Timed,
                    configured: tuple[int, float]) -> HubSpotLimits:
    """The tier's burst window as the answers announce it (the client adopts it), else the
    configured one; the daily limit where HubSpot sends it."""
    try:
        headers = {k.lower(): v for k, v in timed(client.rate_limit_headers).items()}
    except ConnectorError:
        headers = {}

    def number(name: str) -> int | None:
        value = headers.get(f"x-hubspot-ratelimit-{name}")
        return int(value) if value and value.isdigit() else None

    window, interval = number("max"), number("interval-milliseconds")
    limits = HubSpotLimits(*configured, source="HUBSPOT_CALLS_PER_10_SECONDS: none announced")
    if window and interval:
        limits = HubSpotLimits(window, interval / 1000, source="X-HubSpot-RateLimit-Max")
    limits.daily, limits.daily_remaining = number("daily"), number("daily-remaining")
    return limits


def _estimate_hubspot(report: Report, counts: dict[str, int | None], forms: int,
                      limits: HubSpotLimits, search_per_second: int, round_trip: float) -> None:
    """Calls of a first (full) sync, and the least time the limits allow for them."""
    search = other = 0
    for object_type in HUBSPOT_CRM_OBJECTS:
        records = counts.get(object_type) or 0
        batch = (HISTORY_BATCH_READ_SIZE if object_type in HUBSPOT_HISTORY_OBJECTS
                 else BATCH_READ_SIZE)
        search += 1 + max(1, math.ceil(records / SEARCH_PAGE_SIZE))  # high-water mark, pages
        other += 2 + math.ceil(records / batch) + 1  # properties, batch reads, archived list
    for from_types, _ in HUBSPOT_ASSOCIATIONS.values():  # a batch of 1,000 records a call
        other += sum(math.ceil((counts.get(t) or 0) / ASSOCIATION_BATCH_SIZE) for t in from_types)
    # deal pipelines, owners (live, archived), property definitions (each object type, live and
    # archived), forms (live, archived), a first submissions page per form, a first email
    # events page
    other += 1 + 2 + 2 * len(HUBSPOT_CRM_OBJECTS) + 2 + forms + 1
    seconds = (search * max(1 / search_per_second, round_trip)
               + other * max(limits.window_seconds / limits.window_calls, round_trip))
    report.info(f"first sync: at least {search + other:,} calls ({search:,} searches), about "
                f"{_duration(seconds)} at these limits and a {round_trip * 1000:.0f} ms round "
                "trip (plus one call per 50 submissions and per 1,000 email events)")
    if limits.daily is not None and limits.daily_remaining is not None:
        # The client stops before the reserve, as the Salesforce quota guard does.
        usable = limits.daily_remaining - math.ceil(limits.daily * DEFAULT_DAILY_RESERVE)
        if search + other > usable:
            report.problem(f"the first sync needs at least {search + other:,} calls but only "
                           f"{max(0, usable):,} can be spent today ({DEFAULT_DAILY_RESERVE:.0%} "
                           "of the daily limit is kept in reserve): it stops and resumes "
                           "tomorrow")


# -- Salesforce --------------------------------------------------------------------------------

def check_salesforce(client: SalesforceClient, report: Report, fields: list[ModelField],
                     lineage: Lineage) -> None:
    timed = Timed()
    try:
        usage = timed(client.api_usage)
    except ConnectorError as exc:
        report.problem(f"authentication failed: {_failure(exc)} (check SALESFORCE_LOGIN_URL and "
                       "the Salesforce credentials)")
        return
    report.ok(f"authenticated: instance {client.auth.instance_url}")
    described: dict[str, set[str]] = {}
    rows: list[tuple[Any, ...]] = []
    counts: dict[str, int] = {}
    for sobject, spec in SALESFORCE_OBJECTS.items():
        try:
            names = {f.name for f in timed(lambda s=sobject: client.fields(s))}
            counts[sobject] = timed(lambda s=sobject: client.count(s))
        except ApiError as exc:
            report.problem(f"the read of {spec.name} will fail ({_failure(exc)}): {sobject} is "
                           "not readable by the integration user; give its profile or a "
                           f"permission set Read on {sobject}")
            rows.append((spec.name, None, None))
            continue
        described[sobject] = names
        rows.append((spec.name, counts[sobject], len(names)))
    report.info("records (deleted ones included) and fields per stream:")
    report.table(("stream", "records", "fields"), rows)
    usage = timed(client.api_usage)  # again: what this check's own calls left

    report.info(f"rate limits: {usage.limit:,} API requests a day, {usage.limit - usage.used:,} "
                f"left now ({DEFAULT_QUOTA_RESERVE:.0%} kept in reserve by the pipeline)")
    requests_needed = sum(1 + max(1, math.ceil(n / MAX_BATCH_SIZE)) for n in counts.values())
    # LeadHistory is read again for every Lead that changed: on a first sync, all of them.
    requests_needed += math.ceil(counts.get("Lead", 0) / PARENT_IDS_PER_QUERY)
    seconds = requests_needed * timed.round_trip
    usable = usage.limit - usage.used - math.ceil(usage.limit * DEFAULT_QUOTA_RESERVE)
    report.info(f"first sync: about {requests_needed:,} API requests, {_duration(seconds)} at a "
                f"{timed.round_trip * 1000:.0f} ms round trip (pages of 2,000 records take "
                "longer)")
    if requests_needed > usable:
        days = math.ceil(requests_needed / max(1, usage.limit - math.ceil(
            usage.limit * DEFAULT_QUOTA_RESERVE)))
        report.problem(f"the first sync needs about {requests_needed:,} API requests; "
                       f"{max(0, usable):,} can be spent today, so it stops at the quota and "
                       f"resumes over about {days} days")

    for model_field in fields:
        if model_field.system != "salesforce" or model_field.object not in described:
            continue
        if model_field.name not in described[model_field.object]:
            report.problem(f"field {model_field.label} is missing or not visible to the "
                           f"integration user: {lineage.consequence(model_field)}")
    checked = sum(1 for f in fields if f.system == "salesforce" and f.object in described)
    report.info(f"{checked} fields the definitions read were checked")


# -- entry point -------------------------------------------------------------------------------

def run() -> int:
    """Check the accounts of the enabled sources (SAMEPAGE_SOURCES) with the pipeline's own
    resources; returns the exit status."""
    import dagster as dg  # the resources are Dagster's; imported here to keep `--help` quick
    from dagster_dbt.errors import DagsterDbtError

    from pipelines.defs.resources import resources

    try:
        configured = resources().resources
    except ValueError as exc:  # a documented variable with an unusable value
        print(f"samepage doctor: {exc}", file=sys.stderr)
        return 2
    report = Report(["samepage doctor: checking the configured accounts (read-only)"])
    try:
        manifest = current_manifest()
    except DagsterDbtError as exc:  # the project does not parse: no list of fields to check
        print(f"samepage doctor: dbt could not parse dbt_project: {_failure(exc)}",
              file=sys.stderr)
        return 2
    enabled = settings.sources()
    # a field that only links to a tool left out (HubSpot's salesforceleadid without Salesforce)
    fields = [f for f in staging_fields(manifest) if not _links_only_to(
        f, [s for s in settings.KNOWN_SOURCES if s not in enabled])]
    lineage = Lineage(manifest)

    def hubspot() -> None:
        resource = configured["hubspot"].process_config_and_initialize()
        check_hubspot(resource.client(), report, fields, lineage,
                      (resource.calls_per_10_seconds, 10.0), resource.search_calls_per_second)

    def salesforce() -> None:
        resource = configured["salesforce"].process_config_and_initialize()
        check_salesforce(resource.client(), report, fields, lineage)

    for source, name, check in (("hubspot", "HubSpot", hubspot),
                                ("salesforce", "Salesforce", salesforce)):
        report.heading(name)
        if source not in enabled:
            report.info(f"not checked: SAMEPAGE_SOURCES ({','.join(enabled)}) leaves it out")
            continue
        try:
            check()
        except (dg.Failure, dg.DagsterError) as exc:  # a secret that is not set
            report.problem(getattr(exc, "description", None) or _failure(exc))
        except ConnectorError as exc:
            report.problem(_failure(exc))
    verdict = ("all checks passed" if not report.problems
               else f"{report.problems} problem(s) found")
    report.lines.append(f"\nsamepage doctor: {verdict}")
    print("\n".join(report.lines))
    return 1 if report.problems else 0
