"""dbt's unit tests run once in the suite, in the shared full build; other builds leave them out."""

from __future__ import annotations

import json
from pathlib import Path


def test_every_unit_test_of_the_project_ran_in_the_shared_build_and_passed(
        built_warehouse: Path) -> None:
    target = built_warehouse.parent / "target"
    declared = set(json.loads((target / "manifest.json").read_text())["unit_tests"])
    results = json.loads((target / "run_results.json").read_text())["results"]
    ran = {r["unique_id"]: r["status"] for r in results if r["unique_id"] in declared}
    assert declared, "the project declares unit tests"
    assert set(ran) == declared, f"not run: {sorted(declared - set(ran))[:10]}"
    assert {uid: status for uid, status in ran.items() if status != "pass"} == {}
