"""The fields samepage may write (``vars.samepage_writeback`` in dbt_project.yml), checked.

The list is data beside the agreed definitions, validated by ``$defs/writeback`` of
``definitions.schema.json``; samepage writes no field that is not listed, and a field of the tool's
own (not named samepage_* / Samepage_*__c) only when the entry says ``tool_native: true``.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pipelines.agreed_definitions import PROJECT_FILE, SCHEMA_FILE

HUBSPOT_GROUP = "samepage"
HUBSPOT_GROUP_LABEL = "samepage (agreed definitions)"
# Text lengths of samepage's Salesforce text fields (the values are short codes and ids,
# reasons are Salesforce picklist texts: at most 255).
_TEXT_LENGTHS = {"agreed_stage": 40, "sla_status": 20, "rejection_reason": 255,
                 "person_id": 64, "definitions_version": 64}


class WritebackFieldsError(ValueError):
    """vars.samepage_writeback is not valid; the message has one line per problem."""


@dataclass(frozen=True)
class WritebackField:
    tool: str  # hubspot | salesforce
    object_type: str  # contacts | Lead | Contact
    field: str  # the field's API name in the tool
    column: str  # the agreed answer it takes (a value column of the plan)
    owner: str
    tool_native: bool = False

    @property
    def is_datetime(self) -> bool:
        return self.column.endswith("_at")

    @property
    def label(self) -> str:
        return "samepage " + self.column.replace("_", " ")

    def hubspot_definition(self) -> dict[str, Any]:
        """The property as HubSpot's properties API creates it, in the samepage group."""
        kind = ({"type": "datetime", "fieldType": "date"} if self.is_datetime
                else {"type": "string", "fieldType": "text"})
        return {"name": self.field, "label": self.label, "groupName": HUBSPOT_GROUP,
                "description": f"Written by samepage from the agreed definitions ({self.column}); "
                               "do not edit, the next nightly puts it back.", **kind}

    def salesforce_metadata(self) -> str:
        """The field as a Metadata API CustomField file (``<Field>.field-meta.xml``)."""
        kind = ("    <type>DateTime</type>\n" if self.is_datetime else
                f"    <type>Text</type>\n    <length>{_TEXT_LENGTHS[self.column]}</length>\n")
        return ('<?xml version="1.0" encoding="UTF-8"?>\n'
                '<CustomField xmlns="http://soap.sforce.com/2006/04/metadata">\n'
                f"    <fullName>{self.field}</fullName>\n"
                f"    <label>{self.label}</label>\n"
                f"    <description>Written by samepage ({self.column}).</description>\n"
                f"{kind}"
                "    <required>false</required>\n"
                "    <externalId>false</externalId>\n"
                "</CustomField>\n")


def writeback_fields(project_file: Path | None = None) -> list[WritebackField]:
    """The listed fields, or ``WritebackFieldsError`` naming every bad entry."""
    project = yaml.safe_load((project_file or PROJECT_FILE).read_text())
    entries = (project.get("vars") or {}).get("samepage_writeback") or []
    schema = json.loads(SCHEMA_FILE.read_text())
    validator = jsonschema.Draft202012Validator(
        {"$defs": schema["$defs"], "$ref": "#/$defs/writeback"})
    problems = [f"samepage_writeback entry {'.'.join(map(str, error.absolute_path)) or '(list)'}"
                f": {_entry_text(entries, error)} is not allowed ({error.message})"
                for error in validator.iter_errors(entries)]
    if problems:
        raise WritebackFieldsError("\n".join(dict.fromkeys(problems)))
    fields = [WritebackField(tool=e["tool"], object_type=e["object"], field=e["field"],
                             column=e["column"], owner=e["owner"],
                             tool_native=e.get("tool_native", False)) for e in entries]
    seen: set[tuple[str, str, str]] = set()
    for f in fields:
        key = (f.tool, f.object_type, f.field.lower())
        if key in seen:
            raise WritebackFieldsError(
                f"samepage_writeback lists {f.tool} {f.object_type}.{f.field} twice")
        seen.add(key)
    return fields


def _entry_text(entries: list[Any], error: jsonschema.ValidationError) -> str:
    path = list(error.absolute_path)
    return json.dumps(entries[path[0]]) if path else "the list"
