"""Marketing's side of the timeline: HubSpot contacts, their engagements and scores.

Engagements (form submissions, e-mail opens and clicks, decay) are drawn as flat arrays; the
score after each is a grouped cumulative sum, so nothing loops per event.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import params as pm
from .formats import NEVER
from .population import People


@dataclass
class Contacts:
    """HubSpot contacts: one primary per person in HubSpot, plus duplicates."""
    person: np.ndarray
    hs_id: np.ndarray
    created: np.ndarray
    deleted: np.ndarray       # archived at (NEVER if not)
    merged: np.ndarray        # merged into the person's primary at (duplicates only)
    is_dup: np.ndarray
    by_form: np.ndarray       # created by a form submission (else by import)
    mess: np.ndarray          # e-mail typed with odd case/whitespace
    lifecycle_mode: np.ndarray
    cross: np.ndarray         # first score >= threshold (NEVER if never)
    workflow_mql: np.ndarray  # when HubSpot's workflow sets lifecyclestage to MQL


@dataclass
class Engagements:
    contact: np.ndarray       # row in Contacts
    time: np.ndarray          # ms of the engagement
    kind: np.ndarray          # pm.ENG_*
    form: np.ndarray          # index into names.FORMS (form submissions)
    score_time: np.ndarray    # when HubSpot recalculated the score (NEVER: value unchanged)
    score: np.ndarray         # score after the engagement


def draw_contacts(rng: np.random.Generator, people: People) -> Contacts:
    n = people.n
    later = (people.kind == pm.SF_CONTACT) & (rng.random(n) < pm.LATER_HS_P)
    primary = np.flatnonzero((people.kind == pm.HS) | later)
    created = people.t0[primary].copy()
    lag = rng.exponential(120 * pm.DAY, size=len(primary)).astype(np.int64)
    created = np.where(later[primary], created + lag, created)
    junk = people.junk[primary]
    deleted = np.where(junk, created + rng.exponential(10 * pm.DAY, len(primary)).astype(np.int64),
                       NEVER)
    dup_of = primary[(~junk) & (rng.random(len(primary)) < pm.HS_DUP_P)]
    dup_created = created[np.searchsorted(primary, dup_of)] + \
        rng.exponential(90 * pm.DAY, len(dup_of)).astype(np.int64) + pm.HOUR
    fate = rng.random(len(dup_of))
    after = rng.exponential(30 * pm.DAY, len(dup_of)).astype(np.int64) + pm.HOUR
    dup_merged = np.where(fate < pm.HS_DUP_MERGE_P, dup_created + after, NEVER)
    deleted_fate = (fate >= pm.HS_DUP_MERGE_P) & (fate < pm.HS_DUP_MERGE_P + pm.HS_DUP_DELETE_P)
    dup_deleted = np.where(deleted_fate, dup_created + after, NEVER)
    person = np.concatenate([primary, dup_of])
    m = len(person)
    is_dup = np.arange(m) >= len(primary)
    # stable ids: the primary and duplicate of person i are 100000 + 2i and + 1
    hs_id = 100_000 + 2 * person + is_dup
    by_form = (people.source[person] != pm.HS_SOURCES.index("OFFLINE")) & ~is_dup
    return Contacts(person=person, hs_id=hs_id.astype(np.int64),
                    created=np.concatenate([created, dup_created]),
                    deleted=np.concatenate([deleted, dup_deleted]),
                    merged=np.concatenate([np.full(len(primary), NEVER), dup_merged]),
                    is_dup=is_dup, by_form=by_form,
                    mess=rng.random(m) < pm.CASE_MESS_P,
                    lifecycle_mode=rng.choice(3, size=m, p=pm.LIFECYCLE_MODES_P),
                    cross=np.full(m, NEVER), workflow_mql=np.full(m, NEVER))


def draw_engagements(rng: np.random.Generator, people: People, contacts: Contacts) -> Engagements:
    """Engagements of primary contacts; fills ``contacts.cross`` and ``workflow_mql``."""
    rows = np.flatnonzero(~contacts.is_dup & (contacts.deleted >= NEVER))
    interest = people.interest[contacts.person[rows]]
    count = rng.poisson(np.take(pm.INTEREST_RATE, interest)) + contacts.by_form[rows]
    contact = np.repeat(rows, count)
    e = len(contact)
    first = np.zeros(e, dtype=bool)
    starts = np.cumsum(count) - count
    first[starts[count > 0]] = True
    gaps = rng.exponential(np.take(pm.ENGAGEMENT_GAP_DAYS, np.repeat(interest, count)) * pm.DAY)
    gaps = np.where(first & contacts.by_form[contact], 0, gaps + pm.HOUR).astype(np.int64)
    time = contacts.created[contact] + _group_cumsum(gaps, first)
    kind = rng.choice(4, size=e, p=pm.ENG_KIND_P)
    kind[first & contacts.by_form[contact]] = pm.ENG_FORM   # the form that created the contact
    kind[first & (kind == pm.ENG_DECAY)] = pm.ENG_OPEN       # nothing to decay yet
    raw = _group_cumsum(np.take(pm.ENG_POINTS, kind), first)
    score = np.maximum(raw, 0)
    previous = np.where(first, 0, np.roll(score, 1))
    latency = rng.integers(MIN_LATENCY, MAX_LATENCY, size=e)
    score_time = np.where(score != previous, time + latency, NEVER)
    _first_at(contacts.cross, contact, score_time, score >= pm.MQL_SCORE_THRESHOLD)
    workflow_score = np.where(contacts.lifecycle_mode[contact] == 1, pm.WORKFLOW_MQL_SCORE,
                              pm.MQL_SCORE_THRESHOLD)
    _first_at(contacts.workflow_mql, contact, score_time + pm.MINUTE, score >= workflow_score)
    contacts.workflow_mql[contacts.lifecycle_mode == 2] = NEVER
    return Engagements(contact=contact, time=time, kind=kind,
                       form=rng.integers(0, 6, size=e), score_time=score_time, score=score)


MIN_LATENCY, MAX_LATENCY = 30_000, 5 * 60_000   # HubSpot recalculates scores within minutes


def _group_cumsum(values: np.ndarray, first: np.ndarray) -> np.ndarray:
    """Cumulative sum restarting at every ``first`` (rows of a group are contiguous)."""
    total = np.cumsum(values)
    group_start = np.maximum.accumulate(np.where(first, np.arange(len(values)), 0))
    return total - total[group_start] + values[group_start]


def _first_at(out: np.ndarray, row: np.ndarray, time: np.ndarray, mask: np.ndarray) -> None:
    np.minimum.at(out, row[mask], time[mask])
