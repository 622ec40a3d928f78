"""Issue 16: every edge question of the agreed definitions is answered in the rule's words and
pinned by a dbt unit test of the same name, so the words and the SQL cannot drift apart unseen.

Each definition may list ``edge_cases`` (question, answer, unit_test) in dbt_project.yml. The
answer must be a phrase of the definition's description (what dim_definitions publishes), and the
unit test must exist beside the models; the unit test pins the SQL to that answer."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import duckdb
import pytest
import yaml

from tests.dbt.conftest import DBT_PROJECT

# The questions of issue 16 (and the truncated score history of issue 11, item 6), by the unit
# test that answers each: removing an answer from the definitions file fails here.
REQUIRED_UNIT_TESTS = (
    "sla_touch_exactly_at_deadline_is_in_time",                      # 1
    "sla_untouched_exactly_at_deadline_is_pending",                  # 2
    "mql_crossing_at_the_instant_of_becoming_customer_is_no_mql",    # 3
    "free_mail_exclusion_uses_the_persons_email_now_inbound_first",  # 4
    "mql_after_a_merge_counts_the_survivors_history_only",           # 5
    "rejected_twice_counts_the_first_rejection_and_its_reason",      # 6
    "deleted_records_and_their_activities_count_for_nothing",        # 7
    "sla_attainment_leaves_pending_mqls_out_of_the_denominator",     # 8
    "sal_task_touch_time_is_its_created_date",                       # 9
    "customer_first_won_is_the_earliest_close_date",                 # 10
    "response_hours_round_up_so_a_late_touch_shows_above_the_window",  # 11
    "sla_boundary_exclusive_makes_the_deadline_late",
    "mql_from_a_history_starting_above_the_threshold_is_flagged",
)


def _words(text: str) -> str:
    return " ".join(text.split()).lower()


def _definitions() -> dict[str, Any]:
    project = yaml.safe_load((DBT_PROJECT / "dbt_project.yml").read_text(encoding="utf-8"))
    return project["vars"]["samepage_definitions"]


def _edge_cases() -> list[tuple[str, dict[str, str]]]:
    return [(name, case) for name, entry in _definitions().items()
            for case in entry.get("edge_cases", [])]


def _unit_tests() -> dict[str, dict[str, Any]]:
    tests: dict[str, dict[str, Any]] = {}
    for path in sorted((DBT_PROJECT / "models").rglob("*unit_tests.yml")):
        for test in yaml.safe_load(path.read_text(encoding="utf-8")).get("unit_tests", []):
            tests[test["name"]] = test
    return tests


def test_every_question_of_the_issue_is_answered() -> None:
    named = [case["unit_test"] for _, case in _edge_cases()]
    assert sorted(set(REQUIRED_UNIT_TESTS) - set(named)) == []
    assert len(named) == len(set(named)), "one unit test per edge question"


@pytest.mark.parametrize(("definition", "case"), _edge_cases(),
                         ids=[case["unit_test"] for _, case in _edge_cases()])
def test_the_rule_states_the_answer_and_a_unit_test_pins_it(definition: str,
                                                            case: dict[str, str]) -> None:
    description = _definitions()[definition]["description"]
    assert _words(case["answer"]) in _words(description), (
        f"{definition}'s description no longer says {case['answer']!r}: change the words and "
        f"the unit test {case['unit_test']} together")
    assert case["unit_test"] in _unit_tests(), f"no dbt unit test named {case['unit_test']}"


def test_dim_definitions_publishes_the_answers(built_warehouse: Path) -> None:
    with duckdb.connect(str(built_warehouse), read_only=True) as con:
        descriptions = dict(con.execute(
            "select definition_name, description from marts.dim_definitions").fetchall())
        published = con.execute(
            "select definition_name, answer, unit_test_name from marts.dim_definition_edge_cases"
        ).fetchall()
        boundary = con.execute("select definition_value from marts.dim_definitions "
                               "where definition_name = 'sla_boundary'").fetchone()
    assert sorted(published) == sorted(
        (name, " ".join(case["answer"].split()), case["unit_test"]) for name, case in _edge_cases())
    for name, answer, _ in published:
        assert _words(answer) in _words(descriptions[name])
    assert boundary == ("inclusive",)
