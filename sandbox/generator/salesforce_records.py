"""Salesforce records at the snapshot's clock, as a SOQL query returns them (no ``attributes``).

Deleted rows stay with ``IsDeleted: true`` (served by queryAll); history objects are faithful to
the real ones: LeadHistory has no LastModifiedDate/SystemModstamp, OpportunityHistory has a
SystemModstamp but no LastModifiedDate, and User has no IsDeleted.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from . import names
from . import params as pm
from .formats import NEVER, sf_dates, sf_ids, sf_times
from .hubspot_records import rep_email, rep_name
from .sales import TASK_SUBJECTS
from .snapshot import Snapshot

ROLES = ("Decision Maker", "Economic Buyer", "Evaluator", "Business User")
# A rep works in their sales team's region (names.REGIONS[r % 3], as the HubSpot owner's team);
# the integration user keeps Salesforce's GMT.
REGION_TIME_ZONES = {"NA": "America/New_York", "EMEA": "Europe/Berlin", "APAC": "Asia/Singapore"}
INTEGRATION_TIME_ZONE = "GMT"


def build(snap: Snapshot) -> dict[str, list[dict[str, Any]]]:
    return {"User": users(snap), "Account": accounts(snap), "Campaign": campaigns(snap),
            "Lead": leads(snap), "LeadHistory": lead_history(snap),
            "CampaignMember": campaign_members(snap), "Contact": contacts(snap),
            "Opportunity": opportunities(snap), "OpportunityHistory": opportunity_history(snap),
            "OpportunityContactRole": contact_roles(snap), "Task": tasks(snap)}


def _stamps(created: str, modified: str | None, deleted: bool) -> dict[str, Any]:
    return {"IsDeleted": deleted, "CreatedDate": created, "LastModifiedDate": modified,
            "SystemModstamp": modified}


def _latest(snap: Snapshot, *times: np.ndarray) -> np.ndarray:
    """Per row, the latest of the given times that happened by the clock."""
    stacked = np.stack([np.where(t <= snap.clock, t, -1) for t in times])
    return stacked.max(axis=0)


def users(snap: Snapshot) -> list[dict[str, Any]]:
    created = sf_times(np.array([snap.tl.campaigns.created[0] - 30 * pm.DAY]))[0]
    out = []
    for r in range(snap.tl.n_reps + 1):
        first, last = rep_name(r) if r < snap.tl.n_reps else ("HubSpot", "Integration")
        email = rep_email(r) if r < snap.tl.n_reps else "integration@samepage-demo.com"
        out.append({"Id": snap.user_ids[r], "Username": email + ".prod", "Email": email,
                    "FirstName": first, "LastName": last, "Name": f"{first} {last}",
                    "IsActive": True, "UserType": "Standard",
                    "Title": "Account Executive" if r < snap.tl.n_reps else "Integration",
                    "TimeZoneSidKey": rep_time_zone(r) if r < snap.tl.n_reps
                    else INTEGRATION_TIME_ZONE,
                    "CreatedDate": created, "LastModifiedDate": created,
                    "SystemModstamp": created})
    return out


def rep_time_zone(r: int) -> str:
    """The IANA time zone (Salesforce TimeZoneSidKey) rep ``r`` works in."""
    return REGION_TIME_ZONES[names.REGIONS[r % 3]]


def accounts(snap: Snapshot) -> list[dict[str, Any]]:
    acc = snap.tl.accounts
    rows = np.flatnonzero(snap.account_created <= snap.clock)
    created = sf_times(snap.account_created[rows])
    modified = sf_times(_latest(snap, snap.account_created[rows], snap.account_won[rows]))
    out = []
    for k, a in enumerate(rows.tolist()):
        out.append({"Id": snap.account_ids[a], "Name": acc.name[a],
                    "Website": f"www.{acc.domain[a]}",
                    "Industry": names.INDUSTRIES[acc.industry[a]],
                    "NumberOfEmployees": int(acc.employees[a]), "BillingCountry": acc.country[a],
                    "Type": "Customer" if snap.account_won[a] <= snap.clock else "Prospect",
                    "OwnerId": snap.user_ids[a % snap.tl.n_reps],
                    "CreatedById": snap.user_ids[a % snap.tl.n_reps],
                    **_stamps(created[k], modified[k], False)})
    return out


def campaigns(snap: Snapshot) -> list[dict[str, Any]]:
    cam, c = snap.tl.campaigns, snap.clock
    rows = np.flatnonzero(cam.created <= c)
    created = sf_times(cam.created[rows])
    modified = sf_times(_latest(snap, cam.created[rows], cam.start[rows], cam.end[rows]))
    start, end = sf_dates(cam.start[rows]), sf_dates(cam.end[rows])
    out = []
    for k, i in enumerate(rows.tolist()):
        status = ("Completed" if cam.end[i] <= c else "In Progress" if cam.start[i] <= c
                  else "Planned")
        out.append({"Id": snap.campaign_ids[i], "Name": cam.name[i],
                    "Type": names.CAMPAIGN_THEMES[cam.theme[i]][0], "Status": status,
                    "StartDate": start[k], "EndDate": end[k],
                    "BudgetedCost": float(cam.budget[i]),
                    "ActualCost": float(cam.actual[i]) if status == "Completed" else None,
                    "IsActive": status == "In Progress", "OwnerId": snap.user_ids[0],
                    "CreatedById": snap.user_ids[0], **_stamps(created[k], modified[k], False)})
    return out


def _status_changes(snap: Snapshot, r: int) -> list[tuple[int, str]]:
    ld, c = snap.tl.leads, snap.clock
    changes = [(int(ld.working[r]), pm.SAL_LEAD_STATUS), (int(ld.qualified[r]), pm.SQL_LEAD_STATUS),
               (int(ld.unqualified[r]), pm.REJECTED_LEAD_STATUS)]
    return sorted((t, s) for t, s in changes if t <= c)


def leads(snap: Snapshot) -> list[dict[str, Any]]:
    tl, c = snap.tl, snap.clock
    ld, people = tl.leads, tl.people
    rows = snap.lead_visible
    deleted = ld.deleted[rows] <= c
    modified = _latest(snap, ld.created[rows], ld.working[rows], ld.qualified[rows],
                       ld.unqualified[rows], ld.converted[rows], ld.deleted[rows])
    created, modified = sf_times(ld.created[rows]), sf_times(modified)
    converted = sf_dates(np.where(ld.converted[rows] <= c, ld.converted[rows], NEVER))
    out = []
    for k, r in enumerate(rows.tolist()):
        p = int(ld.person[r])
        changes = _status_changes(snap, r)
        status = changes[-1][1] if changes else pm.OPEN_LEAD_STATUS
        email = snap.email_of(p, bool(ld.mess[r]) or bool(ld.is_dup[r]), r + 1)
        is_conv = converted[k] is not None
        opp = ld.opp[r]
        owner = snap.user_ids[people.rep[p]]
        rec = {"Id": snap.lead_ids[r], "FirstName": names.FIRST[people.first[p]][0],
               "LastName": names.LAST[people.last[p]][0],
               "Name": f"{names.FIRST[people.first[p]][0]} {names.LAST[people.last[p]][0]}",
               "Company": "[not provided]" if people.free[p] else
               tl.accounts.name[people.account[p]],
               "Email": email, "Title": names.JOB_TITLES[people.title[p]],
               "LeadSource": pm.LEAD_SOURCE_FOR_HS[pm.HS_SOURCES[people.source[p]]]
               if ld.synced[r] else pm.DIRECT_LEAD_SOURCES[ld.source[r]],
               "Status": pm.SQL_LEAD_STATUS if is_conv else status,
               "Industry": names.INDUSTRIES[tl.accounts.industry[people.account[p]]],
               "Country": tl.accounts.country[people.account[p]],
               "OwnerId": owner,
               "CreatedById": snap.user_ids[-1] if ld.synced[r] else owner,
               "IsConverted": is_conv, "ConvertedDate": converted[k],
               "ConvertedContactId": snap.contact_ids[ld.contact[r]] if is_conv else None,
               "ConvertedAccountId": snap.account_ids[people.account[p]] if is_conv else None,
               "ConvertedOpportunityId": snap.opp_ids[opp] if is_conv and opp >= 0 else None,
               "Disqualification_Reason__c": pm.DISQUALIFICATION_REASONS[ld.reason[r]]
               if status == pm.REJECTED_LEAD_STATUS else None,
               # a formula field: computed by Salesforce, never written
               "Email_Domain__c": email.strip().rpartition("@")[2].lower() if email else None,
               **_stamps(created[k], modified[k], bool(deleted[k]))}
        out.append(rec)
    return out


def lead_history(snap: Snapshot) -> list[dict[str, Any]]:
    """Field history rows: created, Status changes, the disqualification reason, conversion."""
    ld, c = snap.tl.leads, snap.clock
    rows_out: list[tuple[int, int, int, str, Any, Any, str | None]] = []
    for r in snap.lead_visible.tolist():
        rows_out.append((int(ld.created[r]), r, 0, "created", None, None, None))
        previous = pm.OPEN_LEAD_STATUS
        for k, (t, status) in enumerate(_status_changes(snap, r), start=1):
            rows_out.append((t, r, k, "Status", previous, status, "DynamicEnum"))
            previous = status
            if status == pm.REJECTED_LEAD_STATUS:
                rows_out.append((t, r, 5, "Disqualification_Reason__c", None,
                                 pm.DISQUALIFICATION_REASONS[ld.reason[r]], "DynamicEnum"))
        if ld.converted[r] <= c:   # Status is already Qualified: conversion needs it
            rows_out.append((int(ld.converted[r]), r, 6, "leadConverted", None, None, None))
    rows_out.sort()
    times = sf_times(np.array([row[0] for row in rows_out], dtype=np.int64))
    ids = sf_ids("017", np.array([row[1] * 8 + row[2] for row in rows_out], dtype=np.int64))
    people, integration = snap.tl.people, snap.user_ids[-1]
    return [{"Id": ids[k], "IsDeleted": bool(ld.deleted[r] <= c), "LeadId": snap.lead_ids[r],
             "CreatedById": integration if field == "created" and ld.synced[r]
             else snap.user_ids[people.rep[ld.person[r]]], "CreatedDate": times[k],
             "Field": field, "DataType": dtype, "OldValue": old, "NewValue": new}
            for k, (_, r, _, field, old, new, dtype) in enumerate(rows_out)]


def campaign_members(snap: Snapshot) -> list[dict[str, Any]]:
    """Every lead responded to the campaign that brought it; conversion adds the Contact."""
    tl, c = snap.tl, snap.clock
    ld, people, cam = tl.leads, tl.people, tl.campaigns
    camp = people.campaign[ld.person]
    visible = snap.lead_visible
    rows = visible[~ld.is_dup[visible] & (cam.created[camp[visible]] <= ld.created[visible])]
    conv = ld.converted[rows] <= c
    modified = _latest(snap, ld.created[rows], ld.converted[rows], ld.deleted[rows])
    created, modified = sf_times(ld.created[rows]), sf_times(modified)
    responded = sf_dates(ld.created[rows])
    ids = sf_ids("00v", rows)
    return [{"Id": ids[k], "CampaignId": snap.campaign_ids[camp[r]], "LeadId": snap.lead_ids[r],
             "ContactId": snap.contact_ids[ld.contact[r]] if conv[k] else None,
             "Status": "Responded", "HasResponded": True, "FirstRespondedDate": responded[k],
             **_stamps(created[k], modified[k], bool(ld.deleted[r] <= c))}
            for k, r in enumerate(rows.tolist())]


def contacts(snap: Snapshot) -> list[dict[str, Any]]:
    tl = snap.tl
    sf, people = tl.sf_contacts, tl.people
    rows = snap.contact_visible
    created = sf_times(sf.created[rows])
    out = []
    for k, r in enumerate(rows.tolist()):
        p = int(sf.person[r])
        from_lead = sf.lead[r] >= 0
        email = people.alt_email[p] if from_lead and people.use_alt[p] else \
            snap.email_of(p, not from_lead and bool(r % 4 == 0), r)
        owner = snap.user_ids[people.rep[p]]
        out.append({"Id": snap.contact_ids[r], "AccountId": snap.account_ids[people.account[p]],
                    "FirstName": names.FIRST[people.first[p]][0],
                    "LastName": names.LAST[people.last[p]][0],
                    "Name": f"{names.FIRST[people.first[p]][0]} {names.LAST[people.last[p]][0]}",
                    "Email": email, "Title": names.JOB_TITLES[people.title[p]],
                    "LeadSource": "Web" if from_lead else "Other", "OwnerId": owner,
                    "CreatedById": owner, **_stamps(created[k], created[k], False)})
    return out


def _stage_at(snap: Snapshot, r: int) -> tuple[list[tuple[int, str]], bool]:
    """The opportunity's stage changes by the clock, and whether it is closed."""
    opps, c = snap.tl.opps, snap.clock
    changes = [(int(t), s) for s, t in zip(pm.OPEN_STAGES, opps.stages[r], strict=True) if t <= c]
    closed = bool(opps.closed[r] <= c)
    if closed:
        changes.append((int(opps.closed[r]), "Closed Won" if opps.won[r] else "Closed Lost"))
    return changes, closed


def opportunities(snap: Snapshot) -> list[dict[str, Any]]:
    tl, c = snap.tl, snap.clock
    opps, people = tl.opps, tl.people
    rows = snap.opp_visible
    created = sf_times(opps.created[rows])
    out = []
    for k, r in enumerate(rows.tolist()):
        p = int(opps.person[r])
        changes, closed = _stage_at(snap, r)
        stage = changes[-1][1]
        deleted = bool(opps.deleted[r] <= c)
        last = max(changes[-1][0], int(opps.deleted[r]) if deleted else 0)
        close = opps.closed[r] if closed else opps.expected_close[r]
        prob = pm.STAGE_PROBABILITY[stage]
        amount = float(opps.amount[r])
        camp = people.campaign[p]
        owner = snap.user_ids[people.rep[p]]
        from_lead = tl.sf_contacts.lead[opps.contact[r]] >= 0
        out.append({"Id": snap.opp_ids[r],
                    "Name": f"{tl.accounts.name[people.account[p]]} - New Business",
                    "AccountId": snap.account_ids[people.account[p]], "StageName": stage,
                    "Amount": amount, "CloseDate": sf_dates(np.array([close]))[0],
                    "IsClosed": closed, "IsWon": closed and bool(opps.won[r]),
                    "Probability": float(prob), "ExpectedRevenue": round(amount * prob / 100, 2),
                    "ForecastCategoryName": pm.STAGE_FORECAST[stage][0],
                    "CampaignId": snap.campaign_ids[camp]
                    if tl.campaigns.created[camp] <= opps.created[r] else None,
                    "LeadSource": "Web" if from_lead else "Other", "Type": "New Business",
                    "OwnerId": owner, "CreatedById": owner,
                    **_stamps(created[k], sf_times(np.array([last]))[0], deleted)})
    return out


def opportunity_history(snap: Snapshot) -> list[dict[str, Any]]:
    opps, c = snap.tl.opps, snap.clock
    out = []
    for r in snap.opp_visible.tolist():
        changes, closed = _stage_at(snap, r)
        amount = float(opps.amount[r])
        deleted = bool(opps.deleted[r] <= c)
        prev_close = None
        ids = sf_ids("008", r * 8 + np.arange(len(changes)))
        times = sf_times(np.array([t for t, _ in changes]))
        for k, (_, stage) in enumerate(changes):
            final = closed and k == len(changes) - 1
            close = sf_dates(np.array([opps.closed[r] if final else opps.expected_close[r]]))[0]
            prob = pm.STAGE_PROBABILITY[stage]
            out.append({"Id": ids[k], "IsDeleted": deleted, "OpportunityId": snap.opp_ids[r],
                        "CreatedById": snap.user_ids[snap.tl.people.rep[opps.person[r]]],
                        "CreatedDate": times[k], "SystemModstamp": times[k], "StageName": stage,
                        "Amount": amount, "ExpectedRevenue": round(amount * prob / 100, 2),
                        "CloseDate": close, "Probability": float(prob),
                        "ForecastCategory": pm.STAGE_FORECAST[stage][1],
                        "PrevAmount": amount if k else None, "PrevCloseDate": prev_close})
            prev_close = close
    return out


def contact_roles(snap: Snapshot) -> list[dict[str, Any]]:
    opps, c = snap.tl.opps, snap.clock
    rows = snap.opp_visible
    created = sf_times(opps.created[rows])
    modified = sf_times(_latest(snap, opps.created[rows], opps.deleted[rows]))
    ids = sf_ids("00K", rows)
    people = snap.tl.people
    return [{"Id": ids[k], "OpportunityId": snap.opp_ids[r],
             "ContactId": snap.contact_ids[opps.contact[r]], "Role": ROLES[opps.role[r]],
             "IsPrimary": True, "CreatedById": snap.user_ids[people.rep[opps.person[r]]],
             **_stamps(created[k], modified[k], bool(opps.deleted[r] <= c))}
            for k, r in enumerate(rows.tolist())]


def tasks(snap: Snapshot) -> list[dict[str, Any]]:
    """Logged rep activity; conversion re-parents a Lead's Tasks to the new Contact."""
    tl, c = snap.tl, snap.clock
    t, ld = tl.tasks, tl.leads
    rows = snap.task_visible
    lead_conv = np.where(t.lead[rows] >= 0, ld.converted[np.maximum(t.lead[rows], 0)], NEVER)
    on_contact = (t.lead[rows] < 0) | (lead_conv <= c)
    created = sf_times(t.created[rows])
    modified = sf_times(_latest(snap, t.created[rows], np.where(on_contact, lead_conv, -1)))
    dates = sf_dates(t.created[rows])
    ids = sf_ids("00T", rows)
    out = []
    for k, r in enumerate(rows.tolist()):
        who = snap.contact_ids[t.contact[r]] if on_contact[k] else snap.lead_ids[t.lead[r]]
        subject, subtype = TASK_SUBJECTS[t.subject[r]]
        owner = snap.user_ids[tl.people.rep[t.person[r]]]
        out.append({"Id": ids[k], "WhoId": who, "WhatId": None, "Subject": subject,
                    "Status": "Completed", "Priority": "Normal", "IsClosed": True,
                    "ActivityDate": dates[k], "CompletedDateTime": created[k],
                    "TaskSubtype": subtype, "OwnerId": owner, "CreatedById": owner,
                    **_stamps(created[k], modified[k], False)})
    return out
