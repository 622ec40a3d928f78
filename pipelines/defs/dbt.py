"""The dbt project as Dagster assets; dbt tests surface as asset checks."""


import dagster as dg
from dagster_dbt import (
    DagsterDbtTranslator,
    DagsterDbtTranslatorSettings,
    DbtCliResource,
    DbtProject,
    dbt_assets,
)

from pipelines.agreed_definitions import DefinitionsError, checked_definitions
from pipelines.defs.resources import dbt_executable
from pipelines.paths import DBT_PROJECT_DIR
from pipelines.settings import warehouse_pool

dbt_project = DbtProject(project_dir=DBT_PROJECT_DIR)


def _manifest_is_stale() -> bool:
    """True when any project file changed after the manifest was written (or none exists)."""
    manifest = dbt_project.manifest_path
    if not manifest.exists():
        return True
    built = manifest.stat().st_mtime
    outputs = {DBT_PROJECT_DIR / "target", DBT_PROJECT_DIR / "logs"}
    return any(path.stat().st_mtime > built for path in DBT_PROJECT_DIR.rglob("*")
               if path.is_file() and outputs.isdisjoint(path.parents))


# Parse at load when the project changed, with the dbt beside this Python, so `dagster dev`,
# `dagster job execute` and tests all see the current models without a separate build step.
if _manifest_is_stale():
    DbtCliResource(project_dir=str(DBT_PROJECT_DIR),
                   dbt_executable=dbt_executable()).cli(
        # into target/ itself: by default each invocation gets its own target/<id>/
        ["parse"], target_path=dbt_project.target_path).wait()


# Unit tests pin the definitions' logic and run in CI (`./run test`); a nightly run re-checks the
# data, not the code. SAMEPAGE_AS_OF, inherited by dbt from this environment, evaluates
# time-dependent rules (open SLA windows, goal periods) as of that instant instead of now: for
# replaying a past night, and for the sandbox, whose world has a clock of its own.
NIGHTLY_BUILD = ("build", "--exclude-resource-type", "unit_test")


# The sources' tests (unique, not_null on raw ids) are checks of the ingestion assets they test:
# without this, dagster-dbt logs each of their results as an observation, with a warning.
TRANSLATOR = DagsterDbtTranslator(
    settings=DagsterDbtTranslatorSettings(enable_source_tests_as_checks=True))


@dbt_assets(manifest=dbt_project.manifest_path, project=dbt_project,
            dagster_dbt_translator=TRANSLATOR, pool=warehouse_pool())
def samepage_dbt_models(context: dg.AssetExecutionContext, dbt: DbtCliResource):
    try:  # a nonsense definition fails here, named, not deep inside a model or silently
        checked_definitions()
    except DefinitionsError as exc:
        raise dg.Failure(description=str(exc), allow_retries=False) from None
    yield from dbt.cli(list(NIGHTLY_BUILD), context=context).stream()
