"""The digest as one self-contained HTML page: the Markdown's content plus inline SVG charts.

The page is converted from the digest's own Markdown (a small, known subset: headings, tables,
lists, bold, code), so the HTML and Markdown can never disagree. No script, stylesheet, font or
image is fetched from anywhere: the file opens the same offline, in a mail client or an archive.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from html import escape

from pipelines.digest.charts import (
    burnup_legend,
    burnup_svg,
    cohort_svg,
    funnel_legend,
    funnel_svg,
)
from pipelines.digest.formatting import STATUS_EMOJI, STATUS_LABELS
from pipelines.digest.model import Digest

STYLE = """
body { font-family: system-ui, -apple-system, "Segoe UI", sans-serif; color: #111827;
       max-width: 1120px; margin: 24px auto; padding: 0 16px; line-height: 1.4; }
h1 { font-size: 24px; margin-bottom: 4px; } h2 { font-size: 18px; margin-top: 28px;
     border-bottom: 1px solid #e5e7eb; padding-bottom: 4px; } h3 { font-size: 15px; }
table { border-collapse: collapse; margin: 8px 0; font-size: 13px; }
th, td { border: 1px solid #e5e7eb; padding: 4px 8px; }
th { background: #f9fafb; text-align: left; } td.num, th.num { text-align: right; }
code { background: #f3f4f6; padding: 0 3px; border-radius: 3px; font-size: 12px; }
.status::before { content: ""; display: inline-block; width: 10px; height: 10px;
                  border-radius: 50%; margin-right: 5px; background: #9ca3af; }
.status.on_track::before { background: #16a34a; } .status.at_risk::before { background: #f59e0b; }
.status.behind::before { background: #dc2626; }
.charts { display: flex; flex-wrap: wrap; gap: 12px; }
.charts svg.chart { border: 1px solid #e5e7eb; border-radius: 6px; background: #fff; }
"""
_CELL_SPLIT = re.compile(r"(?<!\\)\|")
NUMERIC = " class='num'"


def render_html(digest: Digest, markdown: str) -> str:
    """The page for ``digest``, whose Markdown rendering is ``markdown``."""
    charts = {"KPIs vs goals": _burnups(digest), "Funnel": _funnel(digest),
              "MQL cohorts": _cohorts(digest)}
    parts = []
    for section in _sections(markdown.splitlines()):
        parts += [_block_html(block) for block in _blocks(section)]
        title = section[0].removeprefix("## ")
        # a section's charts follow its tables
        parts += [html for prefix, html in charts.items() if title.startswith(prefix)]
    return ("<!DOCTYPE html>\n<html lang='en'><head><meta charset='utf-8'>"
            "<meta name='viewport' content='width=device-width, initial-scale=1'>"
            f"<title>{escape(markdown.splitlines()[0].lstrip('# '))}</title>"
            f"<style>{STYLE}</style></head>\n<body>\n" + "\n".join(parts)
            + "\n</body></html>\n")


def _burnups(digest: Digest) -> str:
    if not digest.burnups:
        return ""
    charts = "".join(burnup_svg(burnup) for burnup in digest.burnups)
    return f"<div>{burnup_legend()}</div><div class='charts'>{charts}</div>"


def _funnel(digest: Digest) -> str:
    return f"<div>{funnel_legend()}</div><div class='charts'>{funnel_svg(digest.funnel)}</div>"


def _cohorts(digest: Digest) -> str:
    if digest.cohorts is None or not digest.cohorts.rows:
        return ""
    return f"<div class='charts'>{cohort_svg(digest.cohorts)}</div>"


def _sections(lines: list[str]) -> Iterator[list[str]]:
    """The lines before the first ``## `` heading, then each ``## `` section."""
    section: list[str] = []
    for line in lines:
        if line.startswith("## ") and section:
            yield section
            section = []
        section.append(line)
    if section:
        yield section


def _blocks(lines: list[str]) -> Iterator[list[str]]:
    """Consecutive lines of one kind: a heading, a table, a list or a paragraph."""
    block: list[str] = []
    for line in lines:
        if not line.strip() or line.startswith("#"):
            if block:
                yield block
            block = []
            if line.startswith("#"):
                yield [line]
            continue
        if block and _kind(block[0]) != _kind(line):
            yield block
            block = []
        block.append(line)
    if block:
        yield block


def _kind(line: str) -> str:
    if line.startswith("|"):
        return "table"
    return "list" if line.lstrip().startswith("- ") else "paragraph"


def _block_html(block: list[str]) -> str:
    first = block[0]
    if first.startswith("#"):
        level = len(first) - len(first.lstrip("#"))
        return f"<h{level}>{_inline(first[level:].strip())}</h{level}>"
    kind = _kind(first)
    if kind == "table":
        return _table(block)
    if kind == "list":
        return _list(block)
    return f"<p>{_inline(' '.join(block))}</p>"


def _inline(text: str) -> str:
    html = escape(text.replace("\\|", "|"), quote=False)
    # status emoji need an emoji font the reader may lack; a CSS dot needs none
    for status, emoji in STATUS_EMOJI.items():
        html = html.replace(f"{emoji} {STATUS_LABELS[status]}",
                            f"<span class='status {status}'>{STATUS_LABELS[status]}</span>")
    html = re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", html)
    return re.sub(r"`(.+?)`", r"<code>\1</code>", html)


def _table(lines: list[str]) -> str:
    rows = [[cell.strip() for cell in _CELL_SPLIT.split(line.strip())[1:-1]] for line in lines]
    header, aligns, body = rows[0], rows[1], rows[2:]
    numeric = [align.endswith(":") for align in aligns]

    def cells(row: list[str], tag: str) -> str:
        return "".join(f"<{tag}{NUMERIC if right else ''}>{_inline(cell)}</{tag}>"
                       for cell, right in zip(row, numeric, strict=False))

    return ("<table><thead><tr>" + cells(header, "th") + "</tr></thead><tbody>"
            + "".join(f"<tr>{cells(row, 'td')}</tr>" for row in body) + "</tbody></table>")


def _list(lines: list[str]) -> str:
    """A list whose items may carry one nested level (two-space indent)."""
    html = ["<ul>"]
    nested = False
    for line in lines:
        indented = line.startswith("  ")
        if indented and not nested:
            html[-1] = html[-1].removesuffix("</li>")
            html.append("<ul>")
        elif not indented and nested:
            html.append("</ul></li>")
        nested = indented
        html.append(f"<li>{_inline(line.strip()[2:])}</li>")
    if nested:
        html.append("</ul></li>")
    html.append("</ul>")
    return "".join(html)
