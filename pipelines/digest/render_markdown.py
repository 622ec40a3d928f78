"""The digest as Markdown (for the Dagster UI and the .md file) and as a short Slack message."""

from __future__ import annotations

import re
from collections.abc import Sequence

from pipelines.digest.formatting import (
    DASH,
    conversion,
    kpi_value,
    number,
    percent,
    stage_name,
    status_text,
    week_span,
)
from pipelines.digest.model import Digest, SlaSummary

TITLE = "samepage weekly digest"
_NUMBER = re.compile(rf"-?[\d,.]+[%kM]?|{re.escape(DASH)}")


def _cell(value: object) -> str:
    # a pipe would end the cell early
    return str(value).replace("|", "\\|").replace("\n", " ")


def _is_number(value: object) -> bool:
    return isinstance(value, int | float) or bool(_NUMBER.fullmatch(str(value)))


def table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> list[str]:
    """A GitHub-flavoured Markdown table; columns of numbers right-aligned."""
    numeric = [bool(rows) and all(_is_number(row[i]) for row in rows)
               for i in range(len(headers))]
    lines = ["| " + " | ".join(headers) + " |",
             "|" + "|".join(" ---: " if right else " --- " for right in numeric) + "|"]
    lines += ["| " + " | ".join(_cell(value) for value in row) + " |" for row in rows]
    return lines


def sla_line(label: str, sla: SlaSummary) -> str:
    return (f"- **{label}:** {sla.mqls} MQLs; {sla.met} met, {sla.breached} breached, "
            f"{sla.pending} pending; attainment **{percent(sla.attainment)}**")


def summary_parts(digest: Digest) -> list[str]:
    """The headline numbers, shared by the Markdown summary and the Slack message."""
    counts = digest.status_counts()
    rejected = sum(row.week for row in digest.rejections_by_reason)
    quarantined = sum(row.rows_since_week_start for row in digest.quarantine)
    return [
        f"KPIs: {counts['on_track']} on track, {counts['at_risk']} at risk, "
        f"{counts['behind']} behind",
        f"handoff SLA {percent(digest.sla_week.attainment)} "
        f"({digest.sla_week.breached} breached of {digest.sla_week.mqls} MQLs)",
        f"{rejected} MQLs rejected",
        f"{quarantined} records quarantined since {digest.week.start.isoformat()}",
    ]


def render_markdown(digest: Digest) -> str:
    week = digest.week
    lines = [
        f"# {TITLE} {week.label}",
        "",
        f"Week {week_span(week)}; goals as of {digest.as_of.isoformat()}. Every number follows "
        "the agreed definitions (`marts.dim_definitions`).",
        "",
        "**" + " · ".join(summary_parts(digest)) + "**",
        "",
        "## KPIs vs goals (month to date)",
        "",
        *table(["KPI", "This week", "Actual MTD", "Expected MTD", "Month target", "Attainment",
                "Forecast month end", "Status"],
               [[f"`{s.kpi}`", kpi_value(s.kpi, s.actual_week) if s.actual_week is not None
                 else DASH, kpi_value(s.kpi, s.actual_mtd), kpi_value(s.kpi, s.expected_mtd),
                 kpi_value(s.kpi, s.month_target), percent(s.attainment_mtd),
                 kpi_value(s.kpi, s.forecast_month_end)
                 + (" (funnel)" if s.forecast_method == "funnel" else ""), status_text(s.status)]
                for s in digest.scorecard]),
        "",
        "Forecast: the run rate to the month end, or with (funnel) the month to date plus what "
        "the open funnel is expected to add at the measured velocity (`goal_forecast_method`).",
        "",
        "## Funnel (people reaching each agreed stage)",
        "",
        *table(["Stage", "This week", "Previous week", "Last 4 weeks", "Conversion"],
               [[stage_name(stage.stage), stage.week, stage.previous_week, stage.four_weeks,
                 conversion(previous.stage, stage.conversion) if previous else DASH]
                for previous, stage in zip([None, *digest.funnel], digest.funnel, strict=False)]),
        "",
        "Conversion: of the people who reached the stage before in the last 4 weeks, the share "
        "who reached this one at or after it by the as-of date. Counts of two stages do not "
        "divide: people also reach a stage without the one before (an SQL by conversion without "
        "a SAL).",
        "",
        *_velocity_lines(digest),
        *_cohort_lines(digest),
        "## Handoff SLA",
        "",
        sla_line("This week", digest.sla_week),
        sla_line("Last 4 weeks", digest.sla_four_weeks),
        "",
        "### Worst breaches by owner (this week)",
        "",
    ]
    if digest.owners:
        lines += table(["Owner", "MQLs", "Breached", "Still untouched", "Slowest touch (h)",
                        "Attainment"],
                       [[o.owner, o.sla.mqls, o.sla.breached, o.untouched,
                         number(o.worst_response_hours, 1), percent(o.sla.attainment)]
                        for o in digest.owners])
    else:
        lines.append("No SLA breaches this week.")
    lines += ["", "## Rejected MQLs (sales' feedback to marketing)", ""]
    if digest.rejections_by_reason:
        for title, rows in (("By reason", digest.rejections_by_reason),
                            ("By original source", digest.rejections_by_source)):
            lines += [f"### {title}", "",
                      *table([title.removeprefix("By ").capitalize(), "This week",
                              "Last 4 weeks"],
                             [[row.label, row.week, row.four_weeks] for row in rows]),
                      ""]
    else:
        lines += ["No MQLs rejected in the last 4 weeks.", ""]
    lines += [f"## Top campaigns by ROI ({digest.attribution_model} attribution)", ""]
    lines += table(["Campaign", "Type", "Cost", "Won revenue", "ROI"],
                   [[c.campaign, c.campaign_type or DASH, number(c.cost), number(c.won_revenue),
                     percent(c.roi)] for c in digest.campaigns]) if digest.campaigns else [
        "No campaign has a cost to compute ROI from."]
    drift = digest.drift
    lines += ["", "## Definition drift", "",
              f"{drift.people} people have a tool stage that disagrees with the agreed stage "
              f"(HubSpot {drift.hubspot}, Salesforce {drift.salesforce}); "
              "see `marts.rpt_definition_drift`.", ""]
    if drift.reasons:
        lines += [*table(["Most common reasons", "People"], drift.reasons), ""]
    lines += _writeback_lines(digest)
    lines += ["## Data quality", "", _nightly_line(digest)]
    if digest.nightly and digest.nightly.failed_checks:
        lines += [f"  - `{c.asset}` `{c.check_name}` ({c.severity})"
                  + (f": {c.description}" if c.description else "")
                  for c in digest.nightly.failed_checks]
    if digest.quarantine:
        lines += ["- Quarantined records (`raw_meta.quarantine`):", "",
                  *table(["Stream", "Reason", "Rows", f"Since {digest.week.start.isoformat()}"],
                         [[q.stream, q.reason, q.rows, q.rows_since_week_start]
                          for q in digest.quarantine])]
    else:
        lines.append("- No quarantined records in `raw_meta.quarantine`.")
    return "\n".join(lines) + "\n"


def _velocity_lines(digest: Digest) -> list[str]:
    if not digest.velocity:
        return []
    rows = [[f"{stage_name(v.from_stage)} → {stage_name(v.to_stage)}",
             v.week_start.isoformat() if v.week_start else DASH, number(v.median_days, 1),
             number(v.four_week_average, 1), _trend(v.trend_days), percent(v.conversion_rate)]
            for v in digest.velocity]
    return ["## Velocity (median days from one agreed stage to the next)", "",
            *table(["Step", "Week entered", "Median days", "4 weeks before", "Trend",
                    "Converted"], rows), "",
            "Each step's latest week whose people all had the full chance to convert "
            "(`velocity_censoring_days` in `marts.dim_definitions`), by the week they entered "
            "the earlier stage, against the average of the 4 weeks before it "
            "(`marts.fct_stage_velocity`).", ""]


def _trend(days: float | None) -> str:
    if days is None:
        return DASH
    if abs(days) < 0.05:
        return "same"
    return f"{abs(days):,.1f} d {'faster' if days < 0 else 'slower'}"


def _cohort_lines(digest: Digest) -> list[str]:
    chart = digest.cohorts
    if chart is None or not chart.rows:
        return []
    headers = ["MQL month", "MQLs", *(_window_label(w) for w in chart.windows)]
    rows = [[row.cohort_month.strftime("%Y-%m"), row.cohort_size,
             *(percent(rate) for rate in row.reach_rates)] for row in chart.rows]
    return [f"## MQL cohorts reaching {stage_name(chart.stage)}", "", *table(headers, rows), "",
            f"Share of each month's MQLs who reached {stage_name(chart.stage)} within so many "
            "days of their MQL (`marts.fct_funnel_cohorts`); a window the cohort has not lived "
            f"through yet shows {DASH}, so a young cohort does not read as a poor one.", ""]


def _window_label(window: str) -> str:
    """within_30_days -> 30 days; ever -> to date."""
    return "to date" if window == "ever" else window.removeprefix("within_").replace("_", " ")


def _writeback_lines(digest: Digest) -> list[str]:
    summary = digest.writeback
    if summary is None:
        return []
    since = digest.week.start.isoformat()
    lines = ["## Written back into the tools", ""]
    if summary.by_tool:
        lines += [*table(["Tool", f"Fields written since {since}", "Refused by the tool",
                          "Not sent (field missing)"],
                         [list(row) for row in summary.by_tool]), ""]
    else:
        lines += [f"Nothing written into HubSpot or Salesforce since {since}.", ""]
    lines += [f"{summary.planned_fields} field values on {summary.planned_records} records "
              "differ from the agreed answers and would be written by the next run with "
              "SAMEPAGE_WRITEBACK=apply (`marts.rpt_writeback_plan`)." if summary.planned_fields
              else "The tools show the agreed answers: nothing left to write.", ""]
    return lines


def _nightly_line(digest: Digest) -> str:
    run = digest.nightly
    if run is None:
        return "- No finished `nightly` run on this Dagster instance."
    checks = (f"{len(run.failed_checks)} asset check(s) failed:" if run.failed_checks
              else "every asset check passed.")
    return (f"- Latest `nightly` run `{run.run_id[:8]}` ended {run.status} "
            f"at {run.ended_at or DASH}; {checks}")


def slack_text(digest: Digest, links: Sequence[str]) -> str:
    """The Slack message: the headline numbers, what is behind, and where the full digest is."""
    behind = [s.kpi for s in digest.scorecard if s.status == "behind"]
    lines = [f":bar_chart: *{TITLE} {digest.week.label}* ({week_span(digest.week)})",
             *(f"• {part}" for part in summary_parts(digest))]
    if behind:
        lines.append("• behind goal: " + ", ".join(f"`{kpi}`" for kpi in behind))
    if digest.owners:
        worst = digest.owners[0]
        lines.append(f"• most SLA breaches: {worst.owner} ({worst.sla.breached})")
    lines += [f"Full digest: {link}" for link in links]
    return "\n".join(lines)
