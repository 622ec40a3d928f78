"""Topology ``hubspot``: HubSpot alone, the sales CRM as well as marketing.

The same timeline as the two-tool company, read differently: the sales work the timeline puts on
a contact's synced Lead (touches, qualification, rejection, conversion) happens on the HubSpot
contact itself. Reps set ``hs_lead_status`` (with history), log calls, e-mails, meetings, tasks and
notes (CRM v3 activity objects associated with the contact) and run deals in two pipelines whose
stage metadata says which stages are closed and won. Duplicate deals and companies are merged
(``hs_merged_object_ids`` on the survivor). People who exist only in Salesforce in the two-tool
world (direct Leads, Contacts added by reps) do not exist here, nor do their deals.

The truth follows the HubSpot-as-CRM rules (sandbox/README.md "Topologies").
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np

from . import catalogue, hubspot_records
from . import params as pm
from .formats import NEVER, hs_times, iso
from .hubspot_records import COMPANY_ID0, DEAL_ID0, owner_id
from .sales import TASK_SUBJECTS
from .snapshot import Snapshot, is_free
from .truth import Truth, _group, totals_of

ACTIVITY_TYPES = ("calls", "emails", "meetings", "tasks", "notes")
ACTIVITY_ID0 = {"calls": 31_000_000, "emails": 32_000_000, "meetings": 33_000_000,
                "tasks": 34_000_000, "notes": 35_000_000}
# v3 association type names of each activity's contact link (v4 type ids in sandbox/hubspot.py)
TO_CONTACT = {"calls": "call_to_contact", "emails": "email_to_contact",
              "meetings": "meeting_event_to_contact", "tasks": "task_to_contact",
              "notes": "note_to_contact"}
# Activities a rep deletes again soon after logging them (archived: no touch)
ACTIVITY_DELETE_P = 0.02
DUP_DEAL_ID0, DUP_COMPANY_ID0 = DEAL_ID0 + 5_000_000, COMPANY_ID0 + 2_000_000
# HubSpot's default call dispositions (id -> label)
CONNECTED, LEFT_VOICEMAIL = "f240bbac-87c9-4f6e-bf70-924b57d47db7", \
    "b2cf5968-551e-4856-9783-52b3da59a7d0"


@dataclass(frozen=True)
class Stage:
    id: str
    label: str
    probability: float
    closed: bool


# Each pipeline's stages in order: five open ones, then won, then lost. The default pipeline's
# ids are HubSpot's own; a portal's added pipeline gets numeric ids, so "won" is only known from
# the stage metadata (isClosed and probability 1.0), never from the id.
PIPELINES = {
    "default": ("Sales Pipeline", (
        Stage("appointmentscheduled", "Appointment Scheduled", 0.2, False),
        Stage("qualifiedtobuy", "Qualified To Buy", 0.4, False),
        Stage("presentationscheduled", "Presentation Scheduled", 0.6, False),
        Stage("decisionmakerboughtin", "Decision Maker Bought-In", 0.8, False),
        Stage("contractsent", "Contract Sent", 0.9, False),
        Stage("closedwon", "Closed Won", 1.0, True),
        Stage("closedlost", "Closed Lost", 0.0, True))),
    "87654321": ("Enterprise", (
        Stage("87654322", "Discovery", 0.1, False), Stage("87654323", "Solution Fit", 0.3, False),
        Stage("87654324", "Business Case", 0.5, False), Stage("87654325", "Proposal", 0.7, False),
        Stage("87654326", "Legal Review", 0.9, False), Stage("87654327", "Signed", 1.0, True),
        Stage("87654328", "Lost", 0.0, True))),
}
WON, LOST = 5, 6


class CrmWork:
    """Who works whom in HubSpot, at the snapshot's clock: lead-status changes, activities and
    deals, as arrays both the records and the truth read."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        tl, c = snap.tl, snap.clock
        leads = tl.leads
        # the sales work of synced Leads (created from HubSpot contacts, never deleted)
        self.lead_rows = np.flatnonzero(leads.synced & (leads.created <= c))
        sf_lead = tl.sf_contacts.lead[tl.opps.contact]
        from_synced = np.zeros(len(tl.opps.person), dtype=bool)
        has_lead = sf_lead >= 0
        from_synced[has_lead] = leads.synced[sf_lead[has_lead]]
        self.deal_rows = np.flatnonzero(from_synced & (tl.opps.created <= c))
        rng = np.random.default_rng([tl.seed, tl.scale, 98])
        n_opps = len(tl.opps.person)
        dup = rng.random(n_opps) < pm.DEAL_DUP_P
        dup_created = tl.opps.created + (rng.exponential(2 * pm.DAY, n_opps) + pm.HOUR).astype(
            np.int64)
        self.dup_deal_created = np.where(dup, dup_created, NEVER)
        self.dup_deal_merged = np.where(dup, dup_created + (rng.exponential(
            4 * pm.DAY, n_opps) + pm.HOUR).astype(np.int64), NEVER)
        accounts = len(tl.accounts.name)
        dup_company = rng.random(accounts) < pm.COMPANY_DUP_P
        company_dup_created = snap.company_created + (rng.exponential(
            10 * pm.DAY, accounts) + pm.HOUR).astype(np.int64)
        self.dup_company_created = np.where(dup_company & (snap.company_created < NEVER),
                                            company_dup_created, NEVER)
        self.dup_company_merged = np.where(self.dup_company_created < NEVER,
                                           company_dup_created + (rng.exponential(
                                               10 * pm.DAY, accounts) + pm.HOUR).astype(np.int64),
                                           NEVER)
        self.pipeline = np.where(
            tl.accounts.employees[tl.people.account[tl.opps.person]] >= pm.ENTERPRISE_EMPLOYEES,
            "87654321", "default")

    # --- lead status: one (time, status) list per synced Lead row -----------------------------
    def status_changes(self, lead: int) -> list[tuple[int, str]]:
        leads, c = self.snap.tl.leads, self.snap.clock
        changes = [(int(leads.created[lead]), "NEW")]
        if leads.touch[lead] < NEVER:
            if leads.touch_mode[lead] == 1:   # a call that did not reach them, logged as such
                changes.append((int(leads.touch[lead]) + 30 * pm.MINUTE, "ATTEMPTED_TO_CONTACT"))
            else:
                changes.append((int(leads.working[lead]), pm.HS_SAL_LEAD_STATUS))
        if leads.qualified[lead] < NEVER:
            changes.append((int(leads.qualified[lead]), pm.HS_SQL_LEAD_STATUS))
        if leads.unqualified[lead] < NEVER:
            changes.append((int(leads.unqualified[lead]), pm.HS_REJECTED_LEAD_STATUS))
        return sorted(t for t in changes if t[0] <= c)

    # --- activities --------------------------------------------------------------------------
    @cached_property
    def activities(self) -> dict[str, dict[str, np.ndarray]]:
        """Per activity type: row (id offset), person, time (hs_timestamp), deleted (NEVER)."""
        tl, c = self.snap.tl, self.snap.clock
        tasks, leads, opps = tl.tasks, tl.leads, tl.opps
        on_synced = np.zeros(len(tasks.person), dtype=bool)
        has_lead = tasks.lead >= 0
        on_synced[has_lead] = leads.synced[tasks.lead[has_lead]]
        kind = np.array([TASK_SUBJECTS[s][1] for s in range(len(TASK_SUBJECTS))])[tasks.subject]
        out: dict[str, dict[str, np.ndarray]] = {}
        for name, subject_kind in (("calls", "Call"), ("emails", "Email"), ("tasks", "Task")):
            rows = np.flatnonzero(on_synced & (kind == subject_kind) & (tasks.created <= c))
            out[name] = {"row": rows, "person": tasks.person[rows], "time": tasks.created[rows]}
        # a discovery meeting when a deal reaches its third stage
        deals = self.deal_rows
        reached = opps.stages[deals, 2]
        rows = deals[reached <= c]
        out["meetings"] = {"row": rows, "person": opps.person[rows],
                           "time": opps.stages[rows, 2] - 2 * pm.HOUR}
        # a note with the reason when a rep disqualifies a contact
        rows = self.lead_rows[leads.unqualified[self.lead_rows] <= c]
        out["notes"] = {"row": rows, "person": leads.person[rows], "time": leads.unqualified[rows]}
        rng = np.random.default_rng([tl.seed, tl.scale, 96])
        for name in ACTIVITY_TYPES:
            table = out[name]
            n = len(tasks.person) if name in ("calls", "emails", "tasks") else \
                len(opps.person) if name == "meetings" else len(leads.person)
            draw = rng.random(n)[table["row"]]
            gone = table["time"] + (rng.exponential(pm.DAY, n)[table["row"]] + pm.HOUR).astype(
                np.int64)
            table["deleted"] = np.where((draw < ACTIVITY_DELETE_P) & (gone <= c), gone, NEVER)
        return out


def build(snap: Snapshot) -> dict[str, Any]:
    """The HubSpot section of a ``hubspot`` world."""
    work = CrmWork(snap)
    out = hubspot_records.build(snap)
    out["contacts"] = _contacts(work, out["contacts"])
    out["companies"] = _companies(work, out["companies"])
    out["deals"] = _deals(work)
    for name in ACTIVITY_TYPES:
        out[name] = _activities(work, name)
    out["pipelines"] = {"deals": pipelines(pm.START)}
    return out


def _contacts(work: CrmWork, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    snap = work.snap
    tl, leads = snap.tl, snap.tl.leads
    by_contact: dict[str, int] = {}
    for lead in work.lead_rows.tolist():
        row = snap.primary_contact[leads.person[lead]]
        by_contact[str(tl.contacts.hs_id[row])] = lead
    for rec in records:
        props = rec["properties"]
        props.pop("salesforceleadid", None)
        props.pop("hs_lead_status", None)  # the catalogue's stand-in: the reps' value below
        lead = by_contact.get(rec["id"])
        if lead is None:
            continue
        changes = work.status_changes(lead)
        props["hs_lead_status"] = changes[-1][1]
        rec["propertiesWithHistory"]["hs_lead_status"] = [
            {"value": status, "timestamp": iso(t), "sourceType": "CRM_UI"}
            for t, status in reversed(changes)]
        if changes[-1][1] == pm.HS_REJECTED_LEAD_STATUS:
            props[pm.HS_REJECTION_REASON_PROPERTY] = \
                pm.DISQUALIFICATION_REASONS[leads.reason[lead]]
        updated = max(rec["updatedAt"], iso(changes[-1][0]))
        rec["updatedAt"] = props["lastmodifieddate"] = updated
    return records


def _companies(work: CrmWork, records: list[dict[str, Any]]) -> list[dict[str, Any]]:
    snap, c = work.snap, work.snap.clock
    acc = snap.tl.accounts
    by_id = {rec["id"]: rec for rec in records}
    rows = np.flatnonzero(work.dup_company_created <= c)
    for a in rows.tolist():
        survivor = by_id[str(COMPANY_ID0 + a)]
        merged = int(work.dup_company_merged[a])
        dup_id = str(DUP_COMPANY_ID0 + a)
        if merged <= c:
            survivor["properties"]["hs_merged_object_ids"] = dup_id
            survivor["updatedAt"] = survivor["properties"]["hs_lastmodifieddate"] = iso(merged)
            continue
        created = iso(int(work.dup_company_created[a]))
        props = {"hs_object_id": dup_id, "name": acc.name[a], "domain": acc.domain[a],
                 "createdate": created, "hs_lastmodifieddate": created}
        records.append({"id": dup_id, "properties": props, "createdAt": created,
                        "updatedAt": created, "archived": False})
    return sorted(records, key=lambda rec: int(rec["id"]))


def _deals(work: CrmWork) -> list[dict[str, Any]]:
    snap, c = work.snap, work.snap.clock
    tl = snap.tl
    opps, people = tl.opps, tl.people
    out = []
    for r in work.deal_rows.tolist():
        p = int(opps.person[r])
        stages = PIPELINES[str(work.pipeline[r])][1]
        changes = [(int(t), stages[k]) for k, t in enumerate(opps.stages[r]) if t <= c]
        closed = opps.closed[r] <= c
        if closed:
            changes.append((int(opps.closed[r]), stages[WON if opps.won[r] else LOST]))
        owner = owner_id(int(people.rep[p]))
        contact = str(tl.contacts.hs_id[snap.primary_contact[p]])
        company = None
        if snap.company_created[people.account[p]] <= c and not people.free[p]:
            company = str(COMPANY_ID0 + int(people.account[p]))
        times = [t for t, _ in changes]
        dup_id = None
        if work.dup_deal_merged[r] <= c:
            dup_id = str(DUP_DEAL_ID0 + r)
            times.append(int(work.dup_deal_merged[r]))
        elif work.dup_deal_created[r] <= c:
            dup_created = int(work.dup_deal_created[r])
            out.append(_deal(str(DUP_DEAL_ID0 + r), work, r, [(dup_created, stages[0])],
                             int(opps.expected_close[r]), owner, contact, company, dup_created))
        close = int(opps.closed[r]) if closed else int(opps.expected_close[r])
        rec = _deal(str(DEAL_ID0 + r), work, r, changes, close, owner, contact, company,
                    max(times))
        if dup_id is not None:
            rec["properties"]["hs_merged_object_ids"] = dup_id
        out.append(rec)
    catalogue.fill("deals", out)
    for rec in out:  # the catalogue's stand-ins replaced by what the stage says
        stage = next(s for _, stages in PIPELINES.values() for s in stages
                     if s.id == rec["properties"]["dealstage"])
        rec["properties"].update({
            "hs_is_closed": str(stage.closed).lower(),
            "hs_is_closed_won": str(stage.closed and stage.probability == 1.0).lower(),
            "hs_deal_stage_probability": str(stage.probability)})
    return sorted(out, key=lambda rec: int(rec["id"]))


def _deal(did: str, work: CrmWork, r: int, changes: list[tuple[int, Stage]], close: int,
          owner: str, contact: str, company: str | None, updated_ms: int) -> dict[str, Any]:
    tl = work.snap.tl
    account = tl.people.account[tl.opps.person[r]]
    history = [{"value": stage.id, "timestamp": iso(t), "sourceType": "CRM_UI"}
               for t, stage in reversed(changes)]
    created, updated = iso(changes[0][0]), iso(updated_ms)
    props = {"hs_object_id": did, "dealname": f"{tl.accounts.name[account]} - New Business",
             "amount": f"{tl.opps.amount[r]:.2f}", "dealstage": history[0]["value"],
             "pipeline": str(work.pipeline[r]), "closedate": iso(close), "createdate": created,
             "hs_lastmodifieddate": updated, "hubspot_owner_id": owner}
    assoc = {"contacts": {"results": [{"id": contact, "type": "deal_to_contact"}]}}
    if company is not None:
        assoc["companies"] = {"results": [{"id": company, "type": "deal_to_company"},
                                          {"id": company, "type": "deal_to_company_unlabeled"}]}
    return {"id": did, "properties": props, "createdAt": created, "updatedAt": updated,
            "archived": False, "propertiesWithHistory": {"dealstage": history},
            "associations": assoc}


def _activities(work: CrmWork, name: str) -> list[dict[str, Any]]:
    snap = work.snap
    tl = snap.tl
    table = work.activities[name]
    times = hs_times(table["time"])
    out = []
    for k, (row, p) in enumerate(zip(table["row"].tolist(), table["person"].tolist(),
                                     strict=True)):
        aid = str(ACTIVITY_ID0[name] + row)
        when = times[k]
        props = {"hs_object_id": aid, "hs_timestamp": when, "hs_createdate": when,
                 "hs_lastmodifieddate": when, "hubspot_owner_id": owner_id(int(tl.people.rep[p]))}
        props.update(_details(name, row, int(table["time"][k]), snap))
        deleted = int(table["deleted"][k])
        updated = iso(deleted) if deleted < NEVER else when
        rec: dict[str, Any] = {"id": aid, "properties": props, "createdAt": when,
                               "updatedAt": updated, "archived": bool(deleted < NEVER)}
        if deleted < NEVER:
            rec["archivedAt"] = updated
            props["hs_lastmodifieddate"] = updated
        contact = str(tl.contacts.hs_id[snap.primary_contact[p]])
        rec["associations"] = {"contacts": {"results": [{"id": contact,
                                                         "type": TO_CONTACT[name]}]}}
        out.append(rec)
    return out


def _details(name: str, row: int, t: int, snap: Snapshot) -> dict[str, str]:
    tl = snap.tl
    if name in ("calls", "emails", "tasks"):
        subject = TASK_SUBJECTS[tl.tasks.subject[row]][0]
        if name == "calls":
            reached = row % 3 != 0
            return {"hs_call_title": subject, "hs_call_direction": "OUTBOUND",
                    "hs_call_status": "COMPLETED",
                    "hs_call_disposition": CONNECTED if reached else LEFT_VOICEMAIL,
                    "hs_call_duration": str((row * 7919 % 900 + 30) * 1000 if reached else 25000)}
        if name == "emails":
            return {"hs_email_subject": subject, "hs_email_direction": "EMAIL",
                    "hs_email_status": "SENT"}
        return {"hs_task_subject": subject, "hs_task_status": "COMPLETED",
                "hs_task_type": "TODO", "hs_task_priority": "MEDIUM",
                "hs_task_completion_date": iso(t)}
    if name == "meetings":
        return {"hs_meeting_title": "Discovery call", "hs_meeting_outcome": "COMPLETED",
                "hs_meeting_start_time": iso(t), "hs_meeting_end_time": iso(t + pm.HOUR)}
    reason = pm.DISQUALIFICATION_REASONS[tl.leads.reason[row]]
    return {"hs_note_body": f"<p>Disqualified: {reason}</p>"}


def pipelines(created: str) -> list[dict[str, Any]]:
    """GET /crm/v3/pipelines/deals results: stage metadata values are strings, as HubSpot's."""
    out = []
    for order, (pid, (label, stages)) in enumerate(PIPELINES.items()):
        out.append({"label": label, "displayOrder": order, "id": pid, "createdAt": created,
                    "updatedAt": created, "archived": False, "stages": [
                        {"label": s.label, "displayOrder": k, "id": s.id,
                         "metadata": {"isClosed": str(s.closed).lower(),
                                      "probability": str(s.probability)},
                         "createdAt": created, "updatedAt": created, "archived": False,
                         "writePermissions": "CRM_PERMISSIONS_ENFORCEMENT"}
                        for k, s in enumerate(stages)]})
    return out


# --- the truth ------------------------------------------------------------------------------------

def compute(snap: Snapshot, generator: dict[str, Any], clock: str) -> Truth:
    """What happened to each person under the HubSpot-as-CRM rules (sandbox/README.md)."""
    work = CrmWork(snap)
    tl, c = snap.tl, snap.clock
    people, hs, leads, opps = tl.people, tl.contacts, tl.leads, tl.opps
    n = people.n

    def first(rows_person: np.ndarray, times: np.ndarray) -> np.ndarray:
        out = np.full(n, NEVER)
        np.minimum.at(out, rows_person, times)
        return out

    lead_at = first(hs.person, np.where(snap.hs_alive, hs.created, NEVER))
    exists = lead_at < NEVER
    deals = work.deal_rows
    won = deals[opps.won[deals] & (opps.closed[deals] <= c)]
    customer = first(opps.person[won], opps.closed[won])
    cross = first(hs.person, np.where(snap.hs_alive, snap.at(hs.cross), NEVER))
    free = np.array([is_free(e) for e in people.email], dtype=bool)
    mql = np.where((cross < NEVER) & ~free & ~(customer <= cross), cross, NEVER)

    status_person, status_time, status_value, status_reason = [], [], [], []
    for lead in work.lead_rows.tolist():
        for t, status in work.status_changes(lead):
            status_person.append(int(leads.person[lead]))
            status_time.append(t)
            status_value.append(status)
            status_reason.append(int(leads.reason[lead]))
    sp, st = np.array(status_person, dtype=np.int64), np.array(status_time, dtype=np.int64)
    sv = np.array(status_value, dtype=object)

    def status_at(status: str, after_mql: bool) -> np.ndarray:
        ok = sv == status
        if after_mql:
            ok &= st >= mql[sp]
        return first(sp[ok], st[ok])

    touch_person, touch_time = [], []
    for name in ("calls", "emails", "meetings", "tasks"):   # notes are no touch
        table = work.activities[name]
        ok = (table["deleted"] >= NEVER) & (table["time"] >= mql[table["person"]])
        touch_person.append(table["person"][ok])
        touch_time.append(table["time"][ok])
    touched = first(np.concatenate(touch_person), np.concatenate(touch_time))
    sal = np.where(mql < NEVER, np.minimum(touched, status_at(pm.HS_SAL_LEAD_STATUS, True)), NEVER)

    deal_rows = np.concatenate([deals, deals[work.dup_deal_created[deals] <= c]])
    deal_created = np.concatenate([opps.created[deals],
                                   work.dup_deal_created[deals][work.dup_deal_created[deals] <= c]])
    visible_dup = deals[(work.dup_deal_created[deals] <= c) & (work.dup_deal_merged[deals] > c)]
    opportunity = first(opps.person[deal_rows], deal_created)
    sql = np.minimum(status_at(pm.HS_SQL_LEAD_STATUS, False), opportunity)
    rejected_ok = (sv == pm.HS_REJECTED_LEAD_STATUS) & (st >= mql[sp]) if len(sv) else \
        np.zeros(0, dtype=bool)
    rejected = first(sp[rejected_ok], st[rejected_ok])
    reasons = _group(sp[rejected_ok], np.array(status_reason)[rejected_ok].tolist(), n)

    window = pm.SLA_FIRST_TOUCH_HOURS * pm.HOUR
    on_time = sal - mql <= window
    sla = np.where(mql >= NEVER, -1, np.where(sal < NEVER, on_time.astype(int),
                                              np.where(c - mql > window, 0, -1)))

    deal_ids = _group(opps.person[deals], [str(DEAL_ID0 + r) for r in deals.tolist()], n)
    for r in visible_dup.tolist():
        deal_ids[int(opps.person[r])].append(str(DUP_DEAL_ID0 + r))
    amounts = _group(opps.person[deals], opps.amount[deals].tolist(), n)
    for r in visible_dup.tolist():
        amounts[int(opps.person[r])].append(float(opps.amount[r]))
    won_amounts = _group(opps.person[won], opps.amount[won].tolist(), n)
    hs_ids = _group(hs.person[snap.hs_alive], [str(i) for i in hs.hs_id[snap.hs_alive]], n)
    hs_merged = _group(hs.person[snap.hs_merged_away],
                       [str(i) for i in hs.hs_id[snap.hs_merged_away]], n)
    strs = {name: hs_times(arr) for name, arr in
            (("lead_at", lead_at), ("mql_at", mql), ("sal_at", sal), ("sql_at", sql),
             ("rejected_at", rejected), ("opportunity_at", opportunity),
             ("customer_at", customer))}
    out: list[dict[str, Any]] = []
    for p in np.flatnonzero(exists).tolist():
        email = people.email[p]
        record = {
            "person_id": f"person-{p}",
            "email": email if email and pm.VALID_EMAIL.match(email) else None,
            "hubspot_contact_ids": sorted(hs_ids[p] + hs_merged[p]),
            "hubspot_merged_contact_ids": sorted(hs_merged[p]),
            "salesforce_lead_ids": [],
            "salesforce_contact_ids": [],
            "opportunity_ids": sorted(deal_ids[p]),
            "sla_met": None if sla[p] < 0 else bool(sla[p]),
            "rejection_reason": pm.DISQUALIFICATION_REASONS[reasons[p][0]] if reasons[p] else None,
            "pipeline_amount": float(sum(amounts[p])),
            "won_revenue": float(sum(won_amounts[p])),
        }
        record.update({name: values[p] for name, values in strs.items()})
        out.append(record)
    totals = totals_of(out)
    return Truth(clock=clock, generator=generator,
                 definitions={**pm.DEFINITIONS, **pm.HS_CRM_DEFINITIONS},
                 totals=totals, people=out)
