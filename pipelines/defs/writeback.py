"""The agreed answers written back into HubSpot and Salesforce, after the marts, in `nightly`.

SAMEPAGE_WRITEBACK says what the asset does: `off` (nothing), `plan` (the default: read
marts.rpt_writeback_plan and show it, no call to either API) or `apply` (write it). A plan that
would change more than SAMEPAGE_WRITEBACK_MAX_SHARE of a tool's records is held back unless the
run's config says `allow_mass_change: true`. README "Writing the answers back".
"""

from typing import Any

import dagster as dg

from pipelines import settings
from pipelines.defs.publishing import MART_ASSETS
from pipelines.defs.resources import HubSpotResource, SalesforceResource, WarehouseResource
from pipelines.paths import REPO_ROOT
from pipelines.writeback.apply import Outcome, apply_plan, guard, read_plan
from pipelines.writeback.fields import missing_fields_text, salesforce_package, writeback_fields
from pipelines.writeback.log import WritebackLog

WRITEBACK_KEY = dg.AssetKey(["writeback", "crm_fields"])
# Where the Salesforce DX project of missing fields is written for an admin to deploy.
SALESFORCE_PACKAGE_DIR = REPO_ROOT / "data" / "writeback" / "salesforce-fields"
PLAN_SAMPLE = 20  # planned changes shown in the asset's metadata


class WritebackConfig(dg.Config):
    allow_mass_change: bool = False
    """The explicit override of the guard, for this run only."""


def _check(name: str, passed: bool, description: str, **metadata: Any
           ) -> dg.AssetCheckResult:
    return dg.AssetCheckResult(check_name=name, passed=passed, description=description,
                               severity=dg.AssetCheckSeverity.ERROR, metadata=metadata)


@dg.asset(
    key=WRITEBACK_KEY,
    deps=[MART_ASSETS["rpt_writeback_plan"]],
    group_name="writeback",
    kinds={"hubspot", "salesforce"},
    description="Writes marts.rpt_writeback_plan into HubSpot contact properties and Salesforce "
                "Lead/Contact fields (SAMEPAGE_WRITEBACK: off | plan | apply), logged in "
                "raw_meta.writeback_log.",
    check_specs=[
        dg.AssetCheckSpec("not_held_back", asset=WRITEBACK_KEY,
                          description="The plan was within SAMEPAGE_WRITEBACK_MAX_SHARE, or "
                                      "the run overrode the guard."),
        dg.AssetCheckSpec("fields_exist", asset=WRITEBACK_KEY,
                          description="Every field samepage_writeback lists exists in its tool."),
        dg.AssetCheckSpec("every_write_accepted", asset=WRITEBACK_KEY,
                          description="The tools accepted every record written (refusals are in "
                                      "raw_meta.writeback_log with the tools' errors)."),
    ],
    pool=settings.warehouse_pool(),  # opens the DuckDB file: one step at a time
)
def crm_fields(context: dg.AssetExecutionContext, config: WritebackConfig,
               warehouse: WarehouseResource, hubspot: HubSpotResource,
               salesforce: SalesforceResource):
    wanted = settings.writeback()
    store = warehouse.warehouse()
    plan = read_plan(store) if wanted.mode != "off" else []
    verdict = guard(plan, wanted.max_share)
    held = verdict.held and not config.allow_mass_change
    records = len({(c.tool, c.object_type, c.record_id) for c in plan})
    metadata: dict[str, Any] = {
        "mode": wanted.mode,
        "planned_changes": len(plan),
        "planned_records": records,
        "overwritten_share": dg.MetadataValue.json(verdict.shares),
        "max_share": wanted.max_share,
        "held_back": held,
        "plan_sample": dg.MetadataValue.md(_sample(plan)),
    }
    if wanted.mode != "apply" or held or not plan:
        if held:
            context.log.warning(verdict.describe())
        yield dg.MaterializeResult(metadata=metadata)
        yield _check("not_held_back", not held, verdict.describe() if held else "not held back")
        nothing = f"nothing written (SAMEPAGE_WRITEBACK={wanted.mode}" + (
            ", held back)" if held else ", empty plan)" if not plan else ")")
        yield _check("fields_exist", True, f"not checked: {nothing}")
        yield _check("every_write_accepted", True, nothing)
        return

    tools = {c.tool for c in plan}
    outcome = apply_plan(
        plan, writeback_fields(), run_id=context.run.run_id, log=WritebackLog(store),
        hubspot=hubspot.client() if "hubspot" in tools else None,
        salesforce=salesforce.client() if "salesforce" in tools else None)
    missing = _report_missing(context, outcome)
    metadata |= {"written": outcome.written, "failed": outcome.failed,
                 "skipped": outcome.skipped, "refusals": dg.MetadataValue.json(outcome.refusals),
                 "created_hubspot_properties": outcome.created_properties}
    context.log.info(f"write-back: {outcome.written} fields written, {outcome.failed} refused, "
                     f"{outcome.skipped} not sent (missing fields)")
    if outcome.stopped_by:
        # a whole-run problem (credentials, daily allowance, retries spent): what was written
        # is logged; the step fails so the run shows it, and the next nightly plans the rest
        raise dg.Failure(description=f"write-back stopped: {outcome.stopped_by}",
                         metadata=metadata, allow_retries=False)
    yield dg.MaterializeResult(metadata=metadata)
    yield _check("not_held_back", True, "overridden by allow_mass_change" if verdict.held
                 else "not held back")
    yield _check("fields_exist", not outcome.missing_fields, missing or "every field exists")
    yield _check("every_write_accepted", outcome.failed == 0,
                 f"{outcome.failed} fields refused: {outcome.refusals}" if outcome.failed
                 else "every write accepted", refusals=dg.MetadataValue.json(outcome.refusals))


def _report_missing(context: dg.AssetExecutionContext, outcome: Outcome) -> str:
    if not outcome.missing_fields:
        return ""
    salesforce_missing = [f for f in outcome.missing_fields if f.tool == "salesforce"]
    package = (salesforce_package(salesforce_missing, SALESFORCE_PACKAGE_DIR)
               if salesforce_missing else None)
    text = missing_fields_text(outcome.missing_fields, package)
    context.log.warning(text)
    for f in salesforce_missing:
        context.log.warning(f"{f.object_type}/fields/{f.field}.field-meta.xml:\n"
                            f"{f.salesforce_metadata()}")
    return text


def _sample(plan: list) -> str:
    if not plan:
        return "Nothing to write: the tools show the agreed answers."
    lines = ["| tool | object | record | field | now | agreed |", "|---|---|---|---|---|---|"]
    lines += [f"| {c.tool} | {c.object_type} | {c.record_id} | {c.field_name} | "
              f"{c.current_value or ''} | {c.desired_value or ''} |" for c in plan[:PLAN_SAMPLE]]
    if len(plan) > PLAN_SAMPLE:
        lines.append(f"\n... and {len(plan) - PLAN_SAMPLE} more in marts.rpt_writeback_plan")
    return "\n".join(lines)
