"""The world a sandbox serves: records exactly as the APIs return them, plus metadata.

A world is plain JSON so a test can write a small one by hand (see ``sandbox/README.md``).
Generated worlds also carry their generator parameters, so ``advance`` can move them forward.
A world read from a file is checked before it is served: a record the servers cannot read
would otherwise surface mid-run as an HTTP 500 far from its cause.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sandbox import soql

FORMAT = "samepage-world/1"
MAX_PROBLEMS_SHOWN = 20

HUBSPOT_KEYS = ("contacts", "companies", "deals", "owners", "properties", "forms",
                "form_submissions", "email_events")


@dataclass
class World:
    clock: str  # the world's "now", ISO-8601 UTC with milliseconds, e.g. 2026-06-30T00:00:00.000Z
    hubspot: dict[str, Any] = field(default_factory=dict)
    salesforce: dict[str, Any] = field(default_factory=dict)
    # Generated worlds only: {"seed": int, "scale": int, "start": ISO}, so they can be advanced.
    generator: dict[str, Any] | None = None

    def hubspot_objects(self, object_type: str) -> list[dict[str, Any]]:
        return self.hubspot.get(object_type, [])

    def salesforce_records(self, sobject: str) -> list[dict[str, Any]]:
        return self.salesforce.get("objects", {}).get(sobject, [])

    def withholding(self, objects: Iterable[str] = (),
                    fields: Iterable[str] = ()) -> World:
        """The world as an integration user sees it whose profile cannot read ``objects`` and
        ``fields`` (``"Lead.Disqualification_Reason__c"``): describe leaves them out, so the
        server answers them as Salesforce does (``INVALID_TYPE`` / ``INVALID_FIELD``)."""
        hidden_objects, hidden_fields = set(objects), set(fields)
        describe = {
            name: {**declared, "fields": [f for f in declared.get("fields", [])
                                          if f"{name}.{f.get('name')}" not in hidden_fields]}
            for name, declared in self.salesforce.get("describe", {}).items()
            if name not in hidden_objects}
        return World(clock=self.clock, hubspot=self.hubspot, generator=self.generator,
                     salesforce={**self.salesforce, "describe": describe})

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT, "clock": self.clock,
                               "hubspot": self.hubspot, "salesforce": self.salesforce}
        if self.generator is not None:
            doc["generator"] = self.generator
        return doc

    @classmethod
    def from_json(cls, doc: Any, source: str = "world") -> World:
        """A world from its JSON document; ``WorldError`` lists every problem that would keep
        the servers from reading it, each located by ``source``, record and field."""
        if not isinstance(doc, dict) or doc.get("format") != FORMAT:
            found = doc.get("format") if isinstance(doc, dict) else type(doc).__name__
            raise WorldError(source, [f"not a samepage world: format is {found!r}, "
                                      f"expected {FORMAT!r}"])
        problems = list(world_problems(doc))
        if problems:
            raise WorldError(source, problems)
        return cls(clock=doc["clock"], hubspot=doc.get("hubspot", {}),
                   salesforce=doc.get("salesforce", {}), generator=doc.get("generator"))

    def save(self, path: Path) -> None:
        """Write canonical JSON: the same world always gives the same bytes."""
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("w", encoding="utf-8") as f:
            json.dump(self.to_json(), f, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
            f.write("\n")

    @classmethod
    def load(cls, path: Path) -> World:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise WorldError(str(path), [f"cannot be read: {exc}"]) from None
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise WorldError(str(path), [f"is not valid JSON: {exc.msg} at line {exc.lineno} "
                                         f"column {exc.colno}"]) from None
        return cls.from_json(doc, source=str(path))


class WorldError(ValueError):
    """A world the sandbox cannot serve, with every problem found (the first few shown)."""

    def __init__(self, source: str, problems: list[str]) -> None:
        shown = problems[:MAX_PROBLEMS_SHOWN]
        more = len(problems) - len(shown)
        lines = [f"{source}: {p}" for p in shown]
        if more:
            lines.append(f"{source}: ... and {more} more problem(s)")
        super().__init__("\n".join(lines))
        self.source = source
        self.problems = problems


# -- checks: the keys the servers rely on (sandbox/README.md) ----------------------------------

Check = Callable[[Any], str | None]  # a value -> what is wrong with it, or None
_NUMERIC_ID = re.compile(r"\d+")
_SALESFORCE_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
HUBSPOT_OBJECTS = ("contacts", "companies", "deals", "calls", "emails", "meetings", "tasks",
                   "notes")


def _iso_datetime(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            datetime.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not an ISO-8601 datetime (e.g. 2025-02-03T09:15:00.000Z)"


def _numeric_id(value: Any) -> str | None:
    if isinstance(value, str) and _NUMERIC_ID.fullmatch(value):
        return None
    return f"{value!r} is not a numeric string id (e.g. \"1001\")"


def _epoch_ms(value: Any) -> str | None:
    if isinstance(value, int) and not isinstance(value, bool):
        return None
    return f"{value!r} is not epoch milliseconds (an integer)"


def _present(value: Any) -> str | None:
    return None if value not in (None, "") else "is missing"


def _text(value: Any) -> str | None:
    return None if isinstance(value, str) and value else f"{value!r} is not a non-empty string"


def _salesforce_datetime(value: Any) -> str | None:
    if isinstance(value, str):
        try:
            soql.sort_key("datetime")(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a Salesforce datetime (e.g. 2025-02-03T09:15:00.000+0000)"


def _salesforce_date(value: Any) -> str | None:
    if isinstance(value, str) and _SALESFORCE_DATE.fullmatch(value):
        try:
            date.fromisoformat(value)
            return None
        except ValueError:
            pass
    return f"{value!r} is not a Salesforce date (YYYY-MM-DD)"


def _boolean(value: Any) -> str | None:
    return None if isinstance(value, bool) else f"{value!r} is not a JSON boolean"


def _number(value: Any) -> str | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return None
    return f"{value!r} is not a JSON number"


def _string(value: Any) -> str | None:
    return None if isinstance(value, str) else f"{value!r} is not a JSON string"


def _salesforce_check(field_type: str) -> Check | None:
    """How the server reads a non-null value of a describe type (see ``sandbox/soql.py``)."""
    if field_type == "datetime":
        return _salesforce_datetime
    if field_type == "date":
        return _salesforce_date
    if field_type == "boolean":
        return _boolean
    if field_type in soql.NUMBER_TYPES:
        return _number
    if field_type in soql.TEXT_TYPES or field_type in soql.ID_TYPES:
        return _string
    return None  # anyType (history values) and the like: served as stored


def world_problems(doc: dict[str, Any]) -> Iterator[str]:
    """Every problem that would keep the servers from reading the world, located."""
    if (problem := _iso_datetime(doc.get("clock"))) is not None:
        yield f"clock: {problem}"
    hubspot, salesforce = doc.get("hubspot", {}), doc.get("salesforce", {})
    if not isinstance(hubspot, dict) or not isinstance(salesforce, dict):
        yield "hubspot and salesforce must be JSON objects"
        return
    yield from _hubspot_problems(hubspot)
    yield from _salesforce_problems(salesforce)


def _records(where: str, value: Any) -> Iterator[tuple[str, dict[str, Any]]]:
    """(location, record) of each item of a list of records; a non-record is reported as such."""
    if not isinstance(value, list):
        yield where, {"__problem__": f"{where}: must be a list"}
        return
    for i, record in enumerate(value):
        yield f"{where}[{i}]", record if isinstance(record, dict) else {
            "__problem__": f"{where}[{i}]: {type(record).__name__} is not a record (an object)"}


def _fields(where: str, record: dict[str, Any], checks: dict[str, Check],
            key: str = "id") -> Iterator[str]:
    if "__problem__" in record:
        yield record["__problem__"]
        return
    label = f"{where} ({key} {record[key]!r})" if record.get(key) is not None else where
    for name, check in checks.items():
        problem = check(record.get(name))
        if problem is not None:
            yield f"{label}: {name}: {problem}"


def _hubspot_problems(hubspot: dict[str, Any]) -> Iterator[str]:
    record_checks = {"id": _numeric_id, "updatedAt": _iso_datetime}
    for object_type in HUBSPOT_OBJECTS:
        seen: set[str] = set()
        for where, record in _records(f"hubspot.{object_type}", hubspot.get(object_type, [])):
            yield from _fields(where, record, record_checks)
            if "__problem__" in record:
                continue
            label = f"{where} (id {record.get('id')!r})"
            if record.get("id") in seen:
                yield f"{label}: id: appears twice in hubspot.{object_type}"
            seen.add(record.get("id"))
            if record.get("createdAt") is not None and (p := _iso_datetime(record["createdAt"])):
                yield f"{label}: createdAt: {p}"
            properties = record.get("properties", {})
            if not isinstance(properties, dict):
                yield f"{label}: properties: must be an object of property name -> value"
                continue
            odd = next((k for k, v in properties.items()
                        if v is not None and not isinstance(v, str)), None)
            if odd is not None:
                yield (f"{label}: properties.{odd}: {properties[odd]!r} is not a string "
                       "(HubSpot sends every property value as a string or null)")
            for merged in (properties.get("hs_merged_object_ids") or "").split(";"):
                if merged.strip() and not merged.strip().isdigit():
                    yield (f"{label}: properties.hs_merged_object_ids: {merged!r} is not a "
                           "numeric id (ids are separated by ';')")
            for target, linked in (record.get("associations") or {}).items():
                results = linked.get("results") if isinstance(linked, dict) else None
                for i, link in enumerate(results if isinstance(results, list) else [None]):
                    if not isinstance(link, dict) or _numeric_id(link.get("id")):
                        yield (f"{label}: associations.{target}.results[{i}]: needs a numeric "
                               "string id and a type, e.g. {\"id\": \"501\", \"type\": "
                               "\"contact_to_company\"}")
    for where, owner in _records("hubspot.owners", hubspot.get("owners", [])):
        yield from _fields(where, owner, {"id": _present})
    properties = hubspot.get("properties", {})
    if not isinstance(properties, dict):
        yield "hubspot.properties: must be an object of object type -> property definitions"
    else:
        for object_type, definitions in properties.items():
            for where, definition in _records(f"hubspot.properties.{object_type}", definitions):
                yield from _fields(where, definition, {"name": _text, "type": _text}, "name")
    for where, form in _records("hubspot.forms", hubspot.get("forms", [])):
        yield from _fields(where, form, {"id": _present})
    submissions = hubspot.get("form_submissions", {})
    if not isinstance(submissions, dict):
        yield "hubspot.form_submissions: must be an object of form id -> submissions"
    else:
        for form_id, items in submissions.items():
            for where, item in _records(f"hubspot.form_submissions.{form_id}", items):
                yield from _fields(where, item, {"submittedAt": _epoch_ms}, "conversionId")
    for where, event in _records("hubspot.email_events", hubspot.get("email_events", [])):
        yield from _fields(where, event, {"created": _epoch_ms})


def _salesforce_problems(salesforce: dict[str, Any]) -> Iterator[str]:
    describes, objects = salesforce.get("describe", {}), salesforce.get("objects", {})
    if not isinstance(describes, dict) or not isinstance(objects, dict):
        yield "salesforce.describe and salesforce.objects must be objects keyed by object name"
        return
    for name, describe in describes.items():
        where = f"salesforce.describe.{name}"
        fields = describe.get("fields") if isinstance(describe, dict) else None
        if not isinstance(fields, list):
            yield f"{where}: needs a list of fields"
            continue
        checks: dict[str, Check] = {"Id": _text}
        for i, declared in enumerate(fields):
            if not isinstance(declared, dict) or not declared.get("name") or not declared.get(
                    "type"):
                yield f"{where}.fields[{i}]: every field needs a name and a type"
                continue
            check = _salesforce_check(declared["type"])
            if check is not None and declared["name"] != "Id":
                checks[declared["name"]] = _nullable(check)
        seen: set[str] = set()
        for record_where, record in _records(f"salesforce.objects.{name}", objects.get(name, [])):
            yield from _fields(record_where, record, checks, "Id")
            if "__problem__" not in record:
                if record.get("Id") in seen:
                    yield f"{record_where} (Id {record.get('Id')!r}): Id: appears twice"
                seen.add(record.get("Id"))


def _nullable(check: Check) -> Check:
    return lambda value: None if value is None else check(value)
