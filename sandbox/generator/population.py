"""Who exists in the generated company's market: accounts, people, reps and campaigns.

Everything is drawn as numpy arrays in arrival order, so person ``i`` is the same person at
every clock: a later snapshot only reveals more of the same timeline.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from . import names
from . import params as pm
from .formats import ms


@dataclass
class Accounts:
    name: list[str]
    domain: list[str]
    industry: np.ndarray      # index into names.INDUSTRIES
    region: np.ndarray        # index into names.REGIONS
    country: list[str]
    employees: np.ndarray


@dataclass
class Campaigns:
    start: np.ndarray         # ms; StartDate
    end: np.ndarray           # ms; EndDate
    created: np.ndarray       # ms
    theme: np.ndarray         # index into names.CAMPAIGN_THEMES
    name: list[str]
    budget: np.ndarray
    actual: np.ndarray


@dataclass
class People:
    t0: np.ndarray            # ms the person first shows up (created in their first tool)
    kind: np.ndarray          # pm.HS / SF_LEAD / SF_CONTACT
    account: np.ndarray
    free: np.ndarray          # uses a free-mail address
    first: np.ndarray         # index into names.FIRST
    last: np.ndarray          # index into names.LAST
    email: list[str | None]   # the address they use (lower-case, valid) or None/invalid
    alt_email: list[str]      # the address a converted Contact is created with, if different
    use_alt: np.ndarray
    source: np.ndarray        # index into pm.HS_SOURCES
    campaign: np.ndarray      # index into Campaigns
    rep: np.ndarray           # index into reps
    persona: np.ndarray
    title: np.ndarray
    junk: np.ndarray
    interest: np.ndarray      # 0 low, 1 mid, 2 high engagement

    @property
    def n(self) -> int:
        return len(self.t0)


def _slug(text: str) -> str:
    return re.sub(r"[^a-z0-9]", "", text.lower())


def draw_accounts(rng: np.random.Generator, n: int) -> Accounts:
    idx = np.arange(n)
    a, b, k = idx % len(names.COMPANY_A), (idx // len(names.COMPANY_A)) % len(names.COMPANY_B), \
        idx // (len(names.COMPANY_A) * len(names.COMPANY_B))
    region = rng.choice(3, size=n, p=names.REGION_P)
    suffix = rng.integers(0, len(names.COMPANY_SUFFIX), size=n)
    tld = rng.integers(0, len(names.TLDS), size=n)
    country_pick = rng.integers(0, 1000, size=n)
    nm, dom, country = [], [], []
    for i in range(n):
        base = f"{names.COMPANY_A[a[i]]} {names.COMPANY_B[b[i]]}" + (f" {k[i] + 1}" if k[i] else "")
        nm.append(f"{base} {names.COMPANY_SUFFIX[suffix[i]]}".strip())
        dom.append(f"{_slug(base)}.{names.TLDS[tld[i]]}")
        options = names.COUNTRIES[names.REGIONS[region[i]]]
        country.append(options[country_pick[i] % len(options)])
    employees = np.round(rng.lognormal(np.log(180), 1.4, size=n)).astype(np.int64) + 2
    return Accounts(nm, dom, rng.integers(0, len(names.INDUSTRIES), size=n), region, country,
                    employees)


def draw_campaigns(rng: np.random.Generator, horizon: int) -> Campaigns:
    """One campaign every three weeks, from two months before START to the horizon."""
    first = ms(pm.START) - 60 * pm.DAY
    count = (horizon - first) // (21 * pm.DAY) + 1
    start = first + np.arange(count, dtype=np.int64) * 21 * pm.DAY
    end = start + rng.integers(30, 91, size=count) * pm.DAY
    theme = np.arange(count) % len(names.CAMPAIGN_THEMES)
    label = np.datetime_as_string(start.astype("datetime64[ms]"), unit="M").tolist()
    name = [f"{label[i]} {names.CAMPAIGN_THEMES[theme[i]][1]}" for i in range(count)]
    budget = np.round(rng.lognormal(np.log(15000), 0.7, size=count), -2)
    actual = np.round(budget * rng.uniform(0.7, 1.3, size=count), 2)
    return Campaigns(start, end, start - 14 * pm.DAY, theme, name, budget, actual)


def draw_people(rng: np.random.Generator, scale: int, accounts: Accounts,
                campaigns: Campaigns, n_reps: int) -> People:
    start, clock0 = ms(pm.START), ms(pm.DEFAULT_CLOCK)
    future = round(scale * pm.FUTURE_DAYS * pm.DAY / (clock0 - start))
    # exactly `scale` people by the default clock, the same rate for a year after it
    t0 = np.concatenate([np.sort(rng.integers(start, clock0, size=scale)),
                         np.sort(rng.integers(clock0, clock0 + pm.FUTURE_DAYS * pm.DAY,
                                              size=future))]).astype(np.int64)
    n = len(t0)
    kind = rng.choice(3, size=n, p=pm.KIND_P)
    account = (len(accounts.name) * rng.random(n) ** 1.7).astype(np.int64)
    free = rng.random(n) < pm.FREE_MAIL_P
    first = rng.integers(0, len(names.FIRST), size=n)
    last = rng.integers(0, len(names.LAST), size=n)
    source = rng.choice(len(pm.HS_SOURCES), size=n, p=pm.HS_SOURCE_P)
    # the most recent campaign started before arrival, or one of the two before it
    latest = np.searchsorted(campaigns.start, t0, side="right") - 1
    campaign = np.maximum(latest - rng.integers(0, 3, size=n), 0)
    region = accounts.region[account]
    rep = region + 3 * rng.integers(0, max(n_reps // 3, 1), size=n)
    junk = (rng.random(n) < pm.JUNK_P) & (kind == pm.HS)
    interest = rng.choice(3, size=n, p=pm.INTEREST_P)
    email, alt = _emails(rng, kind, account, free, first, last, accounts)
    return People(t0=t0, kind=kind, account=account, free=free, first=first, last=last,
                  email=email, alt_email=alt, use_alt=rng.random(n) < pm.ALT_EMAIL_P,
                  source=source, campaign=campaign, rep=rep,
                  persona=rng.integers(0, len(names.PERSONAS), size=n),
                  title=rng.integers(0, len(names.JOB_TITLES), size=n), junk=junk,
                  interest=interest)


def _emails(rng: np.random.Generator, kind: np.ndarray, account: np.ndarray, free: np.ndarray,
            first: np.ndarray, last: np.ndarray, accounts: Accounts,
            ) -> tuple[list[str | None], list[str]]:
    """Unique addresses (distinct people never share one), plus a distinct alternative each."""
    n = len(kind)
    missing = (kind == pm.SF_LEAD) & (rng.random(n) < pm.NO_EMAIL_P + pm.BAD_EMAIL_P)
    bad = missing & (rng.random(n) < pm.BAD_EMAIL_P / (pm.NO_EMAIL_P + pm.BAD_EMAIL_P))
    free_domain = rng.integers(0, 5, size=n)   # the five biggest free-mail providers
    number = rng.integers(1, 99, size=n)
    taken: set[str] = set()
    email: list[str | None] = []
    alt: list[str] = []

    def unique(local: str, domain: str) -> str:
        address, k = f"{local}@{domain}", 1
        while address in taken:
            k += 1
            address = f"{local}{k}@{domain}"
        taken.add(address)
        return address

    for i in range(n):
        f, la = names.FIRST[first[i]][1], names.LAST[last[i]][1]
        domain = pm.FREE_EMAIL_DOMAINS[free_domain[i]] if free[i] else accounts.domain[account[i]]
        if bad[i]:
            email.append(f"{f}.{la}@")          # typo'd at the booth: not a valid address
        elif missing[i]:
            email.append(None)
        else:
            email.append(unique(f"{f}.{la}{number[i]}" if free[i] else f"{f}.{la}", domain))
        alt.append(unique(f"{f[0]}{la}", domain))
    return email, alt
