"""Compare samepage's marts with a generator truth file: the done-when check of issue 4.

``compare_with_truth(warehouse, truth)`` reads ``marts.dim_people`` and returns a list of
human-readable mismatches (empty when the marts agree with the truth). It only needs a DuckDB file
whose marts were built, so the end-to-end test can switch from the raw loader to the real Dagster
job without touching it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb

from sandbox.generator import Truth

STAGE_TIMES = ("lead_at", "mql_at", "sal_at", "sql_at", "rejected_at", "opportunity_at",
               "customer_at")
_ID_LISTS = ("hubspot_contact_ids", "hubspot_merged_contact_ids", "salesforce_lead_ids",
             "salesforce_contact_ids", "opportunity_ids")


def _split(text: str | None) -> list[str]:
    return [part for part in (text or "").split(";") if part]


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00")).astimezone(UTC)
    return value.replace(tzinfo=UTC)


def read_people(warehouse: Path) -> list[dict[str, Any]]:
    with duckdb.connect(str(warehouse), read_only=True) as con:
        cursor = con.execute(f"""
            select person_id, email, {", ".join(_ID_LISTS)}, {", ".join(STAGE_TIMES)},
                   rejection_reason, pipeline_amount, won_revenue
            from marts.dim_people""")
        names = [d[0] for d in cursor.description]
        people = [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
        handoffs = dict(con.execute(
            "select person_id, is_sla_met from marts.fct_lead_handoffs").fetchall())
    for person in people:
        person["sla_met"] = handoffs.get(person["person_id"])
    return people


def record_ids(person: dict[str, Any]) -> frozenset[str]:
    """The person's records in every tool: what makes them one person."""
    if "salesforce_lead_ids" in person and isinstance(person["salesforce_lead_ids"], list):
        ids = person["hubspot_contact_ids"] + person["salesforce_lead_ids"] + \
            person["salesforce_contact_ids"]
    else:
        ids = _split(person["hubspot_contact_ids"]) + _split(person["hubspot_merged_contact_ids"]) \
            + _split(person["salesforce_lead_ids"]) + _split(person["salesforce_contact_ids"])
    return frozenset(ids)


def compare_with_truth(warehouse: Path, truth: Truth, *, limit: int = 20) -> list[str]:
    """Every way the marts disagree with the truth (at most ``limit`` per kind)."""
    ours = {record_ids(p): p for p in read_people(warehouse)}
    theirs = {record_ids(p): p for p in truth.people}
    problems: list[str] = []

    missing = [sorted(k) for k in theirs.keys() - ours.keys()]
    extra = [sorted(k) for k in ours.keys() - theirs.keys()]
    problems += [f"person in truth, not resolved so: {ids}" for ids in missing[:limit]]
    problems += [f"person resolved, not in truth: {ids}" for ids in extra[:limit]]

    for field in (*STAGE_TIMES, "sla_met", "rejection_reason"):
        bad = []
        for key, expected in theirs.items():
            if key not in ours:
                continue
            got = ours[key][field]
            want = expected[field]
            if field.endswith("_at"):
                got, want = _utc(got), _utc(want)
            if got != want:
                bad.append(f"{field} of {sorted(key)}: marts {got}, truth {want}")
        problems += bad[:limit]
        if len(bad) > limit:
            problems.append(f"... {len(bad) - limit} more {field} mismatches")

    for field in ("won_revenue", "pipeline_amount"):
        got = round(sum(float(p[field] or 0) for p in ours.values()), 2)
        want = truth.totals[field]
        if abs(got - want) > 0.005:
            problems.append(f"total {field}: marts {got}, truth {want}")
    if len(ours) != truth.totals["people"]:
        problems.append(f"people: marts {len(ours)}, truth {truth.totals['people']}")
    return problems


def marts_totals(warehouse: Path) -> dict[str, Any]:
    """The truth file's totals as the marts count them (dim_people, fct_lead_handoffs,
    fct_opportunities), for comparison with ``truth.totals``."""
    with duckdb.connect(str(warehouse), read_only=True) as con:
        people, mqls, sals, sqls, rejected, customers, won = con.execute("""
            select count(*), count(mql_at), count(sal_at), count(sql_at), count(rejected_at),
                   count(customer_at), sum(won_revenue)
            from marts.dim_people""").fetchone()
        breaches = con.execute("select count(*) from marts.fct_lead_handoffs "
                               "where sla_status = 'breached'").fetchone()[0]
        opportunities, pipeline = con.execute(
            "select count(*), sum(amount) from marts.fct_opportunities "
            "where person_id is not null").fetchone()
    return {"people": people, "mqls": mqls, "sals": sals, "sqls": sqls, "rejected": rejected,
            "opportunities": opportunities, "customers": customers, "sla_breaches": breaches,
            "pipeline_amount": round(float(pipeline or 0), 2),
            "won_revenue": round(float(won or 0), 2)}
