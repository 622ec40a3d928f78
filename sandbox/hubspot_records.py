"""Indexed CRM object tables and the JSON rendering of records.

A table keeps its records sorted by numeric id (the order the list endpoint pages in) plus
numpy arrays for the search fast paths, and caches each record's serialised JSON per property
selection, so that serving a page is a byte join.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from json.encoder import c_make_encoder, encode_basestring
from typing import Any

import numpy as np

from sandbox.hubspot_errors import HubSpotError

# The sales activities reps log (calls, e-mails, meetings, tasks, notes) are CRM v3 objects too.
ACTIVITY_TYPES = ("calls", "emails", "meetings", "tasks", "notes")
OBJECT_TYPES = ("contacts", "companies", "deals", *ACTIVITY_TYPES)
ALIASES = {"contact": "contacts", "0-1": "contacts", "company": "companies", "0-2": "companies",
           "deal": "deals", "0-3": "deals", "call": "calls", "0-48": "calls", "email": "emails",
           "0-49": "emails", "meeting": "meetings", "0-47": "meetings", "task": "tasks",
           "0-27": "tasks", "note": "notes", "0-46": "notes"}
SINGULAR = {"contacts": "contact", "companies": "company", "deals": "deal", "calls": "call",
            "emails": "email", "meetings": "meeting", "tasks": "task", "notes": "note"}

# Returned by GET/list and search when no `properties` are asked for (search guide's table).
_ACTIVITY_DEFAULTS = ("hs_createdate", "hs_lastmodifieddate", "hs_object_id")
DEFAULT_PROPERTIES = {
    "contacts": ("createdate", "email", "firstname", "hs_object_id", "lastmodifieddate",
                 "lastname"),
    "companies": ("createdate", "domain", "hs_lastmodifieddate", "hs_object_id", "name"),
    "deals": ("amount", "closedate", "createdate", "dealname", "dealstage", "hs_lastmodifieddate",
              "hs_object_id", "pipeline"),
    **{t: _ACTIVITY_DEFAULTS for t in ACTIVITY_TYPES},
}
LASTMODIFIED = {"contacts": "lastmodifieddate", "companies": "hs_lastmodifieddate",
                "deals": "hs_lastmodifieddate",
                **{t: "hs_lastmodifieddate" for t in ACTIVITY_TYPES}}
# Activities name their creation time hs_createdate; contacts, companies and deals createdate.
CREATED = {t: "hs_createdate" for t in ACTIVITY_TYPES}
# Searched by a free-text `query` (search guide's table).
QUERY_PROPERTIES = {
    "contacts": ("firstname", "lastname", "email", "phone", "hs_additional_emails", "fax",
                 "mobilephone", "company"),
    "companies": ("website", "phone", "name", "domain"),
    "deals": ("dealname", "pipeline", "dealstage", "description", "dealtype"),
    "calls": ("hs_call_title", "hs_call_body"), "emails": ("hs_email_subject", "hs_email_text"),
    "meetings": ("hs_meeting_title", "hs_meeting_body"), "tasks": ("hs_task_subject",
                                                                   "hs_task_body"),
    "notes": ("hs_note_body",),
}
# Used when the world has no property definitions for a name: how to compare its values.
BUILTIN_TYPES = {"createdate": "datetime", "lastmodifieddate": "datetime", "closedate": "datetime",
                 "hs_lastmodifieddate": "datetime", "hs_createdate": "datetime",
                 "hs_object_id": "number", "amount": "number", "hubspotscore": "number",
                 "hs_timestamp": "datetime"}



def _unserialisable(value: Any) -> Any:
    raise TypeError(f"Object of type {type(value).__name__} is not JSON serializable")


# CPython's C encoder called directly: json.dumps rebuilds it on every call, which costs a
# third of the time of rendering a record (compact separators, UTF-8 kept, no cycle check).
_C_ENCODER = c_make_encoder(None, _unserialisable, encode_basestring, None, ":", ",", False,
                            False, True)


def encode(value: Any) -> bytes:
    return "".join(_C_ENCODER(value, 0)).encode()
_SELECTION_CACHES = 8  # distinct property selections whose rendered records are kept


def spread(values: np.ndarray) -> np.ndarray:
    """A deterministic scramble of integers (ids, times) to well-spread uint64s, vectorised:
    the sandbox's per-record draws (stale index entries, indexing delays) are functions of it."""
    mixed = np.asarray(values, dtype=np.int64).astype(np.uint64) * np.uint64(0x9E3779B97F4A7C15)
    return mixed ^ (mixed >> np.uint64(31))


def canonical_type(name: str) -> str:
    object_type = ALIASES.get(name, name)
    if object_type not in OBJECT_TYPES:
        raise HubSpotError(400, f"Unable to infer object type from: {name}", "VALIDATION_ERROR")
    return object_type


def to_millis(value: Any) -> int | None:
    """Epoch milliseconds of an epoch-ms string/number, an ISO-8601 datetime or a date."""
    if value is None or value == "":
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip()
    if text.lstrip("-").isdigit():
        return int(text)
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=UTC)
    return int(parsed.timestamp() * 1000)


@dataclass(frozen=True)
class Selection:
    """What a request asks to see of each record; the key of the rendering cache."""

    properties: tuple[str, ...]
    history: tuple[str, ...] = ()
    associations: tuple[str, ...] = ()


@dataclass
class RecordSet:
    """Records in numeric-id order with a per-selection cache of their JSON bytes."""

    records: list[dict[str, Any]]
    archived: bool
    history_limit: int | None = None  # newest entries kept per property history (None: all)
    ids: np.ndarray = field(init=False)
    _caches: OrderedDict[Selection, list[bytes | None]] = field(default_factory=OrderedDict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def __post_init__(self) -> None:
        self.records.sort(key=lambda r: int(r["id"]))
        self.ids = np.fromiter((int(r["id"]) for r in self.records), np.int64, len(self.records))

    def position(self, record_id: int) -> int | None:
        # The array's own method: np.searchsorted's dispatch costs more than the search.
        pos = int(self.ids.searchsorted(record_id))
        return pos if pos < len(self.ids) and self.ids[pos] == record_id else None

    def first_at_or_after(self, record_id: int) -> int:
        return int(np.searchsorted(self.ids, record_id))

    def render(self, positions: Iterable[int], selection: Selection) -> list[bytes]:
        cache = self._cache(selection)
        out = []
        for pos in positions:
            body = cache[pos]
            if body is None:
                body = cache[pos] = render_record(self.records[pos], selection, self.archived,
                                                  self.history_limit)
            out.append(body)
        return out

    def _cache(self, selection: Selection) -> list[bytes | None]:
        with self._lock:
            cache = self._caches.get(selection)
            if cache is None:
                cache = self._caches[selection] = [None] * len(self.records)
                if len(self._caches) > _SELECTION_CACHES:
                    self._caches.popitem(last=False)
            else:
                self._caches.move_to_end(selection)
            return cache


def render_record(record: dict[str, Any], selection: Selection, archived: bool,
                  history_limit: int | None = None) -> bytes:
    props = record.get("properties", {})
    out: dict[str, Any] = {"id": record["id"],
                           "properties": {name: props.get(name) for name in selection.properties}}
    if selection.history:
        stored = record.get("propertiesWithHistory", {})
        # Newest first, so a limit keeps the latest values and drops the oldest.
        out["propertiesWithHistory"] = {
            name: _history(name, props, stored, record)[:history_limit]
            for name in selection.history}
    out["createdAt"] = record.get("createdAt")
    out["updatedAt"] = record.get("updatedAt")
    out["archived"] = archived
    if archived:
        out["archivedAt"] = record.get("archivedAt")
    associations = record.get("associations", {})
    linked = {kind: associations[kind] for kind in selection.associations
              if associations.get(kind, {}).get("results")}
    if linked:
        out["associations"] = linked
    return encode(out)


def _history(name: str, props: dict[str, Any], stored: dict[str, Any],
             record: dict[str, Any]) -> list[dict[str, Any]]:
    if name in stored:
        return stored[name]
    value = props.get(name)
    if value is None:
        return []
    # README contract: a property without stored history has one entry, its value at updatedAt.
    return [{"value": value, "timestamp": record.get("updatedAt"), "sourceType": "API"}]


@dataclass
class ObjectTable:
    """One CRM object type of a world: active and archived records, merges and search arrays."""

    object_type: str
    active: RecordSet
    archived: RecordSet
    merged: dict[int, int]  # merged-away id -> position of the survivor in `active`
    defined: frozenset[str]  # property names that exist for this object type
    types: dict[str, str]  # property name -> HubSpot property type
    lastmod: np.ndarray  # ms, in id order
    lm_order: np.ndarray  # positions sorted by (lastmod, id)
    lm_sorted: np.ndarray  # lastmod[lm_order]
    ids_by_lm: np.ndarray  # ids[lm_order]
    _lookups: dict[str, dict[str, int]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    @classmethod
    def build(cls, object_type: str, records: Sequence[dict[str, Any]],
              definitions: Sequence[dict[str, Any]],
              history_limit: int | None = None) -> ObjectTable:
        active = RecordSet([r for r in records if not r.get("archived")], False, history_limit)
        archived = RecordSet([r for r in records if r.get("archived")], True, history_limit)
        merged: dict[int, int] = {}
        defined = set(DEFAULT_PROPERTIES[object_type])
        defined.update(d["name"] for d in definitions)
        for pos, record in enumerate(active.records):
            props = record.get("properties", {})
            defined.update(props)
            for merged_id in (props.get("hs_merged_object_ids") or "").split(";"):
                if merged_id.strip():
                    merged[int(merged_id)] = pos
        lastmod = np.fromiter((to_millis(r.get("updatedAt")) or 0 for r in active.records),
                              np.int64, len(active.records))
        lm_order = np.lexsort((active.ids, lastmod))
        types = {**BUILTIN_TYPES, **{d["name"]: d.get("type", "string") for d in definitions}}
        return cls(object_type, active, archived, merged, frozenset(defined), types, lastmod,
                   lm_order, lastmod[lm_order], active.ids[lm_order])

    def selection(self, properties: Sequence[str] | None, history: Sequence[str] = (),
                  associations: Sequence[str] = ()) -> Selection:
        """Requested properties that exist (unset ones render as null) plus the ever-present 3."""
        if not properties:
            names = set(DEFAULT_PROPERTIES[self.object_type])
        else:
            names = {p for p in properties if p in self.defined}
            names.update((CREATED.get(self.object_type, "createdate"), "hs_object_id",
                          LASTMODIFIED[self.object_type]))
        return Selection(tuple(sorted(names)),
                         tuple(sorted({p for p in history if p in self.defined})),
                         tuple(sorted({ALIASES.get(a, a) for a in associations})))

    def lookup(self, prop: str, value: str) -> int | None:
        """Position of the active record whose unique property `prop` equals `value`."""
        with self._lock:
            index = self._lookups.get(prop)
            if index is None:  # built on first use: one scan per property, not per request
                index = self._lookups[prop] = {}
                for pos, record in enumerate(self.active.records):
                    key = record.get("properties", {}).get(prop)
                    if key is not None:
                        index.setdefault(str(key).lower(), pos)
        return index.get(value.lower())
