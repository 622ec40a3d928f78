"""Issue 15, accounts: dim_accounts, fct_account_matches and fct_account_people equal the accounts
computed here, independently, from the generated world's records and its truth file: records
grouped by normalized web domain, people attached by their records' explicit links or else by a
non-free e-mail domain, account stages the earliest of their people's agreed stage times."""

from __future__ import annotations

import csv
import os
import re
import shutil
import subprocess
import sys
from collections import defaultdict
from collections.abc import Callable, Iterator
from contextlib import closing
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import duckdb
import psycopg2
import pytest

from pipelines.warehouse import open_warehouse
from sandbox.generator import Truth, generate
from sandbox.world import World
from tests.dbt.conftest import DBT, DBT_PROJECT, dbt_invoke
from tests.dbt.raw_loader import load_world, world_streams
from tests.dbt.truth_check import record_ids
from tests.postgres import temporary_database

SEED, SCALE = 7, 1500
ACCOUNT_MODELS = ("+dim_accounts", "+fct_account_matches", "+fct_account_people")
MF = Path(sys.executable).parent / "mf"
FUNNEL = ("accounts", "engaged_accounts", "accounts_with_opportunity", "customer_accounts")
STAGES = {"engaged_at": "mql_at", "opportunity_at": "opportunity_at",
          "customer_at": "customer_at"}


def _domain(website: str | None) -> str | None:
    """A web domain as rule_account reads it, written here on its own."""
    text = (website or "").strip().lower()
    text = re.sub(r"^[a-z][a-z0-9+.-]*://", "", text)
    for stop in "/?#:":
        text = text.split(stop, 1)[0]
    text = text.removeprefix("www.").rstrip(".")
    return text if "." in text.strip(".") else None


def _utc(value: Any) -> datetime | None:
    if value is None:
        return None
    if isinstance(value, str):
        return datetime.fromisoformat(value.replace("Z", "+00:00").replace("+0000", "+00:00")
                                      ).astimezone(UTC)
    return value.replace(tzinfo=UTC)


@dataclass
class Expected:
    """The accounts of a world: each account as the set of its record keys."""
    accounts: dict[frozenset[str], dict[str, Any]] = field(default_factory=dict)
    # person (their record ids) -> (account's record keys, attached_by)
    people: dict[frozenset[str], tuple[frozenset[str], str]] = field(default_factory=dict)


def _live_account_records(world: World) -> Iterator[tuple[str, str | None, str, datetime]]:
    """(record key, domain, name, created) of every live Account and company."""
    for account in (world.salesforce or {}).get("objects", {}).get("Account", []):
        if not account["IsDeleted"]:
            yield (f"salesforce_account:{account['Id']}", _domain(account.get("Website")),
                   account["Name"], _utc(account["CreatedDate"]))
    for company in world.hubspot["companies"]:
        if not company["archived"]:
            yield (f"hubspot_company:{company['id']}", _domain(company["properties"].get("domain")),
                   company["properties"]["name"], _utc(company["createdAt"]))


def expected_accounts(world: World, truth: Truth) -> Expected:
    records = list(_live_account_records(world))
    by_domain: dict[str, set[str]] = defaultdict(set)
    account_of: dict[str, frozenset[str]] = {}
    for key, domain, _, _ in records:
        if domain is not None:
            by_domain[domain].add(key)
    for key, domain, _, _ in records:
        account_of[key] = frozenset(by_domain[domain]) if domain else frozenset([key])
    created = {key: when for key, _, _, when in records}
    domain_account = {domain: frozenset(keys) for domain, keys in by_domain.items()}

    # explicit links: a live Contact's Account; a live HubSpot contact's companies (primary first)
    links: dict[str, list[tuple[bool, str, str]]] = defaultdict(list)
    for contact in (world.salesforce or {}).get("objects", {}).get("Contact", []):
        if not contact["IsDeleted"] and contact.get("AccountId"):
            links[contact["Id"]].append((True, f"salesforce_account:{contact['AccountId']}",
                                         "contact_account"))
    for contact in world.hubspot["contacts"]:
        if contact["archived"]:
            continue
        results = ((contact.get("associations") or {}).get("companies") or {}).get("results", [])
        primary = {item["id"] for item in results if item["type"] == "contact_to_company"}
        for company in sorted({item["id"] for item in results}):
            links[contact["id"]].append((company in primary, f"hubspot_company:{company}",
                                         "primary_company" if company in primary else "company"))

    free = set(truth.definitions["free_email_domains"])
    expected = Expected()
    for person in truth.people:
        ids = record_ids(person)
        # primary links first, then the earliest-created account; one account named by several
        # links names the link kind first in the alphabet (contact_account before a company)
        candidates = [(not primary, min(created[k] for k in account_of[key]), via, account_of[key])
                      for record_id in ids for primary, key, via in links.get(record_id, [])
                      if key in account_of]
        if candidates:
            _, _, via, account = min(candidates, key=lambda c: c[:3])
            expected.people[ids] = (account, via)
        elif person["email"]:
            domain = person["email"].rpartition("@")[2]
            if domain not in free and domain in domain_account:
                expected.people[ids] = (domain_account[domain], "email_domain")

    members: dict[frozenset[str], list[tuple[dict[str, Any], str]]] = defaultdict(list)
    by_ids = {record_ids(person): person for person in truth.people}
    for ids, (account, via) in expected.people.items():
        members[account].append((by_ids[ids], via))
    names = {key: name for key, _, name, _ in records}
    domains = {key: domain for key, domain, _, _ in records}
    for account in set(account_of.values()):
        people = [person for person, _ in members[account]]
        row: dict[str, Any] = {
            "account_name": names[min(account, key=lambda k: (created[k], k))],
            "account_domain": domains[next(iter(account))],
            "record_count": len(account),
            # the generated worlds carry no explicit links: several records share a domain
            "is_matched_by_domain": len(account) > 1,
            "people_count": len(people),
            "people_by_email_domain_count": sum(
                1 for _, via in members[account] if via == "email_domain"),
            "mql_people_count": sum(1 for person in people if person["mql_at"]),
            "salesforce_account_ids": sorted(k.split(":", 1)[1] for k in account
                                             if k.startswith("salesforce_account:")),
            "hubspot_company_ids": sorted(k.split(":", 1)[1] for k in account
                                          if k.startswith("hubspot_company:")),
        }
        for stage, person_stage in STAGES.items():
            times = [_utc(p[person_stage]) for p in people if p[person_stage]]
            row[stage] = min(times) if times else None
        row["account_stage"] = ("customer" if row["customer_at"] else
                                "opportunity" if row["opportunity_at"] else
                                "engaged" if row["engaged_at"] else "unengaged")
        expected.accounts[account] = row
    return expected


Query = Callable[[str], list[dict[str, Any]]]


def duckdb_query(warehouse: Path) -> Query:
    def query(sql: str) -> list[dict[str, Any]]:
        with duckdb.connect(str(warehouse), read_only=True) as con:
            cursor = con.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return query


def postgres_query(dsn: str) -> Query:
    def query(sql: str) -> list[dict[str, Any]]:
        with closing(psycopg2.connect(dsn)) as con, con.cursor() as cursor:
            cursor.execute(sql)
            names = [d[0] for d in cursor.description]
            return [dict(zip(names, row, strict=True)) for row in cursor.fetchall()]
    return query


def _split(text: str | None) -> list[str]:
    return sorted(part for part in (text or "").split(";") if part)


@dataclass
class Built:
    accounts: dict[frozenset[str], dict[str, Any]]
    people: dict[frozenset[str], tuple[frozenset[str], str]]
    matches: list[dict[str, Any]]


def read_accounts(query: Query) -> Built:
    matches = query("select * from marts.fct_account_matches")
    keys: dict[str, set[str]] = defaultdict(set)
    for match in matches:
        keys[match["account_id"]].add(match["account_record_key"])
    account_keys = {account_id: frozenset(k) for account_id, k in keys.items()}
    accounts = {}
    for row in query("select * from marts.dim_accounts"):
        row["salesforce_account_ids"] = _split(row["salesforce_account_ids"])
        row["hubspot_company_ids"] = _split(row["hubspot_company_ids"])
        for stage in STAGES:
            row[stage] = _utc(row[stage])
        accounts[account_keys.get(row["account_id"], frozenset())] = row
    people = {record_ids(row): (account_keys.get(row["account_id"], frozenset()),
                                row["attached_by"])
              for row in query("""
                  select account_people.account_id, account_people.attached_by,
                      people.hubspot_contact_ids, people.hubspot_merged_contact_ids,
                      people.salesforce_lead_ids, people.salesforce_contact_ids
                  from marts.fct_account_people as account_people
                  inner join marts.dim_people as people
                      on account_people.person_id = people.person_id""")}
    return Built(accounts, people, matches)


def _build(tmp_path_factory: pytest.TempPathFactory, world: World, truth: Truth, name: str,
           select: tuple[str, ...] = ACCOUNT_MODELS, exclude: tuple[str, ...] = (),
           **variables: Any) -> Path:
    """The account marts and everything upstream, with their tests (those of unselected models
    left out), on the world landed through the real loader."""
    work = tmp_path_factory.mktemp(name)
    warehouse = work / "warehouse.duckdb"
    load_world(warehouse, world)
    dbt_invoke(warehouse, work, "build", "--select", *select, "--indirect-selection", "cautious",
               *(("--exclude", *exclude) if exclude else ()),
               vars={"as_of": truth.clock, **variables})
    return warehouse


@dataclass
class Case:
    truth: Truth
    expected: Expected
    built: Built
    warehouse: Path


@pytest.fixture(scope="module")
def two_tools(tmp_path_factory: pytest.TempPathFactory) -> Case:
    world, truth = generate(SEED, SCALE)
    # the time spine too, for the semantic layer's queries
    warehouse = _build(tmp_path_factory, world, truth, "accounts",
                       select=(*ACCOUNT_MODELS, "metricflow_time_spine"))
    return Case(truth, expected_accounts(world, truth), read_accounts(duckdb_query(warehouse)),
                warehouse)


def _compare(expected: Expected, built: Built) -> None:
    assert set(built.accounts) == set(expected.accounts)
    columns = next(iter(expected.accounts.values())).keys()
    wrong = {column: [sorted(key) for key, row in expected.accounts.items()
                      if built.accounts[key][column] != row[column]][:5]
             for column in columns}
    assert {column: keys for column, keys in wrong.items() if keys} == {}
    assert built.people == expected.people


def test_accounts_equal_the_world(two_tools: Case) -> None:
    _compare(two_tools.expected, two_tools.built)


def test_the_world_exercises_every_kind_of_match(two_tools: Case) -> None:
    """The comparison above means something: accounts span both tools by domain, and people are
    attached by Contact, by HubSpot company and by e-mail domain alone."""
    expected, built = two_tools.expected, two_tools.built
    across = [key for key in expected.accounts
              if {k.split(":")[0] for k in key} == {"salesforce_account", "hubspot_company"}]
    assert across and all(built.accounts[key]["is_matched_by_domain"] for key in across)
    assert {via for _, via in expected.people.values()} == {
        "contact_account", "primary_company", "email_domain"}
    assert any(row["engaged_at"] for row in expected.accounts.values())
    assert any(row["customer_at"] for row in expected.accounts.values())


def test_free_mail_people_are_attached_only_by_an_explicit_link(two_tools: Case) -> None:
    free = set(two_tools.truth.definitions["free_email_domains"])
    free_mail = [record_ids(person) for person in two_tools.truth.people
                 if person["email"] and person["email"].rpartition("@")[2] in free]
    attached = [two_tools.built.people[ids][1] for ids in free_mail
                if ids in two_tools.built.people]
    assert len(attached) < len(free_mail)
    assert set(attached) <= {"contact_account", "primary_company", "company"}


def test_the_account_funnel_metrics_count_the_accounts(two_tools: Case, tmp_path: Path) -> None:
    """MetricFlow answers the account funnel with the accounts computed here."""
    project = tmp_path / "dbt_project"
    shutil.copytree(DBT_PROJECT, project, ignore=shutil.ignore_patterns("target", "logs"))
    env = {**os.environ, "SAMEPAGE_WAREHOUSE": str(two_tools.warehouse),
           "DBT_PROFILES_DIR": str(project)}
    answer = tmp_path / "funnel.csv"
    for command in ([str(DBT), "parse"],
                    [str(MF), "query", "--metrics", ",".join(FUNNEL), "--csv", str(answer)]):
        result = subprocess.run(command, cwd=project, env=env, capture_output=True, text=True,
                                check=False)
        assert result.returncode == 0, result.stdout + result.stderr
    with answer.open() as f:
        row = {key: int(float(value)) for key, value in next(csv.DictReader(f)).items()}
    rows = two_tools.expected.accounts.values()
    assert row == {
        "accounts": len(rows),
        "engaged_accounts": sum(1 for r in rows if r["engaged_at"]),
        "accounts_with_opportunity": sum(1 for r in rows if r["opportunity_at"]),
        "customer_accounts": sum(1 for r in rows if r["customer_at"]),
    }


def test_hubspot_only_world_makes_accounts_of_companies(built_hubspot_only) -> None:
    # the session's HubSpot-only company, built as that stack builds it (tests/conftest.py)
    world, truth, warehouse = built_hubspot_only
    expected, built = expected_accounts(world, truth), read_accounts(duckdb_query(warehouse))
    assert all(key and all(k.startswith("hubspot_company:") for k in key)
               for key in built.accounts)
    assert any(row["engaged_at"] for row in expected.accounts.values())
    assert any(row["customer_at"] for row in expected.accounts.values())
    _compare(expected, built)


@pytest.mark.slow
def test_accounts_build_on_postgres(tmp_path: Path) -> None:
    world, truth = generate(5, 300)
    with temporary_database() as dsn:
        warehouse = open_warehouse(dsn)
        for spec, records in world_streams(world):
            warehouse.load(spec, records, "first")
        # the models and their data tests; the unit tests run in the DuckDB builds
        dbt_invoke(dsn, tmp_path, "build", "--target", "postgres", "--select", *ACCOUNT_MODELS,
                   "--indirect-selection", "cautious", "--exclude", "test_type:unit",
                   vars={"as_of": truth.clock})
        built = read_accounts(postgres_query(dsn))
    _compare(expected_accounts(world, truth), built)
