"""Inline SVG charts drawn in Python: the HTML digest loads no script, font or image."""

from __future__ import annotations

import math
from calendar import monthrange
from collections.abc import Sequence
from datetime import date
from html import escape
from itertools import pairwise

from pipelines.digest.formatting import axis_value, conversion, kpi_value, percent, stage_name
from pipelines.digest.model import Burnup, CohortChart, FunnelStage

ACTUAL = "#2563eb"
EXPECTED = "#9ca3af"
TARGET = "#dc2626"
AXIS = "#d1d5db"
TEXT = "#374151"
FUNNEL_WEEK = "#2563eb"
FUNNEL_FOUR_WEEKS = "#bfdbfe"
# cohorts from oldest (light) to newest (dark)
COHORT_SHADES = ("#bfdbfe", "#93c5fd", "#60a5fa", "#3b82f6", "#2563eb", "#1e3a8a")
FONT = "font-family='system-ui, sans-serif' font-size='11'"


def nice_ticks(top: float, count: int = 4) -> list[float]:
    """Round axis values from 0 up to at least ``top`` (steps of 1, 2 or 5 times a power of 10)."""
    if top <= 0:
        return [0.0, 1.0]
    raw = top / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 5, 10) if m * magnitude >= raw)
    return [i * step for i in range(math.ceil(top / step - 1e-9) + 1)]


def _text(x: float, y: float, text: str, anchor: str = "start", fill: str = TEXT,
          extra: str = "") -> str:
    return (f"<text x='{x:.1f}' y='{y:.1f}' text-anchor='{anchor}' fill='{fill}' {FONT}"
            f"{' ' + extra if extra else ''}>{escape(text)}</text>")


def _polyline(points: Sequence[tuple[float, float]], color: str, dash: str = "") -> str:
    coords = " ".join(f"{x:.1f},{y:.1f}" for x, y in points)
    dashed = f" stroke-dasharray='{dash}'" if dash else ""
    return (f"<polyline class='series' points='{coords}' fill='none' stroke='{color}' "
            f"stroke-width='2'{dashed}/>")


def burnup_svg(burnup: Burnup, width: int = 360, height: int = 210) -> str:
    """Actual to date against the expected line and the month's target, over the whole month."""
    left, right, top, bottom = 52, 14, 28, 26
    days_in_month = monthrange(burnup.month_start.year, burnup.month_start.month)[1]
    values = [v for p in burnup.points for v in (p.actual, p.expected) if v is not None]
    ticks = nice_ticks(max([*values, burnup.month_target or 0.0, 0.0]))
    plot_w, plot_h = width - left - right, height - top - bottom

    def x(day: date) -> float:
        return left + plot_w * (day.day - 1) / max(days_in_month - 1, 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ticks[-1])

    parts = [f"<svg class='chart burnup' xmlns='http://www.w3.org/2000/svg' width='{width}' "
             f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
             f"aria-label='{escape(burnup.kpi)} burn-up'>",
             _text(left, 16, burnup.kpi, extra="font-weight='600' font-size='13'")]
    for tick in ticks:
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' "
                     f"y2='{y(tick):.1f}' stroke='{AXIS}' stroke-width='1'/>")
        parts.append(_text(left - 6, y(tick) + 4, axis_value(burnup.kpi, tick), anchor="end"))
    for day_number in (1, 8, 15, 22, days_in_month):
        when = burnup.month_start.replace(day=day_number)
        parts.append(_text(x(when), height - 8, when.strftime("%d %b"), anchor="middle"))
    if burnup.month_target is not None:
        target_y = y(burnup.month_target)
        parts.append(f"<line class='target' x1='{left}' x2='{width - right}' y1='{target_y:.1f}' "
                     f"y2='{target_y:.1f}' stroke='{TARGET}' stroke-width='1.5' "
                     "stroke-dasharray='6 4'/>")
    expected = [(x(p.day), y(p.expected)) for p in burnup.points if p.expected is not None]
    actual = [(x(p.day), y(p.actual)) for p in burnup.points if p.actual is not None]
    if expected:
        parts.append(_polyline(expected, EXPECTED, "3 3"))
    if actual:
        parts.append(_polyline(actual, ACTUAL))
        last_x, last_y = actual[-1]
        parts.append(f"<circle cx='{last_x:.1f}' cy='{last_y:.1f}' r='3.5' fill='{ACTUAL}'/>")
        last_value = next(p.actual for p in reversed(burnup.points) if p.actual is not None)
        parts.append(_text(last_x - 4, last_y - 8, kpi_value(burnup.kpi, last_value),
                           anchor="end", fill=ACTUAL, extra="font-weight='600'"))
    parts.append("</svg>")
    return "".join(parts)


def burnup_legend() -> str:
    """One legend for every burn-up chart, so each chart keeps its room for the lines."""
    items = [(ACTUAL, "", "actual to date"), (EXPECTED, "3 3", "expected to date"),
             (TARGET, "6 4", "month target")]
    parts = ["<svg class='legend' xmlns='http://www.w3.org/2000/svg' width='420' height='20' "
             "viewBox='0 0 420 20'>"]
    for i, (color, dash, text) in enumerate(items):
        x0 = i * 140
        dashed = f" stroke-dasharray='{dash}'" if dash else ""
        parts.append(f"<line x1='{x0}' x2='{x0 + 24}' y1='10' y2='10' stroke='{color}' "
                     f"stroke-width='2'{dashed}/>")
        parts.append(_text(x0 + 30, 14, text))
    parts.append("</svg>")
    return "".join(parts)


def funnel_svg(stages: Sequence[FunnelStage], width: int = 780) -> str:
    """Centred bars per stage: the last four weeks (light) with this week inside it (dark), and
    the share of the four weeks' people at the stage before who reached this one."""
    row_h, gap, top, label_w, note_w = 30, 8, 8, 90, 260
    height = top + len(stages) * (row_h + gap)
    bar_w = width - label_w - note_w
    largest = max([s.four_weeks for s in stages] + [s.week for s in stages] + [1])
    centre = label_w + bar_w / 2
    parts = [f"<svg class='chart funnel' xmlns='http://www.w3.org/2000/svg' width='{width}' "
             f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
             "aria-label='funnel'>"]
    previous: FunnelStage | None = None
    for i, stage in enumerate(stages):
        y0 = top + i * (row_h + gap)
        parts.append(_text(label_w - 10, y0 + row_h / 2 + 4, stage_name(stage.stage), anchor="end",
                           extra="font-weight='600'"))
        for count, color, inset in ((stage.four_weeks, FUNNEL_FOUR_WEEKS, 0),
                                    (stage.week, FUNNEL_WEEK, 7)):
            w = max(bar_w * count / largest, 2.0) if count else 0.0
            parts.append(f"<rect class='bar' x='{centre - w / 2:.1f}' y='{y0 + inset}' "
                         f"width='{w:.1f}' height='{row_h - 2 * inset}' rx='3' fill='{color}'/>")
        note = f"week {stage.week} · 4 weeks {stage.four_weeks}"
        if previous is not None and stage.conversion is not None:
            note += f" · {conversion(previous.stage, stage.conversion)} reached it"
        parts.append(_text(label_w + bar_w + 10, y0 + row_h / 2 + 4, note))
        previous = stage
    parts.append("</svg>")
    return "".join(parts)


def funnel_legend() -> str:
    parts = ["<svg class='legend' xmlns='http://www.w3.org/2000/svg' width='300' height='20' "
             "viewBox='0 0 300 20'>"]
    for i, (color, text) in enumerate(((FUNNEL_WEEK, "this week"),
                                       (FUNNEL_FOUR_WEEKS, "last 4 weeks"))):
        parts.append(f"<rect x='{i * 130}' y='4' width='22' height='12' rx='2' fill='{color}'/>")
        parts.append(_text(i * 130 + 28, 14, text))
    parts.append("</svg>")
    return "".join(parts)


def cohort_svg(chart: CohortChart, width: int = 520, height: int = 240) -> str:
    """One line per MQL month: the share who reached the stage within each window, drawn only
    through the windows the cohort has lived through."""
    left, right, top, bottom = 46, 70, 28, 26
    rates = [rate for row in chart.rows for rate in row.reach_rates if rate is not None]
    ticks = nice_ticks(max([*rates, 0.0]))
    plot_w, plot_h = width - left - right, height - top - bottom
    step = plot_w / max(len(chart.windows) - 1, 1)

    def y(value: float) -> float:
        return top + plot_h * (1 - value / ticks[-1])

    parts = [f"<svg class='chart cohorts' xmlns='http://www.w3.org/2000/svg' width='{width}' "
             f"height='{height}' viewBox='0 0 {width} {height}' role='img' "
             f"aria-label='MQL cohorts reaching {escape(stage_name(chart.stage))}'>",
             _text(left, 16, f"MQL cohorts reaching {stage_name(chart.stage)}",
                   extra="font-weight='600' font-size='13'")]
    for tick in ticks:
        parts.append(f"<line x1='{left}' x2='{width - right}' y1='{y(tick):.1f}' "
                     f"y2='{y(tick):.1f}' stroke='{AXIS}' stroke-width='1'/>")
        parts.append(_text(left - 6, y(tick) + 4, percent(tick), anchor="end"))
    for i, window in enumerate(chart.windows):
        label = "to date" if window == "ever" else window.removeprefix("within_").replace(
            "_days", " d")
        parts.append(_text(left + i * step, height - 8, label, anchor="middle"))
    shades = COHORT_SHADES[-len(chart.rows):] if chart.rows else ()
    labels = []
    for row, color in zip(chart.rows, shades, strict=False):
        points = [(left + i * step, y(rate)) if rate is not None else None
                  for i, rate in enumerate(row.reach_rates)]
        # a line only between windows lived through one after the other: no line across a gap
        for a, b in pairwise(points):
            if a is not None and b is not None:
                parts.append(_polyline([a, b], color))
        drawn = [point for point in points if point is not None]
        for cx, cy in drawn:
            parts.append(f"<circle cx='{cx:.1f}' cy='{cy:.1f}' r='3' fill='{color}'/>")
        if drawn:
            labels.append((drawn[-1][1], row.cohort_month.strftime("%b %Y"), color))
    # month labels at the right, nudged apart so close lines keep readable labels
    previous_y = -math.inf
    for label_y, text, color in sorted(labels):
        label_y = max(label_y, previous_y + 12)
        parts.append(_text(width - right + 6, label_y + 4, text, fill=color))
        previous_y = label_y
    parts.append("</svg>")
    return "".join(parts)
