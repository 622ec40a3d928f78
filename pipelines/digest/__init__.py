"""The weekly digest: the week's numbers for sales and marketing, read from the marts and written
as Markdown and as a self-contained HTML page (in ``pipelines.settings.digest_directory()``)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from pipelines.digest.model import Digest
from pipelines.digest.render_html import render_html
from pipelines.digest.render_markdown import render_markdown


@dataclass(frozen=True)
class DigestFiles:
    markdown: str
    markdown_path: Path
    html_path: Path


def write_digest(digest: Digest, directory: Path) -> DigestFiles:
    """Write ``samepage-digest-<ISO week>.md`` and ``.html``; a rerun of the week replaces them."""
    directory.mkdir(parents=True, exist_ok=True)
    markdown = render_markdown(digest)
    stem = directory / f"samepage-digest-{digest.week.label}"
    markdown_path, html_path = stem.with_suffix(".md"), stem.with_suffix(".html")
    _replace(markdown_path, markdown)
    _replace(html_path, render_html(digest, markdown))
    return DigestFiles(markdown, markdown_path, html_path)


def _replace(path: Path, text: str) -> None:
    # Write beside and rename, so a reader (a web server, a mail job) never sees half a page.
    staging = path.with_name(f".{path.name}.tmp")
    staging.write_text(text, encoding="utf-8")
    staging.replace(path)
