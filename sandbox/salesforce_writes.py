"""Salesforce writes: record PATCH (``/sobjects/{type}/{id}``) and sObject Collections PATCH
(``/composite/sobjects``, up to 200 records, ``allOrNone``), with per-record SaveResults.

Writes go to the API's own copy of the world (the world it was loaded with is never changed:
tests share generated worlds), stamp ``LastModifiedDate``/``SystemModstamp`` with the world's
running clock, and mark the read state stale; the next read (query, queryAll, retrieve, Bulk)
rebuilds it once. Shapes, errors and sources: sandbox/README.md, "Writes".
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, date, datetime
from typing import Any

from sandbox import soql
from sandbox.http import Request, Response
from sandbox.hubspot_writes import WorldClock
from sandbox.world import World

COLLECTION_MAX = 200
# Set by Salesforce itself: naming one in an update is refused, whatever a world declares.
NOT_UPDATEABLE = frozenset({"Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate",
                            "LastModifiedById", "SystemModstamp", "IsConverted", "ConvertedDate",
                            "ConvertedContactId", "ConvertedAccountId",
                            "ConvertedOpportunityId", "MasterRecordId"})
_NUMBER_TYPES = frozenset({"double", "currency", "percent", "int", "long"})
_VERSIONED = re.compile(r"/services/data/v\d+\.\d(/.*)")
_ID = re.compile(r"[A-Za-z0-9]{15}(?:[A-Za-z0-9]{3})?")
ROLLED_BACK = ("ALL_OR_NONE_OPERATION_ROLLED_BACK", "Record rolled back because not all records "
               "were valid and the request was using AllOrNone header")

Error = dict[str, Any]  # {"statusCode", "message", "fields"}


def is_write(method: str, path: str) -> bool:
    """Whether a request to the Salesforce API writes records."""
    found = _VERSIONED.fullmatch(path)
    return found is not None and SalesforceWrites.handles(method, found.group(1))


class SalesforceWrites:
    """The write resources of a ``SalesforceApi``; ``reload(world)`` rebuilds its read state.

    Thread safety as ``HubSpotWrites``: one lock for writes and the rebuild; reads take the
    state they find after ``settle()``.
    """

    def __init__(self, reload: Callable[[World], None]) -> None:
        self._reload = reload
        self._lock = threading.RLock()
        self._base: World | None = None
        self._world: World | None = None
        self._positions: dict[str, dict[str, int]] = {}
        self._dirty = False
        self.clock = WorldClock("1970-01-01T00:00:00Z")

    @staticmethod
    def handles(method: str, rest: str) -> bool:
        """Whether ``rest`` (the path after ``/services/data/vXX.X``) is a write served here."""
        return method == "PATCH" and (rest.rstrip("/") == "/composite/sobjects"
                                      or re.fullmatch(r"/sobjects/\w+/\w+/?", rest) is not None)

    def loaded(self, world: World) -> None:
        with self._lock:
            if world is self._world:
                return
            self._base, self._world, self._positions = world, None, {}
            self._dirty = False
            self.clock = WorldClock(world.clock)

    def settle(self, request: Request) -> None:
        """Rebuild the read state once after writes, before the next read."""
        if not self._dirty or request.method == "PATCH":
            return
        with self._lock:
            if self._dirty and self._world is not None:
                self._reload(self._world)
                self._dirty = False

    def handle(self, request: Request, rest: str, state: Any) -> Response:
        try:
            body = request.json()
        except (ValueError, UnicodeDecodeError) as exc:
            return _request_error(400, "JSON_PARSER_ERROR", f"Unexpected character: {exc}")
        if rest.rstrip("/") == "/composite/sobjects":
            return self._collection(body, state)
        _, _, sobject, record_id = rest.rstrip("/").split("/")
        if not isinstance(body, dict):
            return _request_error(400, "JSON_PARSER_ERROR",
                                  "Cannot deserialize instance of sObject from a non-object")
        obj = state.objects.get(sobject.lower())
        if obj is None:
            return _request_error(404, "NOT_FOUND", "The requested resource does not exist")
        with self._lock:
            errors = self._check(state, obj, record_id, body)
            if errors is None:
                return _request_error(404, "NOT_FOUND", "The requested resource does not exist")
            if errors:
                first = errors[0]
                status = 404 if first["statusCode"] == "ENTITY_IS_DELETED" else 400
                return Response.json(status, [{"message": e["message"],
                                               "errorCode": e["statusCode"],
                                               "fields": e["fields"]} for e in errors])
            self._write(state, obj, record_id, body)
        return Response(204)

    def _collection(self, body: Any, state: Any) -> Response:
        if not isinstance(body, dict) or not isinstance(body.get("records"), list):
            return _request_error(400, "JSON_PARSER_ERROR",
                                  "The request body needs a records list")
        records = body["records"]
        if len(records) > COLLECTION_MAX:
            return _request_error(400, "EXCEEDED_ID_LIMIT", "record limit reached. cannot submit "
                                  f"more than {COLLECTION_MAX} records into this call")
        all_or_none = bool(body.get("allOrNone", False))
        with self._lock:
            checked: list[tuple[Any, str, dict[str, Any], list[Error]]] = []
            for record in records:
                record = record if isinstance(record, dict) else {}
                sobject = (record.get("attributes") or {}).get("type")
                record_id = str(record.get("id") or record.get("Id") or "")
                values = {k: v for k, v in record.items() if k not in ("attributes", "id", "Id")}
                obj = state.objects.get(str(sobject).lower()) if sobject else None
                if obj is None:
                    errors = [_error("INVALID_TYPE", f"sObject type '{sobject}' is not supported. "
                                     "Each record needs attributes.type naming its object.")]
                else:
                    found = self._check(state, obj, record_id, values)
                    errors = found if found is not None else [_error(
                        "INVALID_CROSS_REFERENCE_KEY", "invalid cross reference id")]
                checked.append((obj, record_id, values, errors))
            failed = any(errors for *_, errors in checked)
            results = []
            for obj, record_id, values, errors in checked:
                if errors:
                    results.append({"id": record_id or None, "success": False, "errors": errors})
                elif all_or_none and failed:
                    results.append({"id": record_id, "success": False,
                                    "errors": [_error(*ROLLED_BACK)]})
                else:
                    self._write(state, obj, record_id, values)
                    results.append({"id": record_id, "success": True, "errors": []})
        return Response.json(200, results)

    def _check(self, state: Any, obj: Any, record_id: str,
               values: dict[str, Any]) -> list[Error] | None:
        """The errors of one update, [] when it can be applied, None when no record has that
        id (the caller words that per resource)."""
        prefix = obj.describe.get("keyPrefix")
        if not _ID.fullmatch(record_id) or (prefix and not record_id.startswith(prefix)):
            return [_error("MALFORMED_ID", f"{obj.name} ID: id value of incorrect type: "
                           f"{record_id}", ["Id"])]
        row = obj.by_id.get(record_id)
        if row is None and len(record_id) == 15:
            row = next((r for i, r in obj.by_id.items() if i[:15] == record_id), None)
        if row is None:
            return None
        if row.get("IsDeleted"):
            return [_error("ENTITY_IS_DELETED", "entity is deleted")]
        if obj.name == "Lead" and row.get("IsConverted"):
            return [_error("CANNOT_UPDATE_CONVERTED_LEAD", "cannot reference converted lead")]
        fields = {f["name"].lower(): f for f in obj.describe["fields"]}
        errors = []
        for name, value in values.items():
            field = fields.get(name.lower())
            if field is None:
                errors.append(_error("INVALID_FIELD", f"No such column '{name}' on sobject of "
                                     f"type {obj.name}"))
                continue
            canonical = field["name"]
            if (canonical in NOT_UPDATEABLE or field.get("calculated") or field["type"] == "id"
                    or field.get("updateable") is False):
                errors.append(_error(
                    "INVALID_FIELD_FOR_INSERT_UPDATE", f"Unable to create/update fields: "
                    f"{canonical}. Please check the security settings of this field and verify "
                    "that it is read/write for your profile or permission set.", [canonical]))
                continue
            problem = _value_problem(field, value)
            if problem is not None:
                errors.append(_error(problem[0], problem[1], [canonical]))
        return errors

    def _write(self, state: Any, obj: Any, record_id: str, values: dict[str, Any]) -> None:
        """Apply checked ``values``; holds the lock."""
        fields = {f["name"].lower(): f for f in obj.describe["fields"]}
        world = self._own()
        rows = world.salesforce["objects"][obj.name]
        positions = self._positions.get(obj.name)
        if positions is None:
            positions = self._positions[obj.name] = {r["Id"]: i for i, r in enumerate(rows)}
        at = positions.get(record_id)
        if at is None:  # a 15-character id: the row's own 18-character one
            at = next(i for full, i in positions.items() if full[:15] == record_id)
        stamp = _salesforce_datetime(self.clock.now_ms())
        changes = {fields[k.lower()]["name"]: _stored(fields[k.lower()], v)
                   for k, v in values.items()}
        rows[at] = {**rows[at], **changes, "LastModifiedDate": stamp, "SystemModstamp": stamp,
                    "LastModifiedById": state.user_id}
        self._dirty = True

    def _own(self) -> World:
        if self._world is None:
            base = self._base
            assert base is not None
            objects = {name: list(rows)
                       for name, rows in base.salesforce.get("objects", {}).items()}
            self._world = World(clock=base.clock, hubspot=base.hubspot,
                                salesforce={**base.salesforce, "objects": objects},
                                generator=base.generator)
        return self._world


def _value_problem(field: dict[str, Any], value: Any) -> tuple[str, str] | None:
    name, kind = field["name"], field["type"]
    if value is None or value == "":
        if field.get("nillable") is False and kind != "boolean":
            return "REQUIRED_FIELD_MISSING", f"Required fields are missing: [{name}]"
        return None
    wrong = ("INVALID_TYPE_ON_FIELD_IN_RECORD", f"{name}: value not of required type: {value}")
    if kind == "boolean":
        return None if isinstance(value, bool) or str(value).lower() in ("true", "false") \
            else wrong
    if kind in _NUMBER_TYPES:
        try:
            number = float(value)
        except (TypeError, ValueError):
            return wrong
        if kind in ("int", "long") and not number.is_integer():
            return wrong
        return None
    if kind == "date":
        try:
            date.fromisoformat(str(value))
        except ValueError:
            return wrong
        return None
    if kind == "datetime":
        return None if _parse_datetime(value) is not None else wrong
    if not isinstance(value, str):
        return wrong
    length = int(field.get("length") or 0)
    if kind in soql.TEXT_TYPES and length and len(value) > length:
        return ("STRING_TOO_LONG", f"{field.get('label', name)}: data value too large: "
                f"{value[:40]} (max length={length})")
    if kind in ("picklist", "multipicklist") and field.get("restrictedPicklist"):
        allowed = {p.get("value") for p in field.get("picklistValues", []) if p.get("active", 1)}
        chosen = value.split(";") if kind == "multipicklist" else [value]
        if any(c not in allowed for c in chosen):
            return ("INVALID_OR_NULL_FOR_RESTRICTED_PICKLIST",
                    f"{field.get('label', name)}: bad value for restricted picklist field: {value}")
    return None


def _stored(field: dict[str, Any], value: Any) -> Any:
    """A written value as queries return it: no empty strings, datetimes as Salesforce writes."""
    kind = field["type"]
    if value is None or value == "":
        return None
    if kind == "boolean":
        return value if isinstance(value, bool) else str(value).lower() == "true"
    if kind in ("int", "long"):
        return int(float(value))
    if kind in _NUMBER_TYPES:
        return float(value)
    if kind == "datetime":
        parsed = _parse_datetime(value)
        assert parsed is not None
        return _salesforce_datetime(int(parsed.timestamp() * 1000))
    return value


def _parse_datetime(value: Any) -> datetime | None:
    text = str(value)
    if re.fullmatch(r".*[+-]\d{4}", text):  # Salesforce's +0000 form
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _salesforce_datetime(ms: int) -> str:
    stamp = datetime.fromtimestamp(ms / 1000, UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{ms % 1000:03d}+0000"


def _error(code: str, message: str, fields: list[str] | None = None) -> Error:
    return {"statusCode": code, "message": message, "fields": fields or []}


def _request_error(status: int, code: str, message: str) -> Response:
    return Response.json(status, [{"message": message, "errorCode": code}])
