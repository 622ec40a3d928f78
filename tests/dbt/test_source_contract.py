"""Issue 13: one source contract. Each source fills the conformed contracts in its own folders,
and the spine (identity, people, lifecycle events, marts) reads only those: proven from dbt's
manifest, for every source enabled and for one source alone."""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path

import pytest

from tests.dbt.conftest import DBT, DBT_PROJECT

CONTRACTS = ("person_records", "record_merges", "lifecycle_evidence", "sales_touches",
             "opportunities", "opportunity_people", "campaigns", "campaign_touches",
             "opportunity_stage_changes", "account_records", "account_people",
             "owners")


def _parse(work: Path, sources: str | None) -> subprocess.CompletedProcess:
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(work / "unused.duckdb")}
    env.pop("SAMEPAGE_SOURCES", None)
    if sources is not None:
        env["SAMEPAGE_SOURCES"] = sources
    return subprocess.run(
        [str(DBT), "parse", "--project-dir", str(DBT_PROJECT), "--profiles-dir", str(DBT_PROJECT),
         "--target-path", str(work / "target"), "--log-path", str(work / "logs"),
         "--no-partial-parse", "--no-use-colors"],
        env=env, capture_output=True, text=True, check=False)


def _manifest(work: Path, sources: str | None = None) -> dict:
    result = _parse(work, sources)
    assert result.returncode == 0, result.stdout[-3000:]
    return json.loads((work / "target" / "manifest.json").read_text())


def _source_of(path: str) -> str | None:
    """The source whose folder holds a model (models/staging/<source>/, intermediate/<source>/)."""
    parts = Path(path).parts
    if len(parts) >= 3 and parts[0] in ("staging", "intermediate") and parts[1] in _sources():
        return parts[1]
    return None


def _sources() -> list[str]:
    return sorted(path.name for path in (DBT_PROJECT / "models" / "staging").iterdir()
                  if path.is_dir())


@pytest.fixture(scope="module")
def manifest(tmp_path_factory: pytest.TempPathFactory) -> dict:
    return _manifest(tmp_path_factory.mktemp("manifest-all"))


def _models(manifest: dict) -> dict[str, dict]:
    return {node["name"]: node for node in manifest["nodes"].values()
            if node["resource_type"] == "model"}


def test_the_spine_reads_no_staging_model(manifest: dict) -> None:
    models = _models(manifest)
    staging = {node["unique_id"] for node in models.values()
               if Path(node["original_file_path"]).parts[1] == "staging"}
    assert staging, "no staging models found"
    offenders = {}
    for node in models.values():
        own_source = _source_of(str(Path(*Path(node["original_file_path"]).parts[1:])))
        if own_source is not None:
            continue
        named = sorted(parent.split(".")[-1] for parent in node["depends_on"]["nodes"]
                       if parent in staging)
        if named:
            offenders[node["name"]] = named
    assert offenders == {}


def test_a_source_reads_only_its_own_staging(manifest: dict) -> None:
    models = _models(manifest)
    folder = {node["unique_id"]: _source_of(str(Path(*Path(node["original_file_path"]).parts[1:])))
              for node in models.values()}
    crossing = {node["name"]: parent.split(".")[-1]
                for node in models.values() if folder[node["unique_id"]]
                for parent in node["depends_on"]["nodes"]
                if folder.get(parent) not in (None, folder[node["unique_id"]])}
    assert crossing == {}


def test_every_source_fills_every_contract_alike(manifest: dict) -> None:
    models = _models(manifest)
    conformed = sorted(path.name for path in (DBT_PROJECT / "models" / "intermediate").iterdir()
                       if (path / f"int_{path.name}__person_records.sql").exists())
    assert conformed == _sources() and len(conformed) >= 2
    for contract in CONTRACTS:
        shapes = {}
        for source in _sources():
            node = models[f"int_{source}__{contract}"]
            assert Path(node["original_file_path"]).parts[:3] == ("models", "intermediate", source)
            assert node["config"]["contract"]["enforced"], node["name"]
            shapes[source] = [(name, column["data_type"])
                              for name, column in node["columns"].items()]
        first = shapes[_sources()[0]]
        assert first and all(shape == first for shape in shapes.values()), (contract, shapes)


def test_one_source_alone_builds_only_its_own_models(tmp_path: Path) -> None:
    manifest = _manifest(tmp_path, "Salesforce")
    enabled = _models(manifest)
    assert "int_salesforce__person_records" in enabled
    assert not [name for name in enabled if "hubspot" in name]
    assert not [source for source in manifest["sources"].values()
                if source["source_name"] == "raw_hubspot"]
    spine = enabled["int_people__source_records"]["depends_on"]["nodes"]
    assert spine == ["model.samepage.int_salesforce__person_records"]


def test_an_unknown_source_is_refused_by_name(tmp_path: Path) -> None:
    result = _parse(tmp_path, "hubspot,marketo")
    assert result.returncode != 0
    assert "SAMEPAGE_SOURCES names an unknown source 'marketo'" in result.stdout
