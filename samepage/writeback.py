"""``samepage writeback revert RUN_ID``: put back the values a write-back run replaced.

Reads the run's ``written`` rows of ``raw_meta.writeback_log`` and writes their old values through
the configured clients; the revert is logged as a run of its own. Set SAMEPAGE_WRITEBACK=plan
first, or the next nightly writes the agreed answers again.
"""

from __future__ import annotations

import sys

from connectors.errors import ConnectorError
from pipelines import settings
from pipelines.warehouse import open_warehouse
from pipelines.writeback.apply import revert_run, revert_run_id
from pipelines.writeback.log import WRITTEN, WritebackLog


def revert(run_id: str) -> int:
    from pipelines.defs.resources import resources  # Dagster's: imported late, `--help` is quick

    try:
        log = WritebackLog(open_warehouse(settings.warehouse_location()))
        entries = log.entries(run_id)
        configured = resources().resources
    except ValueError as exc:  # a documented variable with an unusable value
        print(f"samepage writeback: {exc}", file=sys.stderr)
        return 2
    written = [e for e in entries if e.status == WRITTEN]
    if not written:
        print(f"samepage writeback: run {run_id} wrote nothing (raw_meta.writeback_log has "
              f"{len(entries)} rows for it)", file=sys.stderr)
        return 1
    tools = {e.tool for e in written}
    try:
        outcome = revert_run(
            written, run_id=revert_run_id(run_id), log=log,
            hubspot=configured["hubspot"].process_config_and_initialize().client()
            if "hubspot" in tools else None,
            salesforce=configured["salesforce"].process_config_and_initialize().client()
            if "salesforce" in tools else None)
    except ConnectorError as exc:
        print(f"samepage writeback: {exc}", file=sys.stderr)
        return 1
    print(f"reverted run {run_id} as {outcome.run_id}: {outcome.written} field values put back, "
          f"{outcome.failed} refused (raw_meta.writeback_log)")
    if outcome.stopped_by:
        print(f"samepage writeback: stopped: {outcome.stopped_by}", file=sys.stderr)
    return 0 if outcome.failed == 0 and not outcome.stopped_by else 1
