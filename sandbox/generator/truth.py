"""The truth file: what really happened to each person, under the agreed definitions.

Computed from the generator's own timeline (not by re-reading the records), through the same
``Snapshot`` the records come from, so ids and existence agree with the world.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from . import params as pm
from .formats import NEVER, hs_times, midnight
from .snapshot import Snapshot, is_free

FORMAT = "samepage-truth/1"


@dataclass
class Truth:
    clock: str
    generator: dict[str, Any]
    definitions: dict[str, Any] = field(default_factory=lambda: dict(pm.DEFINITIONS))
    totals: dict[str, Any] = field(default_factory=dict)
    people: list[dict[str, Any]] = field(default_factory=list)

    def to_json(self) -> dict[str, Any]:
        return {"format": FORMAT, "clock": self.clock, "generator": self.generator,
                "definitions": self.definitions, "totals": self.totals, "people": self.people}

    @classmethod
    def from_json(cls, doc: dict[str, Any]) -> Truth:
        if doc.get("format") != FORMAT:
            raise ValueError(f"not a samepage truth file: format is {doc.get('format')!r}")
        return cls(clock=doc["clock"], generator=doc["generator"],
                   definitions=doc["definitions"], totals=doc["totals"], people=doc["people"])

    def dumps(self) -> str:
        """Canonical JSON: the same truth always gives the same bytes."""
        return json.dumps(self.to_json(), ensure_ascii=False, sort_keys=True,
                          separators=(",", ":")) + "\n"

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(self.dumps(), encoding="utf-8")

    @classmethod
    def load(cls, path: Path) -> Truth:
        return cls.from_json(json.loads(path.read_text(encoding="utf-8")))


def compute(snap: Snapshot, generator: dict[str, Any], clock: str) -> Truth:
    tl, c = snap.tl, snap.clock
    people, hs, leads, sf, opps, tasks = (tl.people, tl.contacts, tl.leads, tl.sf_contacts,
                                          tl.opps, tl.tasks)
    n = people.n

    def first(rows_person: np.ndarray, times: np.ndarray) -> np.ndarray:
        out = np.full(n, NEVER)
        np.minimum.at(out, rows_person, times)
        return out

    contact_alive = sf.created <= c
    lead_at = np.minimum.reduce([
        first(hs.person, np.where(snap.hs_alive, hs.created, NEVER)),
        first(leads.person, np.where(snap.lead_alive, leads.created, NEVER)),
        first(sf.person, np.where(contact_alive, sf.created, NEVER))])
    exists = lead_at < NEVER

    customer = snap.person_customer
    cross = first(hs.person, np.where(snap.hs_alive, snap.at(hs.cross), NEVER))
    free = np.array([is_free(e) for e in people.email], dtype=bool)
    mql = np.where((cross < NEVER) & ~free & ~(customer <= cross), cross, NEVER)

    task_person_mql = mql[tasks.person]
    task_t = np.where((tasks.created <= c) & (tasks.created >= task_person_mql), tasks.created,
                      NEVER)
    work_t = np.where(snap.lead_alive & (leads.working <= c) & (leads.working >= mql[leads.person]),
                      leads.working, NEVER)
    sal = np.where(mql < NEVER, np.minimum(first(tasks.person, task_t),
                                           first(leads.person, work_t)), NEVER)

    has_lead = first(leads.person, np.where(snap.lead_alive, 0, NEVER)) == 0
    opp_created = np.where(snap.opp_alive, opps.created, NEVER)
    sql = np.minimum.reduce([
        first(leads.person, np.where(snap.lead_alive, snap.at(leads.qualified), NEVER)),
        first(leads.person, np.where(snap.lead_alive, midnight(snap.at(leads.converted)), NEVER)),
        np.where(has_lead, NEVER, first(opps.person, opp_created))])

    rejected_rows = snap.lead_alive & (leads.unqualified <= c) & \
        (leads.unqualified >= mql[leads.person])
    rejected = first(leads.person, np.where(rejected_rows, leads.unqualified, NEVER))

    window = pm.SLA_FIRST_TOUCH_HOURS * pm.HOUR
    # sla_boundary inclusive (the default): a touch exactly at the deadline is in time, and an
    # untouched MQL exactly at the deadline is still pending
    on_time = sal - mql <= window
    # True / False, or None while an untouched MQL is still inside its window
    sla = np.where(mql >= NEVER, -1, np.where(sal < NEVER, on_time.astype(int),
                                              np.where(c - mql > window, 0, -1)))

    ids = _record_ids(snap)
    opp_rows = _group(opps.person[snap.opp_alive], np.flatnonzero(snap.opp_alive).tolist(), n)
    reasons = _group(leads.person[rejected_rows], leads.reason[rejected_rows].tolist(), n)
    strs = {name: hs_times(arr) for name, arr in
            (("lead_at", lead_at), ("mql_at", mql), ("sal_at", sal), ("sql_at", sql),
             ("rejected_at", rejected), ("opportunity_at", first(opps.person, opp_created)),
             ("customer_at", customer))}
    won_closed = opps.won & (opps.closed <= c)
    out: list[dict[str, Any]] = []
    for p in np.flatnonzero(exists).tolist():
        email = people.email[p]
        rows = opp_rows[p]
        record = {
            "person_id": f"person-{p}",
            "email": email if email and pm.VALID_EMAIL.match(email) else None,
            "hubspot_contact_ids": sorted(ids["hs"][p] + ids["hs_merged"][p]),
            "hubspot_merged_contact_ids": sorted(ids["hs_merged"][p]),
            "salesforce_lead_ids": sorted(ids["lead"][p]),
            "salesforce_contact_ids": sorted(ids["contact"][p]),
            "opportunity_ids": sorted(snap.opp_ids[r] for r in rows),
            "sla_met": None if sla[p] < 0 else bool(sla[p]),
            "rejection_reason": pm.DISQUALIFICATION_REASONS[reasons[p][0]] if reasons[p] else None,
            "pipeline_amount": float(sum(opps.amount[r] for r in rows)),
            "won_revenue": float(sum(opps.amount[r] for r in rows if won_closed[r])),
        }
        record.update({name: values[p] for name, values in strs.items()})
        out.append(record)
    totals = totals_of(out)
    return Truth(clock=clock, generator=generator, totals=totals, people=out)


def _group(person: np.ndarray, values: list[Any], n: int) -> list[list[Any]]:
    groups: list[list[Any]] = [[] for _ in range(n)]
    for p, v in zip(person.tolist(), values, strict=True):
        groups[p].append(v)
    return groups


def _record_ids(snap: Snapshot) -> dict[str, list[list[str]]]:
    tl, n = snap.tl, snap.tl.people.n
    hs = tl.contacts
    return {
        "hs": _group(hs.person[snap.hs_alive], [str(i) for i in hs.hs_id[snap.hs_alive]], n),
        "hs_merged": _group(hs.person[snap.hs_merged_away],
                            [str(i) for i in hs.hs_id[snap.hs_merged_away]], n),
        "lead": _group(tl.leads.person[snap.lead_alive],
                       [snap.lead_ids[r] for r in np.flatnonzero(snap.lead_alive)], n),
        "contact": _group(tl.sf_contacts.person[snap.contact_visible],
                          [snap.contact_ids[r] for r in snap.contact_visible], n),
    }


def totals_of(people: list[dict[str, Any]]) -> dict[str, Any]:
    """The truth file's totals over its people (every topology counts them alike)."""
    return {
        "people": len(people),
        "mqls": sum(1 for r in people if r["mql_at"]),
        "sals": sum(1 for r in people if r["sal_at"]),
        "sqls": sum(1 for r in people if r["sql_at"]),
        "rejected": sum(1 for r in people if r["rejected_at"]),
        "opportunities": sum(len(r["opportunity_ids"]) for r in people),
        "customers": sum(1 for r in people if r["customer_at"]),
        "sla_breaches": sum(1 for r in people if r["sla_met"] is False),
        "pipeline_amount": round(sum(r["pipeline_amount"] for r in people), 2),
        "won_revenue": round(sum(r["won_revenue"] for r in people), 2),
    }
