"""HubSpot records at the snapshot's clock, exactly as the APIs return them."""

from __future__ import annotations

from typing import Any

import numpy as np

from . import catalogue, names
from . import params as pm
from .formats import NEVER, hs_times, iso
from .snapshot import Snapshot

LIFECYCLE = ("subscriber", "lead", "marketingqualifiedlead", "salesqualifiedlead", "opportunity",
             "customer")
FORM_IDS = tuple(f"5e1f{i:04x}-7c2b-4d8e-9a61-{i * 7919:012x}" for i in range(len(names.FORMS)))
FORM_PAGES = ("demo", "contact", "funnel-handbook", "webinars", "newsletter", "trial")
COMPANY_ID0, DEAL_ID0, OWNER_ID0 = 500_000, 7_000_000, 61_000
SENDER = {"appId": 113, "appName": "BatchEmail", "portalId": pm.PORTAL_ID}


def owner_id(rep: int) -> str:
    return str(OWNER_ID0 + rep)


# A contact's company link lists each of its association types: Primary (1) and unlabeled (279)
# always, a portal label on some; HubSpot lists them in no fixed order.
COMPANY_LABELS = ("Decision maker", "Billing contact")


def build(snap: Snapshot) -> dict[str, Any]:
    crm = {"contacts": contacts(snap), "companies": companies(snap), "deals": deals(snap)}
    for object_type, records in crm.items():
        catalogue.fill(object_type, records)
    return {**crm, "owners": owners(snap), "forms": forms(snap),
            "form_submissions": form_submissions(snap), "email_events": email_events(snap)}


def _record(oid: str, props: dict[str, Any], created: str, updated: str,
            archived_at: str | None) -> dict[str, Any]:
    rec: dict[str, Any] = {"id": oid, "properties": props, "createdAt": created,
                           "updatedAt": updated, "archived": archived_at is not None}
    if archived_at is not None:
        rec["archivedAt"] = archived_at
    return rec


def contacts(snap: Snapshot) -> list[dict[str, Any]]:
    tl, c = snap.tl, snap.clock
    hs, eng, people, leads = tl.contacts, tl.engagements, tl.people, tl.leads
    rows = snap.hs_visible
    # engagements are contiguous per contact row
    lo = np.searchsorted(eng.contact, rows, side="left")
    hi = np.searchsorted(eng.contact, rows, side="right")
    sync_lead = np.full(people.n, -1)
    synced = np.flatnonzero(leads.synced & (leads.created <= c))
    sync_lead[leads.person[synced]] = synced
    merged_into: dict[int, list[tuple[str, int]]] = {}
    for r in np.flatnonzero(snap.hs_merged_away).tolist():
        merged_into.setdefault(int(hs.person[r]), []).append((str(hs.hs_id[r]), int(hs.merged[r])))
    # per-row event times, formatted in bulk
    t_created = hs_times(hs.created[rows])
    score_t = hs_times(np.where(eng.score_time <= c, eng.score_time, NEVER))
    out = []
    for k, r in enumerate(rows.tolist()):
        p = int(hs.person[r])
        dup = bool(hs.is_dup[r])
        created = t_created[k]
        history = [{"value": "0", "timestamp": created, "sourceType": "CALCULATED"}]
        forms_done: list[str] = []
        times = [int(hs.created[r])]
        for e in range(lo[k], hi[k]):
            if eng.time[e] > c:
                break
            if eng.kind[e] == pm.ENG_FORM:
                forms_done.append(names.FORMS[eng.form[e]])
                times.append(int(eng.time[e]))
            if score_t[e] is not None:
                history.append({"value": str(int(eng.score[e])), "timestamp": score_t[e],
                                "sourceType": "CALCULATED"})
                times.append(int(eng.score_time[e]))
        history.reverse()   # newest first
        stage, stage_history = _lifecycle(snap, r, p, forms_done, times)
        props: dict[str, Any] = {
            "hs_object_id": str(hs.hs_id[r]),
            "email": snap.email_of(p, bool(hs.mess[r]) or dup, r + int(dup)),
            "firstname": names.FIRST[people.first[p]][0],
            "lastname": names.LAST[people.last[p]][0],
            "createdate": created,
            "hubspotscore": history[0]["value"],
            "lifecyclestage": stage,
            "hs_analytics_source": "OFFLINE" if dup else pm.HS_SOURCES[people.source[p]],
            "hs_analytics_source_data_1": None if dup else tl.campaigns.name[people.campaign[p]],
            "num_conversion_events": str(len(forms_done)),
            "first_conversion_event_name": forms_done[0] if forms_done else None,
            "recent_conversion_event_name": forms_done[-1] if forms_done else None,
        }
        if not people.free[p]:
            props["company"] = tl.accounts.name[people.account[p]]
        if people.title[p] % 4:   # a quarter never gave a job title: the property is absent
            props["jobtitle"] = names.JOB_TITLES[people.title[p]]
            props["samepage_persona"] = names.PERSONAS[people.persona[p]]
        lead = sync_lead[p]
        if lead >= 0 and not dup:
            props["salesforceleadid"] = snap.lead_ids[lead]
            props["hubspot_owner_id"] = owner_id(int(people.rep[p]))
            times.append(int(leads.created[lead]))
        if not dup and p in merged_into:
            props["hs_merged_object_ids"] = ";".join(i for i, _ in merged_into[p])
            times.extend(t for _, t in merged_into[p])
        mql_date = next((h["timestamp"] for h in reversed(stage_history)
                         if h["value"] == "marketingqualifiedlead"), None)
        if mql_date:
            props["hs_lifecyclestage_marketingqualifiedlead_date"] = mql_date
        archived = int(hs.deleted[r]) if hs.deleted[r] <= c else None
        updated = iso(max(t for t in [*times, archived or 0] if t <= c))
        props["lastmodifieddate"] = updated
        rec = _record(str(hs.hs_id[r]), props, created, updated,
                      iso(archived) if archived is not None else None)
        rec["propertiesWithHistory"] = {"hubspotscore": history, "lifecyclestage": stage_history}
        company = snap.company_created[people.account[p]]
        if not people.free[p] and company <= c:
            rec["associations"] = {"companies": {"results": _company_links(
                str(COMPANY_ID0 + int(people.account[p])), int(hs.hs_id[r]))}}
        out.append(rec)
    return out


def _company_links(company_id: str, contact_id: int) -> list[dict[str, str]]:
    kinds = ["contact_to_company", "contact_to_company_unlabeled"]
    if contact_id % 5 == 0:
        kinds.append(COMPANY_LABELS[contact_id // 5 % len(COMPANY_LABELS)])
    if contact_id % 3 == 1:
        kinds.reverse()  # the primary type last
    return [{"id": company_id, "type": kind} for kind in kinds]


def _lifecycle(snap: Snapshot, r: int, p: int, forms_done: list[str],
               times: list[int]) -> tuple[str, list[dict[str, Any]]]:
    """HubSpot's lifecycle stage: moves forward only, set by forms, a workflow and the CRM sync.

    The workflow may use another score than the agreed threshold, or never run at all.
    """
    hs, c = snap.tl.contacts, snap.clock
    created = int(hs.created[r])
    steps = [(created, 1 if hs.by_form[r] and forms_done and
              forms_done[0] != "Newsletter sign-up" else 0)]
    if hs.lifecycle_mode[r] != 2 and not hs.is_dup[r]:
        steps += [(int(hs.workflow_mql[r]), 2), (int(snap.person_qualified[p]) + 5 * pm.MINUTE, 3),
                  (int(snap.person_opportunity[p]) + 5 * pm.MINUTE, 4),
                  (int(snap.person_customer[p]), 5)]
    history, rank = [], -1
    for t, s in sorted(steps):
        if t <= c and s > rank:
            t = max(t, created)
            history.append({"value": LIFECYCLE[s], "timestamp": iso(t), "sourceType": "CRM_UI"
                            if s >= 3 else "AUTOMATION_PLATFORM"})
            times.append(t)
            rank = s
    history.reverse()
    return LIFECYCLE[rank], history


def companies(snap: Snapshot) -> list[dict[str, Any]]:
    acc, c = snap.tl.accounts, snap.clock
    rows = np.flatnonzero(snap.company_created <= c)
    created = hs_times(snap.company_created[rows])
    out = []
    for k, a in enumerate(rows.tolist()):
        cid = str(COMPANY_ID0 + a)
        props = {"hs_object_id": cid, "name": acc.name[a], "domain": acc.domain[a],
                 "industry": names.HS_INDUSTRY[names.INDUSTRIES[acc.industry[a]]],
                 "numberofemployees": str(int(acc.employees[a])), "country": acc.country[a],
                 "createdate": created[k], "hs_lastmodifieddate": created[k]}
        out.append(_record(cid, props, created[k], created[k], None))
    return out


def deals(snap: Snapshot) -> list[dict[str, Any]]:
    """Some opportunities are mirrored as deals by the CRM sync, a few minutes later."""
    tl, c = snap.tl, snap.clock
    opps, people = tl.opps, tl.people
    mirror = np.random.default_rng([tl.seed, tl.scale, 99]).random(len(opps.person)) < \
        pm.DEAL_MIRROR_P
    primary = snap.primary_contact[opps.person]
    lag = 5 * pm.MINUTE
    rows = np.flatnonzero(mirror & (primary >= 0) & (opps.created + lag <= c))
    out = []
    for r in rows.tolist():
        p = int(opps.person[r])
        hs_row = primary[r]
        if tl.contacts.created[hs_row] > c:
            continue
        changes = [(int(t) + lag, s) for s, t in zip(pm.OPEN_STAGES, opps.stages[r], strict=True)
                   if t + lag <= c]
        closed = opps.closed[r] + lag <= c
        if closed:
            changes.append((int(opps.closed[r]) + lag,
                            "Closed Won" if opps.won[r] else "Closed Lost"))
        history = [{"value": pm.DEAL_STAGE[s], "timestamp": iso(t), "sourceType": "CRM_UI"}
                   for t, s in reversed(changes)]
        did = str(DEAL_ID0 + r)
        archived = int(opps.deleted[r]) + lag if opps.deleted[r] + lag <= c else None
        updated = iso(max(changes[-1][0], archived or 0))
        close = opps.closed[r] if closed else opps.expected_close[r]
        props = {"hs_object_id": did,
                 "dealname": f"{tl.accounts.name[people.account[p]]} - New Business",
                 "amount": f"{opps.amount[r]:.2f}", "dealstage": history[0]["value"],
                 "pipeline": "default", "closedate": iso(int(close)),
                 "createdate": iso(changes[0][0]), "hs_lastmodifieddate": updated,
                 "hubspot_owner_id": owner_id(int(people.rep[p]))}
        rec = _record(did, props, props["createdate"], updated,
                      iso(archived) if archived is not None else None)
        rec["propertiesWithHistory"] = {"dealstage": history}
        assoc = {"contacts": {"results": [{"id": str(tl.contacts.hs_id[hs_row]),
                                           "type": "deal_to_contact"}]}}
        if snap.company_created[people.account[p]] <= c and not people.free[p]:
            assoc["companies"] = {"results": [{"id": str(COMPANY_ID0 + int(people.account[p])),
                                               "type": "deal_to_company"}]}
        rec["associations"] = assoc
        out.append(rec)
    return out


def owners(snap: Snapshot) -> list[dict[str, Any]]:
    created = iso(snap.tl.campaigns.created[0])
    out = []
    for r in range(snap.tl.n_reps):
        first, last = rep_name(r)
        team = names.REGIONS[r % 3]
        out.append({"id": owner_id(r), "email": rep_email(r), "type": "PERSON",
                    "firstName": first, "lastName": last, "userId": 9_100_000 + r,
                    "userIdIncludingInactive": 9_100_000 + r, "createdAt": created,
                    "updatedAt": created, "archived": False,
                    "teams": [{"id": str(4_000 + r % 3), "name": f"{team} Sales",
                               "primary": True}]})
    return out


def rep_name(r: int) -> tuple[str, str]:
    first, last = names.REPS[r % len(names.REPS)]
    return first, last if r < len(names.REPS) else f"{last}-{r // len(names.REPS) + 1}"


def rep_email(r: int) -> str:
    first, last = rep_name(r)
    return f"{first}.{last}@samepage-demo.com".lower()


def forms(snap: Snapshot) -> list[dict[str, Any]]:
    created = iso(snap.tl.campaigns.created[0])
    fields = [("email", "Email", "email", True), ("firstname", "First name", "single_line_text",
                                                    False),
              ("lastname", "Last name", "single_line_text", False),
              ("company", "Company name", "single_line_text", False)]
    return [{"id": FORM_IDS[i], "name": name, "formType": "hubspot", "createdAt": created,
             "updatedAt": created, "archived": False,
             "fieldGroups": [{"groupType": "default_group", "richTextType": "text", "fields": [
                 {"objectTypeId": "0-1", "name": fname, "label": label, "required": req,
                  "hidden": False, "fieldType": ftype} for fname, label, ftype, req in fields]}]}
            for i, name in enumerate(names.FORMS)]


def form_submissions(snap: Snapshot) -> dict[str, list[dict[str, Any]]]:
    tl, c = snap.tl, snap.clock
    eng, hs, people = tl.engagements, tl.contacts, tl.people
    rows = np.flatnonzero((eng.kind == pm.ENG_FORM) & (eng.time <= c))
    rows = rows[np.lexsort((rows, -eng.time[rows]))]   # newest first, as the API pages them
    out: dict[str, list[dict[str, Any]]] = {fid: [] for fid in FORM_IDS}
    for e in rows.tolist():
        r = int(eng.contact[e])
        p = int(hs.person[r])
        values = [{"name": "email", "value": snap.email_of(p, bool(hs.mess[r]), r)},
                  {"name": "firstname", "value": names.FIRST[people.first[p]][0]},
                  {"name": "lastname", "value": names.LAST[people.last[p]][0]}]
        out[FORM_IDS[eng.form[e]]].append({
            "conversionId": f"{e * 2654435761 % 2**32:08x}-{e % 65536:04x}-4{e % 4096:03x}-"
                            f"8{(e * 31) % 4096:03x}-{e:012x}",
            "submittedAt": int(eng.time[e]), "values": values,
            "pageUrl": f"https://www.samepage-demo.com/{FORM_PAGES[eng.form[e]]}"})
    return out


def email_events(snap: Snapshot) -> list[dict[str, Any]]:
    """SENT, DELIVERED, OPEN (and CLICK) events behind every e-mail engagement."""
    tl, c = snap.tl, snap.clock
    eng, hs, people = tl.engagements, tl.contacts, tl.people
    # An engagement's SENT and DELIVERED events precede it by up to 38 hours: each event is
    # visible from its own time, not from the open's.
    rows = np.flatnonzero(np.isin(eng.kind, (pm.ENG_OPEN, pm.ENG_CLICK))
                          & (eng.time <= c + 38 * pm.HOUR))
    out = []
    for e in rows.tolist():
        t = int(eng.time[e])
        sent = t - (e * 7919 % (36 * 60)) * pm.MINUTE - pm.HOUR   # sent 1 to 37 hours earlier
        recipient = people.email[hs.person[eng.contact[e]]]
        campaign = 80_000_000 + (sent - int(tl.campaigns.start[0])) // (7 * pm.DAY)
        sent_id = f"{e:x}-s"
        steps = [("SENT", sent), ("DELIVERED", sent + 4000), ("OPEN", t - pm.MINUTE
                 if eng.kind[e] == pm.ENG_CLICK else t)]
        if eng.kind[e] == pm.ENG_CLICK:
            steps.append(("CLICK", t))
        for kind, when in steps:
            if when > c:
                continue
            event = {"id": f"{e:x}-{kind[0].lower()}", "created": when, "type": kind,
                     "recipient": recipient, "emailCampaignId": campaign,
                     "sentBy": {"id": sent_id, "created": sent}, **SENDER}
            if kind == "CLICK":
                event["url"] = "https://www.samepage-demo.com/blog/one-funnel"
            out.append(event)
    out.sort(key=lambda ev: (ev["created"], ev["id"]))
    return out
