"""The agreed definitions (`vars.samepage_definitions` in dbt_project.yml), checked before builds.

``dbt_project/definitions.schema.json`` says, per definition, what its value may be; an entry the
schema does not name is refused, so a definition is added to both files together. Run
``python -m pipelines.agreed_definitions`` to check the file by hand.
"""

from __future__ import annotations

import copy
import json
import re
import sys
import zoneinfo
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

import jsonschema
import yaml

from pipelines.paths import DBT_PROJECT_DIR

PROJECT_FILE = DBT_PROJECT_DIR / "dbt_project.yml"
SCHEMA_FILE = DBT_PROJECT_DIR / "definitions.schema.json"

Definitions = dict[str, dict[str, Any]]


class DefinitionsError(ValueError):
    """One or more definitions are not allowed; the message has one line per problem."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("the agreed definitions are not valid:\n" +
                         "\n".join(f"  - {problem}" for problem in problems))
        self.problems = problems


def load_definitions(project_file: Path | None = None) -> Definitions:
    """The entries of ``vars.samepage_definitions`` as written in the file."""
    project = yaml.safe_load((project_file or PROJECT_FILE).read_text())
    return (project.get("vars") or {}).get("samepage_definitions") or {}


def checked_definitions(overrides: Mapping[str, Any] | None = None,
                        definitions: Definitions | None = None) -> Definitions:
    """The definitions in force (the file's, with ``overrides`` as dbt ``--vars`` would apply
    them), or ``DefinitionsError`` naming every definition, its value and what is allowed."""
    definitions = load_definitions() if definitions is None else definitions
    effective = copy.deepcopy(definitions)
    problems = []
    for name, value in (overrides or {}).items():
        if name not in effective:
            problems.append(f"unknown definition {name!r}: the definitions are "
                            f"{', '.join(sorted(effective))}")
        elif isinstance(effective[name], dict):
            effective[name]["value"] = value
    schema = _schema()
    validator = jsonschema.Draft202012Validator(schema, format_checker=_FORMATS)
    errors = sorted(validator.iter_errors(effective), key=lambda e: list(e.absolute_path))
    problems.extend(dict.fromkeys(_describe(error, effective, schema) for error in errors))
    if not problems:
        problems.extend(_cross_checks(effective))
    if problems:
        raise DefinitionsError(problems)
    return effective


def _cross_checks(definitions: Definitions) -> list[str]:
    """What one value's schema cannot say about another's (or a list's items about each other)."""
    problems = []
    on_track = definitions["goal_on_track_pace"]["value"]
    at_risk = definitions["goal_at_risk_pace"]["value"]
    if at_risk > on_track:
        problems.append(f"definition goal_at_risk_pace = {at_risk} is above goal_on_track_pace = "
                        f"{on_track}; allowed: at most goal_on_track_pace")
    names = [kpi["kpi"] for kpi in definitions["goal_kpis"]["value"]]
    repeated = sorted({name for name in names if names.count(name) > 1})
    if repeated:
        problems.append(f"definition goal_kpis names {', '.join(repeated)} more than once; "
                        "allowed: each KPI once")
    return problems


@dataclass(frozen=True)
class GoalKpi:
    """One KPI of the catalogue (definition goal_kpis): what the scorecard, the digest, the
    semantic layer and the goal tests all read, in this order."""

    name: str
    kind: str  # count, amount or rate
    unit: str  # people, opportunities, currency or share
    description: str
    stage: str | None = None  # the agreed stage it counts reaching: the funnel forecast's

    @property
    def is_rate(self) -> bool:
        """A share of the period's MQLs: not prorated and not summed over days."""
        return self.kind == "rate"


def goal_kpis(definitions: Definitions | None = None) -> tuple[GoalKpi, ...]:
    """The KPI catalogue in reading order, from the checked definitions (the file's by default)."""
    if definitions is None:
        return _goal_kpis_in_file()
    return tuple(GoalKpi(entry["kpi"], entry["kind"], entry["unit"], entry["description"],
                         entry.get("stage"))
                 for entry in definitions["goal_kpis"]["value"])


@cache
def _goal_kpis_in_file() -> tuple[GoalKpi, ...]:
    # read once per process: the digest formats every number through it
    return goal_kpis(checked_definitions())


_FORMATS = jsonschema.FormatChecker(formats=())


@_FORMATS.checks("iana-time-zone")
def _is_time_zone(value: object) -> bool:
    return not isinstance(value, str) or value in zoneinfo.available_timezones()


@cache
def _schema() -> dict[str, Any]:
    return json.loads(SCHEMA_FILE.read_text())


def _describe(error: jsonschema.ValidationError, definitions: Definitions,
              schema: dict[str, Any]) -> str:
    path = list(error.absolute_path)
    schema_file = SCHEMA_FILE.relative_to(DBT_PROJECT_DIR.parent)
    if not path:
        if error.validator == "additionalProperties":
            unknown = sorted(name for name in error.instance if name not in schema["properties"]
                             and not any(re.search(pattern, name)
                                         for pattern in schema["patternProperties"]))
            return (f"definition {', '.join(unknown)} is not in {schema_file}: add it there "
                    "with the values it allows")
        return f"{error.message} (see {schema_file})"
    name = path[0]
    if len(path) >= 2 and path[1] == "value":
        value = json.dumps(definitions[name]["value"])
        allowed = _value_schema(schema, name).get("description", f"see {schema_file}")
        return f"definition {name} = {value} is not allowed; allowed: {allowed}"
    where = ".".join(str(part) for part in path[1:])
    return f"definition {name}{' ' + where if where else ''}: {error.message}"


def _value_schema(schema: dict[str, Any], name: str) -> dict[str, Any]:
    """The subschema of ``name``'s value, following ``$ref`` to ``#/$defs/...``."""
    node = schema["properties"].get(name) or schema["$defs"]["rule"]
    while not isinstance(node.get("properties", {}).get("value"), dict):
        node = schema["$defs"][node["$ref"].rsplit("/", 1)[1]]
    return node["properties"]["value"]


if __name__ == "__main__":
    try:
        checked_definitions()
    except DefinitionsError as exc:
        print(exc, file=sys.stderr)
        sys.exit(1)
    print(f"{PROJECT_FILE.name}: the agreed definitions match {SCHEMA_FILE.name}")
