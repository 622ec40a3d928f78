"""How numbers read in the digest, the same in Markdown, HTML and Slack."""

from __future__ import annotations

from datetime import date

from pipelines.digest.model import Week, is_rate_kpi

STATUS_LABELS = {"on_track": "on track", "at_risk": "at risk", "behind": "behind"}
STATUS_EMOJI = {"on_track": "🟢", "at_risk": "🟠", "behind": "🔴"}
ACRONYMS = frozenset({"mql", "sal", "sql"})
DASH = "-"  # a value that does not exist (yet), e.g. a rate without MQLs


def number(value: float | None, decimals: int = 0) -> str:
    return DASH if value is None else f"{value:,.{decimals}f}"


def percent(value: float | None, decimals: int = 0) -> str:
    """A share (0.92) as a percentage (92%)."""
    return DASH if value is None else f"{value * 100:,.{decimals}f}%"


def kpi_value(kpi: str, value: float | None) -> str:
    """A KPI in its own unit: rates as percentages, money and counts as whole numbers (an
    expected or forecast count too: 7.3 MQLs expected reads as 7)."""
    if is_rate_kpi(kpi):
        return percent(value, 1)
    return number(value)


def axis_value(kpi: str, value: float) -> str:
    """A short tick label: 1.5M, 250k, 40%."""
    if is_rate_kpi(kpi):
        return percent(value)
    for size, suffix in ((1e6, "M"), (1e3, "k")):
        if abs(value) >= size:
            return f"{value / size:,.{0 if value % size == 0 else 1}f}{suffix}"
    return number(value, 0 if value == int(value) else 1)


def stage_name(stage: str) -> str:
    """mql -> MQL; lead stays lead."""
    return stage.upper() if stage in ACRONYMS else stage


def stage_plural(stage: str) -> str:
    """mql -> MQLs; opportunity -> opportunities."""
    name = stage_name(stage)
    return f"{name[:-1]}ies" if name.endswith("y") else f"{name}s"


def conversion(previous_stage: str, share: float | None) -> str:
    """A funnel step as the definitions count it: '89% of MQLs' (those reaching this stage)."""
    return DASH if share is None else f"{percent(share)} of {stage_plural(previous_stage)}"


def status_text(status: str) -> str:
    return f"{STATUS_EMOJI.get(status, '⚪')} {STATUS_LABELS.get(status, status)}"


def day(value: date) -> str:
    return value.strftime("%a %d %b %Y")


def week_span(week: Week) -> str:
    return f"{week.start.strftime('%d %b')} to {week.end.strftime('%d %b %Y')}"
