"""The whole deterministic timeline of the generated company, drawn once per (seed, scale).

A snapshot at any clock (``snapshot.py``) and the truth (``truth.py``) are both read from it.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from . import params as pm
from .formats import ms
from .marketing import Contacts, Engagements, draw_contacts, draw_engagements
from .population import Accounts, Campaigns, People, draw_accounts, draw_campaigns, draw_people
from .sales import Leads, Opps, SfContacts, Tasks, draw_contacts_and_opps, draw_leads, draw_tasks


@dataclass
class Timeline:
    seed: int
    scale: int
    n_reps: int
    accounts: Accounts
    campaigns: Campaigns
    people: People
    contacts: Contacts
    engagements: Engagements
    leads: Leads
    sf_contacts: SfContacts
    opps: Opps
    tasks: Tasks


def build(seed: int, scale: int) -> Timeline:
    if scale < 1:
        raise ValueError("scale must be at least 1")
    # one independent stream per stage, so changing one stage leaves the others' draws alone
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence([seed, scale]).spawn(8)]
    horizon = ms(pm.DEFAULT_CLOCK) + pm.FUTURE_DAYS * pm.DAY
    n_reps = int(np.clip(scale // 400, 6, 60))
    total = scale + round(scale * pm.FUTURE_DAYS * pm.DAY / (ms(pm.DEFAULT_CLOCK) - ms(pm.START)))
    accounts = draw_accounts(streams[0], max(10, total // pm.PEOPLE_PER_ACCOUNT))
    campaigns = draw_campaigns(streams[1], horizon)
    people = draw_people(streams[2], scale, accounts, campaigns, n_reps)
    contacts = draw_contacts(streams[3], people)
    engagements = draw_engagements(streams[4], people, contacts)
    leads = draw_leads(streams[5], people, contacts)
    sf_contacts, opps = draw_contacts_and_opps(streams[6], people, leads, accounts.employees)
    tasks = draw_tasks(streams[7], people, leads, sf_contacts)
    return Timeline(seed, scale, n_reps, accounts, campaigns, people, contacts, engagements,
                    leads, sf_contacts, opps, tasks)
