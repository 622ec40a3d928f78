"""The dbt project as Dagster assets; dbt tests surface as asset checks."""

import functools
from pathlib import Path

import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines import settings
from pipelines.agreed_definitions import DefinitionsError, checked_definitions
from pipelines.defs.resources import dbt_executable
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.settings import warehouse_pool


def enabled_dbt_project() -> DbtProject:
    """The dbt project as dbt parses it with the sources SAMEPAGE_SOURCES enables (dbt reads the
    variable too, from this environment), its manifest current.

    A disabled source's models, sources and tests are not in that manifest, so they are not
    Dagster assets or checks either. Each set of sources keeps its own manifest: all of them in
    ``target/``, a subset in ``target/sources-<names>/``.
    """
    enabled = settings.sources()
    target = ("target" if enabled == settings.KNOWN_SOURCES
              else f"target/sources-{'-'.join(enabled)}")
    project = DbtProject(project_dir=DBT_PROJECT_DIR, target_path=target)
    # Parse at load when the project changed, with the dbt beside this Python, so `dg dev`,
    # `dg launch` and tests all see the current models without a separate build step.
    if _manifest_is_stale(project.manifest_path):
        DbtCliResource(project_dir=str(DBT_PROJECT_DIR),
                       dbt_executable=dbt_executable()).cli(
            # into the target itself: by default each invocation gets its own target/<id>/
            ["parse"], target_path=project.target_path).wait()
    return project


def _manifest_is_stale(manifest: Path) -> bool:
    """True when any project file changed after the manifest was written (or none exists)."""
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    outputs = {DBT_PROJECT_DIR / "target", DBT_PROJECT_DIR / "logs"}
    return any(path.stat().st_mtime > built for path in DBT_PROJECT_DIR.rglob("*")
               if path.is_file() and outputs.isdisjoint(path.parents))


# Unit tests pin the definitions' logic and run in CI (`./run test`); a nightly run re-checks the
# data, not the code. SAMEPAGE_AS_OF, inherited by dbt from this environment, evaluates
# time-dependent rules (open SLA windows, goal periods) as of that instant instead of now: for
# replaying a past night, and for the sandbox, whose world has a clock of its own.
NIGHTLY_BUILD = ("build", "--exclude-resource-type", "unit_test")


# The sources' tests (unique, not_null on raw ids) are checks of the ingestion assets they test:
# without this, dagster-dbt logs each of their results as an observation, with a warning.
TRANSLATOR = DagsterDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


def dbt_models(project: DbtProject) -> dg.AssetsDefinition:
    """The project's models as Dagster assets, its tests as checks; built once per manifest (and
    warehouse pool: DuckDB's, or none for PostgreSQL)."""
    return _dbt_models(project, project.manifest_path.stat().st_mtime, warehouse_pool())


@functools.cache
def _dbt_models(project: DbtProject, modified: float, pool: str | None) -> dg.AssetsDefinition:
    @dbt_assets(manifest=project.manifest_path, project=project, dagster_dbt_translator=TRANSLATOR,
                pool=pool)
    def samepage_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
        try:  # a nonsense definition fails here, named, not deep inside a model or silently
            checked_definitions()
        except DefinitionsError as exc:
            raise dg.Failure(description=str(exc), allow_retries=False) from None
        yield from dbt.cli(list(NIGHTLY_BUILD), context=context).stream()

    return samepage_dbt_models


@dg.definitions
def dbt_definitions() -> dg.Definitions:
    """Built when the code location loads, so SAMEPAGE_SOURCES is read then, not at import."""
    return dg.Definitions(assets=[dbt_models(enabled_dbt_project())])


def __getattr__(name: str) -> object:
    """``samepage_dbt_models``: the dbt assets of the sources enabled now (for tests that
    materialize them without the code location)."""
    if name == "samepage_dbt_models":
        return dbt_models(enabled_dbt_project())
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
