"""What the timeline looks like at one clock: which rows exist, their ids, and shared lookups.

Both the world's records and the truth are read through a ``Snapshot``, so they agree on ids
and on which records exist, are deleted or were merged away.
"""

from __future__ import annotations

from functools import cached_property

import numpy as np

from . import params as pm
from .formats import NEVER, midnight, sf_ids
from .timeline import Timeline


class Snapshot:
    def __init__(self, tl: Timeline, clock: int) -> None:
        self.tl, self.clock = tl, clock
        c = clock
        hs, leads, opps = tl.contacts, tl.leads, tl.opps
        # HubSpot: merged-away contacts vanish; archived ones stay with archived=true
        self.hs_visible = np.flatnonzero((hs.created <= c) & (hs.merged > c))
        self.hs_alive = (hs.created <= c) & (hs.merged > c) & (hs.deleted > c)
        self.hs_merged_away = (hs.created <= c) & (hs.merged <= c)
        self.lead_visible = np.flatnonzero(leads.created <= c)
        self.lead_alive = (leads.created <= c) & (leads.deleted > c)
        self.contact_visible = np.flatnonzero(tl.sf_contacts.created <= c)
        self.opp_visible = np.flatnonzero(opps.created <= c)
        self.opp_alive = (opps.created <= c) & (opps.deleted > c)
        self.task_visible = np.flatnonzero(tl.tasks.created <= c)

    def at(self, times: np.ndarray) -> np.ndarray:
        """Times that have happened by the clock; later ones become NEVER."""
        return np.where(times <= self.clock, times, NEVER)

    # --- ids, stable across clocks: derived from timeline row numbers -------------------------
    @cached_property
    def lead_ids(self) -> list[str]:
        return sf_ids("00Q", np.arange(len(self.tl.leads.person)))

    @cached_property
    def contact_ids(self) -> list[str]:
        return sf_ids("003", np.arange(len(self.tl.sf_contacts.person)))

    @cached_property
    def account_ids(self) -> list[str]:
        return sf_ids("001", np.arange(len(self.tl.accounts.name)))

    @cached_property
    def opp_ids(self) -> list[str]:
        return sf_ids("006", np.arange(len(self.tl.opps.person)))

    @cached_property
    def user_ids(self) -> list[str]:
        return sf_ids("005", np.arange(self.tl.n_reps + 1))   # the last is the integration user

    @cached_property
    def campaign_ids(self) -> list[str]:
        return sf_ids("701", np.arange(len(self.tl.campaigns.name)))

    # --- per-person facts other records mirror (HubSpot lifecycle, deals) --------------------
    @cached_property
    def person_qualified(self) -> np.ndarray:
        out = np.full(self.tl.people.n, NEVER)
        leads = self.tl.leads
        np.minimum.at(out, leads.person, np.where(self.lead_alive, self.at(leads.qualified), NEVER))
        return out

    @cached_property
    def person_opportunity(self) -> np.ndarray:
        out = np.full(self.tl.people.n, NEVER)
        opps = self.tl.opps
        np.minimum.at(out, opps.person, np.where(self.opp_alive, opps.created, NEVER))
        return out

    @cached_property
    def person_customer(self) -> np.ndarray:
        """Midnight of the first won CloseDate by the clock (NEVER: not a customer)."""
        out = np.full(self.tl.people.n, NEVER)
        opps = self.tl.opps
        won = self.opp_alive & opps.won & (opps.closed <= self.clock)
        np.minimum.at(out, opps.person, np.where(won, midnight(opps.closed), NEVER))
        return out

    @cached_property
    def account_created(self) -> np.ndarray:
        """Salesforce Accounts exist from their first Contact (a conversion creates both)."""
        out = np.full(len(self.tl.accounts.name), NEVER)
        sf = self.tl.sf_contacts
        np.minimum.at(out, self.tl.people.account[sf.person], sf.created)
        return out

    @cached_property
    def account_won(self) -> np.ndarray:
        out = np.full(len(self.tl.accounts.name), NEVER)
        opps = self.tl.opps
        won = self.opp_alive & opps.won & (opps.closed <= self.clock)
        np.minimum.at(out, self.tl.people.account[opps.person], np.where(won, opps.closed, NEVER))
        return out

    @cached_property
    def company_created(self) -> np.ndarray:
        """HubSpot companies exist from their first non-free-mail primary contact."""
        out = np.full(len(self.tl.accounts.name), NEVER)
        hs, people = self.tl.contacts, self.tl.people
        ok = ~hs.is_dup & ~people.free[hs.person]
        np.minimum.at(out, people.account[hs.person[ok]], hs.created[ok])
        return out

    @cached_property
    def primary_contact(self) -> np.ndarray:
        """Row of each person's primary HubSpot contact (-1 if none)."""
        out = np.full(self.tl.people.n, -1)
        hs = self.tl.contacts
        out[hs.person[~hs.is_dup]] = np.flatnonzero(~hs.is_dup)
        return out

    def email_of(self, person: int, mess: bool, variant: int) -> str | None:
        """The person's address as typed into a tool: odd case or whitespace when ``mess``."""
        email = self.tl.people.email[person]
        if email is None or not mess:
            return email
        local, _, domain = email.partition("@")
        if variant % 3 == 0:
            return ".".join(part.capitalize() for part in local.split(".")) + "@" + domain
        if variant % 3 == 1:
            return email + " "
        return " " + email.upper()


def is_free(email: str | None) -> bool:
    return email is not None and email.rpartition("@")[2] in pm.FREE_EMAIL_DOMAINS
