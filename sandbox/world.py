"""The world a sandbox serves: records exactly as the APIs return them, plus metadata.

A world is plain JSON so a test can write a small one by hand (see ``sandbox/README.md``).
Generated worlds also carry their generator parameters, so ``advance`` can move them forward.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

FORMAT = "samepage-world/1"

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

    def to_json(self) -> dict[str, Any]:
        doc: dict[str, Any] = {"format": FORMAT, "clock": self.clock,
                               "hubspot": self.hubspot, "salesforce": self.salesforce}
        if self.generator is not None:
            doc["generator"] = self.generator
        return doc

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> World:
        if doc.get("format") != FORMAT:
            raise ValueError(f"not a samepage world: format is {doc.get('format')!r}, "
                             f"expected {FORMAT!r}")
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
        with path.open(encoding="utf-8") as f:
            return cls.from_json(json.load(f))
