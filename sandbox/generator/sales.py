"""Sales' side of the timeline: Leads, rep work, conversions, Contacts and Opportunities.

Each table is a set of numpy columns; times are ms since the epoch and NEVER means "does not
happen". Rows are never removed, so a later clock sees the same rows with more of them revealed.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import params as pm
from .formats import NEVER
from .marketing import Contacts
from .population import People


@dataclass
class Leads:
    person: np.ndarray
    created: np.ndarray
    deleted: np.ndarray
    synced: np.ndarray        # created by the HubSpot integration (else directly in Salesforce)
    source: np.ndarray        # index into pm.DIRECT_LEAD_SOURCES (direct leads)
    is_dup: np.ndarray
    mess: np.ndarray          # e-mail typed with odd case/whitespace
    working: np.ndarray       # Status -> Working - Contacted
    qualified: np.ndarray     # Status -> Qualified
    unqualified: np.ndarray   # Status -> Unqualified
    reason: np.ndarray        # index into DISQUALIFICATION_REASONS
    converted: np.ndarray     # conversion time
    contact: np.ndarray       # row in SfContacts created by the conversion (-1)
    opp: np.ndarray           # row in Opps created by the conversion (-1)
    touch: np.ndarray         # first touch by the rep (NEVER: never touched)
    touch_mode: np.ndarray    # index into pm.TOUCH_MODE_P


@dataclass
class Tasks:
    person: np.ndarray
    lead: np.ndarray          # row in Leads (-1: logged on a Contact)
    contact: np.ndarray       # row in SfContacts (-1: on a Lead not converted yet)
    created: np.ndarray
    subject: np.ndarray


@dataclass
class SfContacts:
    person: np.ndarray
    created: np.ndarray
    lead: np.ndarray          # converted from this Lead row (-1: created directly)


@dataclass
class Opps:
    person: np.ndarray
    contact: np.ndarray       # row in SfContacts named in the contact role
    created: np.ndarray
    deleted: np.ndarray
    amount: np.ndarray
    stages: np.ndarray        # (n, 5) entry time of each open stage, NEVER if not reached
    closed: np.ndarray        # close time (NEVER: stays open)
    won: np.ndarray
    expected_close: np.ndarray
    role: np.ndarray


def draw_leads(rng: np.random.Generator, people: People, contacts: Contacts) -> Leads:
    synced_rows = np.flatnonzero(~contacts.is_dup & (contacts.cross < NEVER) &
                                 (people.kind[contacts.person] == pm.HS))
    synced_person = contacts.person[synced_rows]
    delay = rng.integers(*SYNC_DELAY_MS, size=len(synced_rows))
    direct_person = np.flatnonzero(people.kind == pm.SF_LEAD)
    junk = rng.random(len(direct_person)) < pm.JUNK_LEAD_P
    has_email = np.array([pm.VALID_EMAIL.match(people.email[i] or "") is not None
                          for i in direct_person], dtype=bool)
    dup_person = direct_person[~junk & has_email & (rng.random(len(direct_person)) < pm.LEAD_DUP_P)]
    dup_created = people.t0[dup_person] + \
        rng.exponential(20 * pm.DAY, len(dup_person)).astype(np.int64) + pm.HOUR
    dup_deleted = np.where(rng.random(len(dup_person)) < pm.LEAD_DUP_DELETE_P,
                           dup_created + rng.exponential(15 * pm.DAY, len(dup_person)).astype(
                               np.int64) + pm.HOUR, NEVER)
    junk_deleted = people.t0[direct_person] + \
        rng.exponential(5 * pm.DAY, len(direct_person)).astype(np.int64) + pm.HOUR
    person = np.concatenate([synced_person, direct_person, dup_person])
    n = len(person)
    created = np.concatenate([contacts.cross[synced_rows] + delay, people.t0[direct_person],
                              dup_created])
    deleted = np.concatenate([np.full(len(synced_rows), NEVER),
                              np.where(junk, junk_deleted, NEVER), dup_deleted])
    synced = np.arange(n) < len(synced_rows)
    is_dup = np.arange(n) >= len(synced_rows) + len(direct_person)
    worked = ~is_dup & (deleted >= NEVER)
    leads = Leads(person=person, created=created, deleted=deleted, synced=synced,
                  source=rng.integers(0, len(pm.DIRECT_LEAD_SOURCES), size=n), is_dup=is_dup,
                  mess=rng.random(n) < pm.CASE_MESS_P, working=np.full(n, NEVER),
                  qualified=np.full(n, NEVER), unqualified=np.full(n, NEVER),
                  reason=np.zeros(n, dtype=np.int64), converted=np.full(n, NEVER),
                  contact=np.full(n, -1), opp=np.full(n, -1), touch=np.full(n, NEVER),
                  touch_mode=np.zeros(n, dtype=np.int64))
    _work(rng, people, leads, worked)
    return leads


SYNC_DELAY_MS = (pm.SYNC_DELAY_MINUTES[0] * pm.MINUTE, pm.SYNC_DELAY_MINUTES[1] * pm.MINUTE)


def _work(rng: np.random.Generator, people: People, leads: Leads, worked: np.ndarray) -> None:
    """Reps touch, then qualify or reject, and convert qualified leads."""
    n = len(leads.person)
    touched = worked & (rng.random(n) >= pm.NEVER_TOUCHED_P)
    hours = rng.lognormal(np.log(pm.TOUCH_MEDIAN_HOURS), pm.TOUCH_SIGMA, size=n)
    touch = np.where(touched, leads.created + (hours * pm.HOUR).astype(np.int64), NEVER)
    mode = rng.choice(3, size=n, p=pm.TOUCH_MODE_P)
    after = rng.integers(pm.MINUTE, 90 * pm.MINUTE, size=n)
    leads.working[:] = np.where(~touched | (mode == 1), NEVER,
                                np.where(mode == 0, touch + after, touch))
    decide = touch + (rng.lognormal(np.log(6), 0.8, size=n) * pm.DAY).astype(np.int64)
    free = people.free[leads.person].astype(np.int64)
    u = rng.random(n)
    qualify = touched & (u < np.take(pm.QUALIFY_P, free))
    reject = touched & ~qualify & (u < np.take(pm.QUALIFY_P, free) + np.take(pm.UNQUALIFY_P, free))
    convert = qualify & (rng.random(n) < pm.CONVERT_P)
    # a fifth of conversions happen straight from Working: conversion sets Status itself
    straight = convert & (rng.random(n) < 0.2)
    conv_lag = (rng.exponential(2 * pm.DAY, size=n)).astype(np.int64) + pm.HOUR
    leads.qualified[:] = np.where(qualify, decide, NEVER)
    leads.converted[:] = np.where(convert, np.where(straight, decide, decide + conv_lag), NEVER)
    leads.unqualified[:] = np.where(reject, decide, NEVER)
    reason_p = np.cumsum(np.array(pm.REASON_P), axis=1)
    leads.reason[:] = (rng.random(n)[:, None] > reason_p[free]).sum(axis=1).clip(0, 5)
    leads.touch[:], leads.touch_mode[:] = touch, mode


def draw_tasks(rng: np.random.Generator, people: People, leads: Leads,
               sf_contacts: SfContacts) -> Tasks:
    """First-touch and follow-up Tasks on Leads; Tasks on directly created Contacts."""
    first = np.flatnonzero((leads.touch < NEVER) & (leads.touch_mode != 2))
    touched = np.flatnonzero(leads.touch < NEVER)
    follow = rng.poisson(1.2, size=len(touched))
    f_lead = np.repeat(touched, follow)
    f_time = leads.touch[f_lead] + _chain(rng, follow, 4 * pm.DAY)
    direct = np.flatnonzero(sf_contacts.lead < 0)
    count = rng.poisson(2.0, size=len(direct)) + 1
    c_row = np.repeat(direct, count)
    c_time = sf_contacts.created[c_row] + _chain(rng, count, 12 * pm.DAY)
    lead = np.concatenate([first, f_lead, np.full(len(c_row), -1)])
    created = np.concatenate([leads.touch[first], f_time, c_time])
    contact = np.concatenate([leads.contact[first], leads.contact[f_lead], c_row])
    person = np.concatenate([leads.person[first], leads.person[f_lead], sf_contacts.person[c_row]])
    order = np.lexsort((np.arange(len(created)), created))
    subject = rng.integers(0, len(TASK_SUBJECTS), size=len(created))
    return Tasks(person=person[order], lead=lead[order], contact=contact[order],
                 created=created[order], subject=subject)


TASK_SUBJECTS = (("Call", "Call"), ("Email", "Email"), ("Follow-up call", "Call"),
                 ("Send pricing", "Email"), ("LinkedIn message", "Task"))


def _chain(rng: np.random.Generator, count: np.ndarray, mean: float) -> np.ndarray:
    """Per group of ``count`` rows, cumulative exponential gaps (ms) from the group's start."""
    gaps = (rng.exponential(mean, size=int(count.sum())) + pm.HOUR).astype(np.int64)
    total = np.cumsum(gaps)
    starts = np.repeat(np.cumsum(count) - count, count)
    return total - total[starts] + gaps[starts]


def draw_contacts_and_opps(rng: np.random.Generator, people: People, leads: Leads,
                           employees: np.ndarray) -> tuple[SfContacts, Opps]:
    conv = np.flatnonzero(leads.converted < NEVER)
    direct = np.flatnonzero(people.kind == pm.SF_CONTACT)
    sf = SfContacts(person=np.concatenate([leads.person[conv], direct]),
                    created=np.concatenate([leads.converted[conv], people.t0[direct]]),
                    lead=np.concatenate([conv, np.full(len(direct), -1)]))
    leads.contact[conv] = np.arange(len(conv))
    with_opp = conv[rng.random(len(conv)) < pm.CONVERT_WITH_OPP_P]
    direct_rows = len(conv) + np.flatnonzero(rng.random(len(direct)) < pm.CONTACT_OPP_P)
    opp_contact = np.concatenate([leads.contact[with_opp], direct_rows])
    n = len(opp_contact)
    from_lead = np.arange(n) < len(with_opp)
    leads.opp[with_opp] = np.arange(len(with_opp))
    created = np.where(from_lead, sf.created[opp_contact],
                       sf.created[opp_contact] + rng.exponential(25 * pm.DAY, n).astype(np.int64)
                       + pm.HOUR)
    deleted = np.where(~from_lead & (rng.random(n) < pm.OPP_DELETE_P),
                       created + rng.exponential(5 * pm.DAY, n).astype(np.int64) + pm.HOUR, NEVER)
    outcome = rng.choice(3, size=n, p=pm.OPP_OUTCOME_P)       # won, lost, open
    reached = np.where(outcome == 0, 5, rng.integers(1, 6, size=n))
    gaps = (rng.exponential(10 * pm.DAY, size=(n, 5)) + pm.HOUR).astype(np.int64)
    gaps[:, 0] = 0
    stages = created[:, None] + np.cumsum(gaps, axis=1)
    stages[np.arange(5)[None, :] >= reached[:, None]] = NEVER
    last = stages[np.arange(n), reached - 1]
    closed = np.where(outcome < 2, last + (rng.exponential(12 * pm.DAY, n) + pm.HOUR).astype(
        np.int64), NEVER)
    size = employees[people.account[sf.person[opp_contact]]]
    amount = np.round(rng.lognormal(np.log(4000 + 6000 * np.sqrt(size)), 0.5), -2)
    return sf, Opps(person=sf.person[opp_contact], contact=opp_contact, created=created,
                    deleted=deleted, amount=amount, stages=stages, closed=closed,
                    won=outcome == 0,
                    expected_close=created + rng.integers(30, 120, size=n) * pm.DAY,
                    role=rng.integers(0, 4, size=n))

