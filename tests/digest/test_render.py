"""The digest's pure parts: read from the sandbox company's marts, rendered without Dagster."""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date, timedelta
from itertools import pairwise
from pathlib import Path

import duckdb
import pytest

from pipelines.digest import write_digest
from pipelines.digest.charts import nice_ticks
from pipelines.digest.formatting import kpi_value
from pipelines.digest.model import FUNNEL_STAGES, Digest, Week
from pipelines.digest.queries import Reader, load_digest
from pipelines.digest.render_markdown import render_markdown, slack_text
from pipelines.paths import REPO_ROOT
from tests.conftest import QUARANTINED
from tests.digest.conftest import as_of_date, month_targets

ARTIFACTS = REPO_ROOT / "artifacts"
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                  "--disable-component-update", "--disable-sync", "--no-first-run"]


@pytest.fixture(scope="module")
def digest(built_marts: Path) -> Digest:
    with duckdb.connect(str(built_marts), read_only=True) as con:
        return load_digest(Reader(con, "?"))


def sql(warehouse: Path, query: str, *parameters: object) -> list[tuple]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        return con.execute(query, list(parameters)).fetchall()


def markdown_table(markdown: str, heading: str) -> dict[str, list[str]]:
    """The first table after the line starting with ``heading``: first cell -> the others."""
    lines = markdown.splitlines()
    after = lines[next(i for i, line in enumerate(lines) if line.startswith(heading)):]
    first = next(i for i, line in enumerate(after) if line.startswith("|"))
    table = []
    for line in after[first + 2:]:  # below the header and the alignment row
        if not line.startswith("|"):
            break
        table.append([cell.strip() for cell in line.strip("|").split("|")])
    return {row[0]: row[1:] for row in table}


@pytest.mark.parametrize(("as_of", "start"), [
    (date(2026, 6, 29), date(2026, 6, 22)),  # Monday: the week that ended yesterday
    (date(2026, 6, 28), date(2026, 6, 22)),  # Sunday: that week is complete
    (date(2026, 6, 30), date(2026, 6, 22)),
    (date(2026, 6, 27), date(2026, 6, 15)),
])
def test_the_week_is_the_last_complete_monday_to_sunday(as_of, start):
    week = Week.last_complete(as_of)
    assert (week.start, week.end - week.start) == (start, timedelta(days=6))
    assert week.start.isoweekday() == 1


def test_nice_ticks_cover_the_top_in_round_steps():
    assert nice_ticks(10) == [0, 5, 10]
    assert nice_ticks(900_000) == [0, 500_000, 1_000_000]
    assert nice_ticks(0.8)[-1] >= 0.8
    assert nice_ticks(0) == [0.0, 1.0]


def test_the_week_and_goals_come_from_the_goal_marts(digest, generated):
    _, truth = generated
    assert digest.as_of == as_of_date(truth)
    assert digest.week == Week.last_complete(digest.as_of)
    targets = month_targets(digest.as_of.replace(day=1))
    assert {score.kpi for score in digest.scorecard} == set(targets)
    # only the company-wide rows: the lead_source rows have targets of their own
    mqls = next(b for b in digest.burnups if b.kpi == "mqls")
    assert mqls.month_target == pytest.approx(targets["mqls"])
    assert len(mqls.points) == digest.as_of.day
    assert set(digest.status_counts()) <= {"on_track", "at_risk", "behind"}


def test_markdown_numbers_equal_independent_counts(digest, built_marts):
    markdown = render_markdown(digest)
    week = digest.week
    # The funnel, counted from the people's stage times rather than the lifecycle events.
    funnel = markdown_table(markdown, "## Funnel")
    for stage in FUNNEL_STAGES:
        [(count,)] = sql(built_marts, f"select count(*) from marts.dim_people "
                                       f"where cast({stage}_at as date) between ? and ?",
                         week.start, week.end)
        name = stage.upper() if stage in ("mql", "sal", "sql") else stage
        assert int(funnel[name][0]) == count, stage

    # The handoff SLA, counted in Python from the raw handoff rows.
    statuses = [row[0] for row in sql(
        built_marts, "select sla_status from marts.fct_lead_handoffs "
                      "where mql_reported_on between ? and ?", week.start, week.end)]
    met, breached = statuses.count("met"), statuses.count("breached")
    assert (f"- **This week:** {len(statuses)} MQLs; {met} met, {breached} breached, "
            f"{statuses.count('pending')} pending") in markdown
    assert digest.sla_week.attainment == (met / (met + breached) if met + breached else None)

    # Rejections over the four weeks, by reason, from the people's rejection times.
    start = week.end - timedelta(days=27)
    expected = dict(sql(built_marts, """
        select coalesce(rejection_reason, '(not given)'), count(*) from marts.dim_people
        where cast(rejected_at as date) between ? and ? group by 1""", start, week.end))
    if expected:
        by_reason = markdown_table(markdown, "### By reason")
        assert {reason: int(cells[1]) for reason, cells in by_reason.items()} == expected
    else:
        assert "No MQLs rejected in the last 4 weeks." in markdown

    [(drifting,)] = sql(built_marts, "select count(*) from marts.rpt_definition_drift")
    assert f"{drifting} people have a tool stage that disagrees" in markdown

    quarantine = markdown_table(markdown, "- Quarantined records")
    assert int(quarantine["raw_hubspot.contacts"][1]) == QUARANTINED.count(QUARANTINED[0])

    [(best,)] = sql(built_marts, """
        select campaign_name from marts.fct_campaign_performance
        where attribution_model = 'linear' and return_on_investment is not null
        order by return_on_investment desc, campaign_name limit 1""")
    assert next(iter(markdown_table(markdown, "## Top campaigns"))) == best


def test_html_is_self_contained_with_a_chart_per_kpi_and_the_funnel(digest, tmp_path):
    files = write_digest(digest, tmp_path)
    html = files.html_path.read_text()
    assert files.html_path.name == f"samepage-digest-{digest.week.label}.html"
    assert files.markdown_path.read_text() == files.markdown == render_markdown(digest)
    # nothing fetched from anywhere: SVG's namespace is an identifier, not a download
    assert re.findall(r"https?://[^'\"]+", html) == ["http://www.w3.org/2000/svg"] * html.count(
        "xmlns=")
    for tag in ("<script", "<link", "<img", "<iframe", "@import", "url("):
        assert tag not in html
    burnups = re.findall(r"<svg class='chart burnup'.*?</svg>", html)
    assert len(burnups) == len(digest.burnups) == len(month_targets(digest.as_of.replace(day=1)))
    assert all("class='series'" in chart and "class='target'" in chart for chart in burnups)
    [funnel] = re.findall(r"<svg class='chart funnel'.*?</svg>", html)
    assert funnel.count("class='bar'") == 2 * len(FUNNEL_STAGES)
    alignment_rows = re.findall(r"^\|(?: ---:? \|)+$", files.markdown, flags=re.MULTILINE)
    assert html.count("<table>") == len(alignment_rows)


def test_html_opens_in_headless_chromium_with_its_charts(digest, tmp_path):
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian's chromium is not installed (`apt-get install -y chromium`)")
    files = write_digest(digest, tmp_path)
    page = files.html_path.as_uri()
    dom = subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'dom'}",
                          "--dump-dom", page],
                         capture_output=True, text=True, timeout=120, check=True).stdout
    # the browser parsed every chart as SVG, the lines and bars included
    assert dom.count('<svg class="chart burnup"') == len(digest.burnups)
    assert dom.count("<polyline") >= len(digest.burnups)
    assert dom.count('class="bar"') == 2 * len(FUNNEL_STAGES)

    ARTIFACTS.mkdir(exist_ok=True)
    screenshot = ARTIFACTS / "digest.png"
    screenshot.unlink(missing_ok=True)
    subprocess.run([CHROMIUM, *CHROMIUM_FLAGS, f"--user-data-dir={tmp_path / 'shot'}",
                    f"--screenshot={screenshot}", "--window-size=1200,2000", page],
                   capture_output=True, timeout=120, check=True)
    png = screenshot.read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    # a blank or text-only page compresses to a fraction of this; the charts do not
    assert len(png) > 60_000, f"{screenshot} is only {len(png)} bytes"
    shutil.copy(files.html_path, ARTIFACTS / "digest.html")


def test_slack_text_has_the_headline_numbers_and_the_links(digest):
    text = slack_text(digest, ["http://dagster.example/assets/digest/weekly_digest"])
    assert digest.week.label in text
    counts = digest.status_counts()
    assert f"{counts['on_track']} on track, {counts['at_risk']} at risk" in text
    assert f"{digest.sla_week.breached} breached of {digest.sla_week.mqls} MQLs" in text
    assert text.endswith("Full digest: http://dagster.example/assets/digest/weekly_digest")


def test_funnel_conversion_is_the_share_of_the_stage_before_that_reached_it(digest, built_marts):
    """Not one stage's count over the other's (SQLs also come without a SAL: 167% of SAL)."""
    start, end = digest.week.end - timedelta(days=27), digest.week.end
    funnel = {stage.stage: stage for stage in digest.funnel}
    rows = markdown_table(render_markdown(digest), "## Funnel")
    assert funnel["lead"].conversion is None and rows["lead"][3] == "-"
    for previous, stage in pairwise(FUNNEL_STAGES):
        people = sql(built_marts, f"select {previous}_at, {stage}_at from marts.dim_people "
                                  f"where cast({previous}_at as date) between ? and ?",
                     start, end)
        reached = sum(later is not None and later >= earlier and later.date() <= digest.as_of
                      for earlier, later in people)
        expected = reached / len(people) if people else None
        assert funnel[stage].conversion == pytest.approx(expected), stage
        name = stage.upper() if stage in ("mql", "sal", "sql") else stage
        plural = {"lead": "leads", "mql": "MQLs", "sal": "SALs", "sql": "SQLs",
                  "opportunity": "opportunities"}[previous]
        assert rows[name][3] == (f"{expected:.0%} of {plural}" if people else "-"), stage


def test_counts_and_money_read_whole_and_rates_as_percent():
    assert kpi_value("mqls", 7.3) == "7"
    assert kpi_value("sals", 11.0) == "11"
    assert kpi_value("pipeline_created", 1_210_000.4) == "1,210,000"
    assert kpi_value("sla_attainment", 0.6667) == "66.7%"
    assert kpi_value("mql_to_sql_rate", None) == "-"
