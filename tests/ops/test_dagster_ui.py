"""The Dagster UI as a person opens it: `dagster-webserver -w workspace.yaml`, asked through its
GraphQL API and rendered in headless Chromium (Debian's `chromium`; `./run test` installs it)."""

from __future__ import annotations

import json
import os
import shutil
import socket
import struct
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import dagster as dg
import pytest
import requests

from pipelines.paths import REPO_ROOT
from tests.ops.conftest import PUBLISHED, mart_keys, write_marts
from tests.pipelines.conftest import load_definitions
from tests.pipelines.test_definitions import CREDENTIALS

pytestmark = pytest.mark.slow

ARTIFACTS = REPO_ROOT / "artifacts"
# The asset graph from the sources to the BI copy: every layer of the pipeline in one view.
GRAPH_PAGE = "/assets/bi/published_marts?view=lineage&lineageScope=upstream&lineageDepth=20"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run",
                  "--window-size=1400,900", "--virtual-time-budget=15000"]
# No telemetry from tests, and no "join the community" dialog over the page being screenshot.
DAGSTER_YAML = "telemetry:\n  enabled: false\nnux:\n  enabled: false\n"


@dataclass(frozen=True)
class Webserver:
    url: str
    published_run_id: str
    published_tables: int
    published_path: Path

    def graphql(self, query: str, **variables: Any) -> dict[str, Any]:
        response = requests.post(f"{self.url}/graphql", timeout=30,
                                 json={"query": query, "variables": variables})
        response.raise_for_status()
        body = response.json()
        assert "errors" not in body, body["errors"]
        return body["data"]


@pytest.fixture(scope="module")
def webserver(tmp_path_factory: pytest.TempPathFactory, built_marts: Path) -> Iterator[Webserver]:
    home = tmp_path_factory.mktemp("dagster_home")
    (home / "dagster.yaml").write_text(DAGSTER_YAML)
    shutil.copy(built_marts, home / "warehouse.duckdb")
    env = {**CREDENTIALS, "DAGSTER_HOME": str(home),
           "SAMEPAGE_WAREHOUSE": str(home / "warehouse.duckdb"),
           "SAMEPAGE_BI_WAREHOUSE": str(home / "bi.duckdb"),
           "SAMEPAGE_DIGEST_DIR": str(home / "digest")}
    with pytest.MonkeyPatch.context() as patch:
        for name, value in env.items():
            patch.setenv(name, value)
        with dg.DagsterInstance.get() as instance:  # the digest of the real marts, in the UI
            assert load_definitions().resolve_job_def("weekly_digest").execute_in_process(
                instance=instance).success
        run_id, tables = publish_stand_in_marts(home / "warehouse.duckdb")
    port = _free_port()
    log_path = home / "webserver.log"
    with log_path.open("w") as log:
        server = subprocess.Popen(
            [str(Path(sys.executable).parent / "dagster-webserver"), "-w", "workspace.yaml",
             "-h", "127.0.0.1", "-p", str(port)],
            cwd=REPO_ROOT, env={**os.environ, **env}, stdout=log, stderr=subprocess.STDOUT)
    try:
        running = Webserver(f"http://127.0.0.1:{port}", run_id, tables, home / "bi.duckdb")
        _wait_until_loaded(running, server, log_path)
        yield running
    finally:
        server.terminate()
        try:
            server.wait(timeout=20)
        except subprocess.TimeoutExpired:
            server.kill()


def publish_stand_in_marts(warehouse: Path) -> tuple[str, int]:
    """Materialize `bi/published_marts` in this DAGSTER_HOME, so the UI has metadata to show."""
    defs = load_definitions()
    marts = mart_keys(defs)
    write_marts(warehouse, "ui-test", {key.path[-1]: 3 for key in marts})
    with dg.DagsterInstance.get() as instance:
        result = defs.resolve_job_def("nightly").execute_in_process(
            instance=instance, asset_selection=[PUBLISHED])
    return result.run_id, len(marts)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _wait_until_loaded(server: Webserver, process: subprocess.Popen, log: Path) -> None:
    query = """{ workspaceOrError { ... on Workspace { locationEntries {
        name loadStatus locationOrLoadError { __typename ... on PythonError { message } } } } } }"""
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"dagster-webserver exited:\n{log.read_text()[-3000:]}")
        try:
            entries = server.graphql(query)["workspaceOrError"]["locationEntries"]
        except requests.RequestException:
            entries = []
        for entry in entries:
            loaded = entry["locationOrLoadError"] or {}
            if loaded.get("__typename") == "PythonError":
                pytest.fail(f"code location {entry['name']} failed to load: {loaded['message']}")
            if entry["loadStatus"] == "LOADED" and loaded.get("__typename"):
                return
        time.sleep(0.5)
    pytest.fail("dagster-webserver did not load the workspace in 120 s:\n"
                f"{log.read_text()[-3000:]}")


def test_graphql_shows_the_asset_graph_jobs_schedule_and_sensors(webserver):
    nodes = webserver.graphql("{ assetNodes { assetKey { path } dependencyKeys { path } } }")
    keys = {"/".join(node["assetKey"]["path"]) for node in nodes["assetNodes"]}
    assert {"raw_hubspot/contacts", "raw_salesforce/lead", "marts/dim_people",
            "bi/published_marts"} <= keys
    upstream = {"/".join(node["assetKey"]["path"]): {"/".join(dep["path"])
                                                     for dep in node["dependencyKeys"]}
                for node in nodes["assetNodes"]}
    assert "marts/dim_people" in upstream["bi/published_marts"]

    repositories = webserver.graphql("""{ repositoriesOrError { ... on RepositoryConnection {
        nodes { location { name } jobs { name }
                schedules { name cronSchedule scheduleState { status } }
                sensors { name sensorState { status } } } } } }""")
    [repository] = repositories["repositoriesOrError"]["nodes"]
    assert repository["location"]["name"] == "samepage"
    assert "nightly" in {job["name"] for job in repository["jobs"]}
    schedules = {s["name"]: s for s in repository["schedules"]}
    assert schedules["nightly_schedule"]["scheduleState"]["status"] == "RUNNING"
    sensors = {s["name"]: s["sensorState"]["status"] for s in repository["sensors"]}
    assert sensors["run_failure_alert"] == sensors["failed_check_alert"] == "RUNNING"


def materialization_metadata(webserver: Webserver, key: list[str]) -> tuple[str, dict[str, Any]]:
    """The latest materialization's run id and metadata (label -> value) as the UI reads them."""
    data = webserver.graphql("""query ($path: [String!]!) {
        assetOrError(assetKey: {path: $path}) { ... on Asset { assetMaterializations(limit: 1) {
            runId metadataEntries { label __typename
                ... on IntMetadataEntry { intValue } ... on BoolMetadataEntry { boolValue }
                ... on PathMetadataEntry { path } ... on JsonMetadataEntry { jsonString }
                ... on TextMetadataEntry { text } ... on MarkdownMetadataEntry { mdStr }
        } } } } }""", path=key)
    [materialization] = data["assetOrError"]["assetMaterializations"]
    values = {}
    for entry in materialization["metadataEntries"]:
        label = entry.pop("label")
        entry.pop("__typename")
        values[label] = next(iter(entry.values()), None)
    return materialization["runId"], values


def test_graphql_serves_the_materialization_metadata(webserver):
    run_id, metadata = materialization_metadata(webserver, PUBLISHED.path)
    assert run_id == webserver.published_run_id
    assert metadata["published"] is True
    assert metadata["tables"] == webserver.published_tables
    assert metadata["path"] == str(webserver.published_path)
    assert json.loads(metadata["row_counts"])["dim_people"] == 3


def test_graphql_serves_the_digest_in_the_assets_metadata(webserver):
    _, metadata = materialization_metadata(webserver, ["digest", "weekly_digest"])
    assert metadata["digest"].startswith(f"# samepage weekly digest {metadata['week']}")
    assert "## Funnel" in metadata["digest"]
    assert metadata["html_path"].endswith(".html")


def _chromium() -> str:
    chromium = shutil.which("chromium")
    if chromium is None:
        message = ("Debian's `chromium` is not installed: `./run test` installs it with apt-get "
                   "(needs root or password-less sudo), or run `apt-get install -y chromium`")
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return chromium


def test_the_asset_graph_renders_in_headless_chromium(webserver, tmp_path):
    chromium = _chromium()
    page = webserver.url + GRAPH_PAGE
    dom = subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'dom'}",
                          "--dump-dom", page],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    # the rendered graph names every layer, from the raw tables to the BI copy
    for name in ("contacts", "lead", "dim_people", "published_marts"):
        assert f">{name}<" in dom, f"{name} is not on the rendered asset graph page"

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "dagster_asset_graph.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run([chromium, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'shot'}",
                    f"--screenshot={screenshot}", page],
                   capture_output=True, timeout=120, check=True)
    png = screenshot.read_bytes()
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    assert struct.unpack(">II", png[16:24]) == (1400, 900)
    # a blank or still-loading page compresses to a few kilobytes; the drawn graph does not
    assert len(png) > 40_000, f"{screenshot} is only {len(png)} bytes"
