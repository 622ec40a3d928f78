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


PERMISSION_SET = "Samepage_Writeback"


def salesforce_package(fields: list[WritebackField], directory: Path) -> Path:
    """A Salesforce DX project an admin deploys (``sf project deploy start --source-dir
    force-app`` in ``directory``): the missing custom fields, and a permission set
    ``Samepage_Writeback`` giving the integration user read and edit access to them."""
    source = directory / "force-app" / "main" / "default"
    for f in fields:
        path = source / "objects" / f.object_type / "fields" / f"{f.field}.field-meta.xml"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f.salesforce_metadata())
    grants = "".join(f"    <fieldPermissions>\n        <editable>true</editable>\n"
                     f"        <field>{f.object_type}.{f.field}</field>\n"
                     f"        <readable>true</readable>\n    </fieldPermissions>\n"
                     for f in fields)
    permission_set = source / "permissionsets" / f"{PERMISSION_SET}.permissionset-meta.xml"
    permission_set.parent.mkdir(parents=True, exist_ok=True)
    permission_set.write_text('<?xml version="1.0" encoding="UTF-8"?>\n'
                              '<PermissionSet xmlns="http://soap.sforce.com/2006/04/metadata">\n'
                              f"    <label>samepage write-back</label>\n{grants}"
                              "</PermissionSet>\n")
    (directory / "sfdx-project.json").write_text(json.dumps({
        "packageDirectories": [{"path": "force-app", "default": True}],
        "sourceApiVersion": "62.0"}, indent=2) + "\n")
    return directory


def missing_fields_text(fields: list[WritebackField], package: Path | None) -> str:
    """What to tell an admin about fields samepage could not write."""
    names = ", ".join(f"{f.tool} {f.object_type}.{f.field}" for f in fields)
    text = f"samepage_writeback fields missing in the tools (not written): {names}."
    if package is not None:
        text += (f" Salesforce custom fields to deploy (with permission set {PERMISSION_SET}): "
                 f"cd {package} && sf project deploy start --source-dir force-app, then assign "
                 f"the permission set to the integration user.")
    if any(f.tool == "hubspot" for f in fields):
        text += (" HubSpot: give the private app the scope crm.schemas.contacts.write so samepage "
                 "creates its properties, or create them in the property group samepage.")
    return text
