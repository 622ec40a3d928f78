"""HubSpot writes: property groups, property definitions, single and batch object updates.

Writes go to the API's own copy of the world (the world it was loaded with is never changed:
tests share generated worlds), stamp ``updatedAt`` and the last-modified property with the
world's running clock, and mark the read indexes stale; the next read rebuilds them once, so
every read after a write (list, GET, search, batch read) sees it. Shapes, limits and error bodies
and the sources they were checked against: sandbox/README.md, "Writes".
"""

from __future__ import annotations

import re
import threading
import time
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from sandbox.http import Request, Response
from sandbox.hubspot_errors import HubSpotError, invalid, json_body, not_found
from sandbox.hubspot_records import (
    LASTMODIFIED,
    OBJECT_TYPES,
    SINGULAR,
    ObjectTable,
    canonical_type,
    encode,
    to_millis,
)
from sandbox.world import World

# What a private app needs to write (HubSpot's scope names); granted by default in the sandbox.
WRITE_SCOPES = ("crm.objects.companies.write", "crm.objects.contacts.write",
                "crm.objects.deals.write", "crm.schemas.companies.write",
                "crm.schemas.contacts.write", "crm.schemas.deals.write")
BATCH_UPDATE_MAX = 100
STRING_MAX_LENGTH = 65_536
# Set by HubSpot itself: an update naming one is refused (READ_ONLY_VALUE).
READ_ONLY = frozenset({"hs_object_id", "createdate", "lastmodifieddate", "hs_lastmodifieddate",
                       "hs_createdate", "hs_merged_object_ids"})
PROPERTY_TYPES = {"string": {"text", "textarea", "html", "phonenumber", "file"},
                  "number": {"number"}, "date": {"date"}, "datetime": {"date"},
                  "enumeration": {"select", "radio", "checkbox", "booleancheckbox",
                                  "calculation_equation"},
                  "bool": {"booleancheckbox"}}
_NAME = re.compile(r"[a-z][a-z0-9_]*")
# A write through a private app shows in property history as an integration's change.
HISTORY_SOURCE = "INTEGRATION"

Handler = Callable[[Any, Request, tuple[str, ...]], Response]


def iso_millis(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat(timespec="milliseconds").replace(
        "+00:00", "Z")


class WorldClock:
    """The world's time while it is served: its clock plus the wall time since it was loaded,
    strictly increasing (two writes never share a modified time)."""

    def __init__(self, clock: str) -> None:
        self._base = to_millis(clock) or 0
        self._started = time.monotonic()
        self._last = 0
        self._lock = threading.Lock()

    def now_ms(self) -> int:
        with self._lock:
            now = self._base + int((time.monotonic() - self._started) * 1000)
            self._last = max(now, self._last + 1)
            return self._last


class HubSpotWrites:
    """The write endpoints of a ``HubSpotApi``; ``reload(world)`` re-indexes the reads.

    Thread safety: writes and the rebuild hold one lock; a read takes the state as it finds it
    after ``settle()``, so a request in flight finishes on the state it started with.
    """

    def __init__(self, reload: Callable[[World], None], app_id: int) -> None:
        self._reload = reload
        self._app_id = app_id
        self._lock = threading.RLock()
        self._world: World | None = None  # our copy, once written to
        self._base: World | None = None
        self._positions: dict[str, dict[str, int]] = {}
        self._dirty = False  # records written since the last index
        self._schema_changed = False  # a property defined since the last index
        self.clock = WorldClock("1970-01-01T00:00:00Z")

    def routes(self) -> list[tuple[str, re.Pattern[str], Handler]]:
        """Routes to put before the read routes (``.../properties/{type}/groups`` would
        otherwise read as a property named "groups")."""
        return [
            ("GET", re.compile(r"/crm/v3/properties/([^/]+)/groups/?"), self._groups),
            ("POST", re.compile(r"/crm/v3/properties/([^/]+)/groups/?"), self._create_group),
            ("POST", re.compile(r"/crm/v3/properties/([^/]+)/?"), self._create_property),
            ("POST", re.compile(r"/crm/v3/objects/([^/]+)/batch/update/?"), self._batch_update),
            ("PATCH", re.compile(r"/crm/v3/objects/([^/]+)/([^/]+)/?"), self._update_one),
        ]

    # -- lifecycle ------------------------------------------------------------------------------

    def loaded(self, world: World) -> None:
        """Called by ``HubSpotApi.load``: a new world drops earlier writes; our own re-index
        keeps them."""
        with self._lock:
            if world is self._world:
                return
            self._base, self._world, self._positions = world, None, {}
            self._dirty = self._schema_changed = False
            self.clock = WorldClock(world.clock)

    def settle(self, request: Request) -> None:
        """Re-index after writes, once, before the next request that needs it: any request
        after a new property definition, a read after record updates (record writes need no
        fresh index: ids, merges and definitions stay as they were)."""
        if not (self._schema_changed or (self._dirty and not _is_record_write(request.method,
                                                                          request.path))):
            return
        with self._lock:
            if (self._dirty or self._schema_changed) and self._world is not None:
                # The world's time has moved on with the writes (search's indexing lag, when
                # set, is measured from it).
                self._world.clock = iso_millis(self.clock.now_ms())
                self._reload(self._world)
                self._dirty = self._schema_changed = False

    def _own(self) -> World:
        """Our copy of the world (lists copied; records replaced, never changed, on write)."""
        if self._world is None:
            base = self._base
            assert base is not None
            hubspot = dict(base.hubspot)
            for object_type in OBJECT_TYPES:
                hubspot[object_type] = list(base.hubspot_objects(object_type))
            hubspot["properties"] = {t: list(v) for t, v in
                                     base.hubspot.get("properties", {}).items()}
            hubspot["property_groups"] = {t: list(v) for t, v in _groups_of(base).items()}
            self._world = World(clock=base.clock, hubspot=hubspot, salesforce=base.salesforce,
                                generator=base.generator)
        return self._world

    def _position(self, world: World, object_type: str, record_id: str) -> int | None:
        index = self._positions.get(object_type)
        if index is None:
            index = self._positions[object_type] = {
                str(r["id"]): i for i, r in enumerate(world.hubspot_objects(object_type))}
        return index.get(record_id)

    # -- property groups and definitions ----------------------------------------------------------

    def _groups(self, state: Any, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        with self._lock:
            world = self._world or self._base
            assert world is not None
            found = _groups_of(world).get(object_type, [])
        return Response.json(200, {"results": found})

    def _create_group(self, state: Any, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        body = json_body(request)
        name, label = body.get("name"), body.get("label")
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            raise invalid(f"Invalid property group name: {name!r} (lower-case letters, digits "
                          "and underscores, starting with a letter)")
        if not isinstance(label, str) or not label:
            raise invalid("A property group needs a label")
        with self._lock:
            world = self._own()
            existing = world.hubspot["property_groups"].setdefault(object_type, [])
            if any(g["name"] == name for g in existing):
                raise HubSpotError(409, f"A property group named '{name}' already exists.",
                                   "OBJECT_ALREADY_EXISTS")
            group = {"name": name, "label": label,
                     "displayOrder": int(body.get("displayOrder", -1)), "archived": False}
            existing.append(group)
        return Response.json(201, group)

    def _create_property(self, state: Any, request: Request,
                         groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        body = json_body(request)
        name, kind, field_type = body.get("name"), body.get("type"), body.get("fieldType")
        problems = []
        if not isinstance(name, str) or not _NAME.fullmatch(name):
            problems.append(f"name {name!r} must be lower-case letters, digits and underscores, "
                            "starting with a letter")
        for key in ("label", "groupName"):
            if not isinstance(body.get(key), str) or not body.get(key):
                problems.append(f"{key} is required")
        if kind not in PROPERTY_TYPES:
            problems.append(f"type {kind!r} is not one of {sorted(PROPERTY_TYPES)}")
        elif field_type not in PROPERTY_TYPES[kind]:
            problems.append(f"fieldType {field_type!r} is not valid for type {kind!r}")
        options = body.get("options") or []
        if kind == "enumeration" and field_type != "booleancheckbox" and not options:
            problems.append("an enumeration property needs options")
        if problems:
            raise invalid("Invalid property definition: " + "; ".join(problems))
        now = iso_millis(self.clock.now_ms())
        with self._lock:
            world = self._own()
            if not any(g["name"] == body["groupName"]
                       for g in world.hubspot["property_groups"].get(object_type, [])):
                raise invalid(f"Property group {body['groupName']!r} does not exist")
            definitions = world.hubspot["properties"].setdefault(object_type, [])
            if any(d.get("name") == name for d in definitions):
                raise HubSpotError(409, f"Property named '{name}' already exists.",
                                   "OBJECT_ALREADY_EXISTS")
            definition = {
                "name": name, "label": body["label"], "type": kind, "fieldType": field_type,
                "groupName": body["groupName"], "description": body.get("description", ""),
                "options": [{"label": o.get("label"), "value": o.get("value"),
                             "displayOrder": o.get("displayOrder", i), "hidden": False}
                            for i, o in enumerate(options)],
                "displayOrder": body.get("displayOrder", -1), "calculated": False,
                "externalOptions": False, "hasUniqueValue": False, "hidden": False,
                "formField": bool(body.get("formField", False)), "createdAt": now,
                "updatedAt": now, "archived": False,
                "modificationMetadata": {"archivable": True, "readOnlyDefinition": False,
                                         "readOnlyValue": False}}
            definitions.append(definition)
            self._schema_changed = True
        return Response.json(201, definition)

    # -- object updates --------------------------------------------------------------------------

    def _update_one(self, state: Any, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        properties = json_body(request).get("properties")
        if not isinstance(properties, dict):
            raise invalid("Invalid input JSON: properties must be an object")
        table: ObjectTable = state.tables[object_type]
        definitions = _definitions(state, object_type)
        with self._lock:
            errors = _invalid_values(table, definitions, properties)
            if errors:
                raise _validation_error(errors)
            record = self._write(table, definitions, groups[1], properties)
        if record is None:
            raise not_found()
        return Response.raw_json(200, _render(record, table, properties))

    def _batch_update(self, state: Any, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        inputs = json_body(request).get("inputs")
        if not isinstance(inputs, list) or not all(
                isinstance(i, dict) and i.get("id") not in (None, "")
                and isinstance(i.get("properties"), dict) for i in inputs):
            raise invalid("Invalid input JSON: inputs must be a list of objects with an id and "
                          "properties")
        if len(inputs) > BATCH_UPDATE_MAX:
            raise invalid(f"Too many inputs ({len(inputs)}). The limit is {BATCH_UPDATE_MAX}.")
        table: ObjectTable = state.tables[object_type]
        definitions = _definitions(state, object_type)
        started = iso_millis(int(time.time() * 1000))
        results, missing = [], []
        with self._lock:
            # One invalid value refuses the whole batch, before anything is written.
            errors = [e for item in inputs
                      for e in _invalid_values(table, definitions, item["properties"])]
            if errors:
                raise _validation_error(errors)
            for item in inputs:
                record = self._write(table, definitions, str(item["id"]), item["properties"])
                if record is None:
                    missing.append(str(item["id"]))
                else:
                    results.append(_render(record, table, item["properties"]))
        out = b'{"status":"COMPLETE","results":[' + b",".join(results) + b"]"
        if missing:
            out += b',"numErrors":1,"errors":' + encode([{
                "status": "error", "category": "OBJECT_NOT_FOUND",
                "message": f"Could not get some {SINGULAR[object_type].upper()} objects, they may "
                           "be deleted or not exist. Check that ids are valid.",
                "context": {"ids": missing}}])
        completed = iso_millis(int(time.time() * 1000))
        out += b',"startedAt":' + encode(started) + b',"completedAt":' + encode(completed) + b"}"
        return Response.raw_json(207 if missing else 200, out)

    def _write(self, table: ObjectTable, definitions: dict[str, dict[str, Any]], raw_id: str,
               properties: dict[str, Any]) -> dict[str, Any] | None:
        """Apply ``properties`` to a live record (a merged-away id writes its survivor); the
        record as written, or None when there is no such live record. Holds the lock."""
        object_type = table.object_type
        if not raw_id.isdigit():
            return None
        pos = table.active.position(int(raw_id))
        if pos is None:
            pos = table.merged.get(int(raw_id))
        if pos is None:
            return None
        record_id = str(table.active.records[pos]["id"])
        world = self._own()
        at = self._position(world, object_type, record_id)
        if at is None:
            return None
        records = world.hubspot[object_type]
        old = records[at]
        stamp = iso_millis(self.clock.now_ms())
        values = {name: _stored(table, definitions, name, value)
                  for name, value in properties.items()}
        history = dict(old.get("propertiesWithHistory") or {})
        for name, value in values.items():
            if name in history:
                history[name] = [{"value": value, "timestamp": stamp,
                                  "sourceType": HISTORY_SOURCE,
                                  "sourceId": str(self._app_id)}, *history[name]]
        new = {**old, "properties": {**old.get("properties", {}), **values,
                                     LASTMODIFIED[object_type]: stamp},
               "updatedAt": stamp}
        if history:
            new["propertiesWithHistory"] = history
        records[at] = new
        self._dirty = True
        return new


def is_write(method: str, path: str) -> bool:
    """Whether a request to the HubSpot API writes (an update, a definition or a group)."""
    return path.startswith("/crm/") and (_is_record_write(method, path) or (
        method == "POST" and path.startswith("/crm/v3/properties/")))


def _is_record_write(method: str, path: str) -> bool:
    return method == "PATCH" or (method == "POST" and path.rstrip("/").endswith("/batch/update"))


def _groups_of(world: World) -> dict[str, list[dict[str, Any]]]:
    """The world's property groups; a world without any has those its definitions name."""
    declared = world.hubspot.get("property_groups")
    if declared is not None:
        return declared
    out: dict[str, list[dict[str, Any]]] = {}
    for object_type, definitions in world.hubspot.get("properties", {}).items():
        names = dict.fromkeys(d.get("groupName") for d in definitions if d.get("groupName"))
        out[object_type] = [{"name": n, "label": n.replace("_", " ").capitalize(),
                             "displayOrder": i, "archived": False} for i, n in enumerate(names)]
    return out


def _definitions(state: Any, object_type: str) -> dict[str, dict[str, Any]]:
    return {d["name"]: d for d in state.properties.get(object_type, [])}


def _invalid_values(table: ObjectTable, definitions: dict[str, dict[str, Any]],
                    properties: dict[str, Any]) -> list[dict[str, Any]]:
    """HubSpot's per-property validation results for the values that cannot be set."""
    errors = []
    for name, value in properties.items():
        definition = definitions.get(name)
        if definition is None and name not in table.defined:
            errors.append(_problem(name, "PROPERTY_DOESNT_EXIST",
                                   f'Property "{name}" does not exist'))
            continue
        if name in READ_ONLY or (definition or {}).get("calculated") or (
                (definition or {}).get("modificationMetadata") or {}).get("readOnlyValue"):
            errors.append(_problem(name, "READ_ONLY_VALUE",
                                   f'"{name}" is a read only property; its value cannot be set.'))
            continue
        if value is None or value == "":
            continue  # clears the value
        if not isinstance(value, str | int | float | bool):
            errors.append(_problem(name, "INVALID_VALUE", f"{value!r} is not a valid value"))
            continue
        problem = _type_problem(definition or {"type": table.types.get(name, "string")},
                                _text(value))
        if problem is not None:
            errors.append(_problem(name, *problem))
    return errors


def _type_problem(definition: dict[str, Any], text: str) -> tuple[str, str] | None:
    kind = definition.get("type", "string")
    if kind == "number":
        try:
            float(text)
        except ValueError:
            return "INVALID_INTEGER", f"{text} was not a valid number."
    elif kind in ("date", "datetime"):
        ms = to_millis(text)
        if ms is None:
            return "INVALID_DATE", f"{text} was not a valid {kind}."
        if kind == "date" and ms % 86_400_000:
            return "INVALID_DATE", (f"{text} is at {iso_millis(ms)[11:23]} UTC, not midnight!")
    elif kind == "bool":
        if text.lower() not in ("true", "false"):
            return "INVALID_BOOLEAN", f"{text} was not a valid boolean (true or false)."
    elif kind == "enumeration" and not definition.get("externalOptions"):
        allowed = [o.get("value") for o in definition.get("options", [])]
        chosen = text.split(";") if definition.get("fieldType") == "checkbox" else [text]
        bad = next((c for c in chosen if c not in allowed), None)
        if allowed and bad is not None:
            return "INVALID_OPTION", (f"{bad} was not one of the allowed options: "
                                      f"[{', '.join(map(str, allowed))}]")
    elif len(text) > STRING_MAX_LENGTH:
        return "INVALID_STRING", f"value is longer than {STRING_MAX_LENGTH} characters"
    return None


def _problem(name: str, code: str, message: str) -> dict[str, Any]:
    return {"isValid": False, "message": message, "error": code, "name": name,
            "localizedErrorMessage": message}


def _validation_error(errors: list[dict[str, Any]]) -> HubSpotError:
    return HubSpotError(400, "Property values were not valid: "
                        + encode(errors).decode(), "VALIDATION_ERROR")


def _text(value: str | int | float | bool) -> str:
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def _stored(table: ObjectTable, definitions: dict[str, dict[str, Any]], name: str,
            value: Any) -> str | None:
    """A written value as HubSpot reads it back: a string, datetimes as ISO-8601, "" as null."""
    if value is None or value == "":
        return None
    text = _text(value)
    kind = definitions.get(name, {}).get("type", table.types.get(name, "string"))
    if kind == "datetime":
        return iso_millis(to_millis(text) or 0)
    if kind == "date":
        return iso_millis(to_millis(text) or 0)[:10]
    if kind == "bool":
        return text.lower()
    return text


def _render(record: dict[str, Any], table: ObjectTable, written: dict[str, Any]) -> bytes:
    """An updated record as the update answers it: the written properties and the system ones."""
    props = record.get("properties", {})
    names = sorted({*written, "createdate", "hs_object_id", LASTMODIFIED[table.object_type]})
    return encode({"id": record["id"], "properties": {n: props.get(n) for n in names},
                   "createdAt": record.get("createdAt"), "updatedAt": record.get("updatedAt"),
                   "archived": False})

