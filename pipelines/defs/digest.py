"""The weekly digest as an asset downstream of the marts it reads, so lineage shows where its
numbers come from; the `weekly_digest` job (pipelines.defs.jobs) runs it on Monday mornings."""

from dataclasses import replace

import dagster as dg

from pipelines.alerts import ui_url
from pipelines.defs.publishing import MART_ASSETS
from pipelines.defs.resources import SlackResource, WarehouseResource
from pipelines.digest import write_digest
from pipelines.digest.queries import MARTS_READ, Reader, load_digest
from pipelines.digest.render_markdown import slack_text
from pipelines.digest.run_notes import latest_nightly
from pipelines.settings import digest_directory, warehouse_pool
from pipelines.slack import SlackPostError

DIGEST_GROUP = "digest"
DIGEST_KEY = dg.AssetKey([DIGEST_GROUP, "weekly_digest"])


@dg.asset(
    key=DIGEST_KEY,
    # the marts the digest reads that this build has (the goal marts join as soon as they exist)
    deps=[key for table, key in MART_ASSETS.items() if table in MARTS_READ],
    group_name=DIGEST_GROUP,
    kinds={"markdown", "html"},
    description="The week for sales and marketing: KPIs vs goals, velocity between stages, "
                "MQL cohorts, handoff SLA, rejected MQLs, campaign ROI, definition drift and "
                "data quality, as Markdown and HTML "
                "(SAMEPAGE_DIGEST_DIR), posted to Slack when SLACK_WEBHOOK_URL is set.",
    pool=warehouse_pool(),  # opens the DuckDB file: one step at a time (pipelines/settings.py)
)
def weekly_digest(context: dg.AssetExecutionContext, warehouse: WarehouseResource,
                  slack: SlackResource) -> dg.MaterializeResult:
    store = warehouse.warehouse()
    with store.connect() as con:
        digest = load_digest(Reader(con, store.placeholder))
    digest = replace(digest, nightly=latest_nightly(context.instance))
    files = write_digest(digest, digest_directory())
    context.log.info(f"wrote the digest for {digest.week.label} to {files.html_path}")

    metadata: dict[str, dg.RawMetadataValue] = {}
    try:
        posted = slack.post(slack_text(digest, [ui_url(f"assets/{DIGEST_KEY.to_user_string()}"),
                                                str(files.html_path)]), log=context.log)
    except SlackPostError as error:
        # The digest is written either way; a Slack outage shows here and in the log, not as a
        # lost week in the UI.
        context.log.error(str(error))
        posted, metadata["slack_error"] = False, str(error)

    counts = digest.status_counts()
    checks = digest.nightly.failed_checks if digest.nightly else []
    sla = digest.sla_week.attainment
    return dg.MaterializeResult(metadata={
        "digest": dg.MetadataValue.md(files.markdown),
        "html_path": dg.MetadataValue.path(str(files.html_path)),
        "markdown_path": dg.MetadataValue.path(str(files.markdown_path)),
        "week": digest.week.label,
        "as_of": digest.as_of.isoformat(),
        "kpis_on_track": counts["on_track"],
        "kpis_at_risk": counts["at_risk"],
        "kpis_behind": counts["behind"],
        "mqls_this_week": digest.sla_week.mqls,
        "sla_breaches_this_week": digest.sla_week.breached,
        "sla_attainment_this_week": dg.MetadataValue.float(sla) if sla is not None else None,
        "rejected_mqls_this_week": sum(row.week for row in digest.rejections_by_reason),
        "quarantined_rows": sum(row.rows for row in digest.quarantine),
        "failed_checks_last_nightly": len(checks),
        "slack_posted": posted,
        **metadata,
    })
