"""Bulk API 2.0 query jobs of the Salesforce sandbox over real HTTP: job states, CSV results and
locator paging as Salesforce serves them."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from typing import Any

import pytest
import requests

from sandbox.salesforce import SalesforceApi
from sandbox.salesforce_bulk import decode_locator, encode_locator
from tests.sandbox.test_salesforce_api import (
    DELETED_LEADS,
    LIVE_LEADS,
    SfServer,
    _lead,
    _serve,
    make_world,
)

JOBS = "/services/data/v59.0/jobs/query"


@pytest.fixture
def sf() -> Iterator[SfServer]:
    yield from _serve(SalesforceApi(make_world(), short_batches=False))


def call(sf: SfServer, method: str, path: str, token: str, **kwargs: Any) -> requests.Response:
    return requests.request(method, sf.url + path, headers={"Authorization": f"Bearer {token}"},
                            timeout=30, **kwargs)


def create(sf: SfServer, token: str, query: str, operation: str = "queryAll",
           **options: str) -> requests.Response:
    return call(sf, "POST", JOBS, token, json={"operation": operation, "query": query, **options})


def completed(sf: SfServer, token: str, query: str, **options: str) -> str:
    job = create(sf, token, query, **options).json()["id"]
    while call(sf, "GET", f"{JOBS}/{job}", token).json()["state"] != "JobComplete":
        pass
    return job


def test_a_job_is_created_then_polled_to_completion(sf: SfServer) -> None:
    token = sf.access_token()
    created = create(sf, token, "SELECT Id FROM Lead")
    assert created.status_code == 200
    info = created.json()
    assert info["id"].startswith("750") and len(info["id"]) == 18
    assert {k: info[k] for k in ("operation", "object", "state", "concurrencyMode", "contentType",
                                 "apiVersion", "lineEnding", "columnDelimiter")} == {
        "operation": "queryAll", "object": "Lead", "state": "UploadComplete",
        "concurrencyMode": "Parallel", "contentType": "CSV", "apiVersion": 59.0,
        "lineEnding": "LF", "columnDelimiter": "COMMA"}
    early = call(sf, "GET", f"{JOBS}/{info['id']}/results", token)
    assert early.status_code == 400  # results only once the job is complete
    states = [call(sf, "GET", f"{JOBS}/{info['id']}", token).json() for _ in range(3)]
    assert [s["state"] for s in states] == ["InProgress", "JobComplete", "JobComplete"]
    done = states[-1]
    assert done["jobType"] == "V2Query" and done["retries"] == 0
    assert done["numberRecordsProcessed"] == LIVE_LEADS + DELETED_LEADS
    assert call(sf, "DELETE", f"{JOBS}/{info['id']}", token).status_code == 204
    assert call(sf, "GET", f"{JOBS}/{info['id']}", token).status_code == 404


def test_results_page_by_locator_until_it_is_null(sf: SfServer) -> None:
    token = sf.access_token()
    job = completed(sf, token, "SELECT Id FROM Lead")
    ids, locators, locator = [], [], None
    while True:
        params = {"maxRecords": 200, **({"locator": locator} if locator else {})}
        page = call(sf, "GET", f"{JOBS}/{job}/results", token, params=params)
        assert page.status_code == 200 and page.headers["Content-Type"].startswith("text/csv")
        rows = list(csv.reader(io.StringIO(page.text)))
        assert rows[0] == ["Id"]  # every set of results starts with the header
        assert int(page.headers["Sforce-NumberOfRecords"]) == len(rows) - 1
        ids += [row[0] for row in rows[1:]]
        locator = page.headers["Sforce-Locator"]
        locators.append(locator)
        if locator == "null":
            break
    assert locators == [encode_locator(200), encode_locator(400), "null"]
    assert decode_locator("MTAwMDA") == 10000  # the documentation's example locator
    assert sorted(ids) == sorted(r["Id"] for r in sf.api._state.objects["lead"].all_rows)
    again = call(sf, "GET", f"{JOBS}/{job}/results", token,
                 params={"locator": locators[0], "maxRecords": 200})
    assert again.text.splitlines()[1].strip('"') == ids[200]  # a locator can be read again
    wrong_version = call(sf, "GET", f"{JOBS.replace('v59.0', 'v60.0')}/{job}/results", token)
    assert wrong_version.status_code == 409


def test_csv_values_are_written_as_bulk_api_writes_them() -> None:
    world = make_world(live=3, deleted=0)
    lead = world.salesforce["objects"]["Lead"][0]
    lead.update(Email='say "hi", then leave', NumberOfEmployees=12, AnnualRevenue=1500,
                Rating=None)
    describe = world.salesforce["describe"]["Lead"]  # a copy: LEAD_FIELDS is shared
    describe["fields"] = [*describe["fields"],
                          {"name": "NumberOfEmployees", "type": "int", "label": "Employees"},
                          {"name": "AnnualRevenue", "type": "currency", "label": "Revenue"},
                          {"name": "Rating", "type": "picklist", "label": "Rating"}]
    for sf in _serve(SalesforceApi(world)):
        token = sf.access_token()
        job = completed(sf, token, "SELECT Id, Email, IsConverted, NumberOfEmployees, "
                                   "AnnualRevenue, Rating, SystemModstamp, ConvertedDate "
                                   f"FROM Lead WHERE Id = '{lead['Id']}'")
        text = call(sf, "GET", f"{JOBS}/{job}/results", token).text
    modstamp = _lead(0)["SystemModstamp"].replace("+0000", "Z")
    assert text == (
        '"Id","Email","IsConverted","NumberOfEmployees","AnnualRevenue","Rating",'
        '"SystemModstamp","ConvertedDate"\n'
        f'"{lead["Id"]}","say ""hi"", then leave","false","12","1500.0","",'
        f'"{modstamp}",""\n')


def test_query_leaves_deleted_rows_out_and_queryall_brings_them(sf: SfServer) -> None:
    token = sf.access_token()
    counts = {}
    for operation in ("query", "queryAll"):
        job = create(sf, token, "SELECT Id FROM Lead WHERE IsDeleted = true", operation).json()
        while call(sf, "GET", f"{JOBS}/{job['id']}", token).json()["state"] != "JobComplete":
            pass
        page = call(sf, "GET", f"{JOBS}/{job['id']}/results", token)
        counts[operation] = int(page.headers["Sforce-NumberOfRecords"])
    assert counts == {"query": 0, "queryAll": DELETED_LEADS}


@pytest.mark.parametrize(("body", "code"), [
    ({"operation": "queryAll", "query": "SELECT Id, Nope__c FROM Lead"}, "INVALID_FIELD"),
    ({"operation": "queryAll", "query": "SELECT COUNT() FROM Lead"}, "API_ERROR"),
    ({"operation": "queryAll", "query": "SELECT Id FROM Lead LIMIT 5 OFFSET 5"}, "API_ERROR"),
    ({"operation": "insert", "query": "SELECT Id FROM Lead"}, "INVALIDJOB"),
    ({"operation": "query", "query": "SELECT Id FROM Lead", "columnDelimiter": "SPACE"},
     "INVALIDJOB"),
])
def test_jobs_bulk_api_refuses(sf: SfServer, body: dict[str, str], code: str) -> None:
    response = call(sf, "POST", JOBS, sf.access_token(), json=body)
    assert response.status_code == 400 and response.json()[0]["errorCode"] == code


def test_an_aborted_job_serves_no_results_and_every_call_counts(sf: SfServer) -> None:
    token = sf.access_token()
    job = create(sf, token, "SELECT Id FROM Lead").json()["id"]
    aborted = call(sf, "PATCH", f"{JOBS}/{job}", token, json={"state": "Aborted"})
    assert aborted.status_code == 200 and aborted.json()["state"] == "Aborted"
    assert call(sf, "GET", f"{JOBS}/{job}", token).json()["state"] == "Aborted"
    results = call(sf, "GET", f"{JOBS}/{job}/results", token)
    assert results.status_code == 400
    # Bulk API 2.0 calls are REST calls: each counts against the daily API requests.
    assert results.headers["Sforce-Limit-Info"] == "api-usage=4/100000"


def test_tab_delimited_crlf_results() -> None:
    for sf in _serve(SalesforceApi(make_world(live=2, deleted=0))):
        token = sf.access_token()
        job = completed(sf, token, "SELECT Id, LastName FROM Lead ORDER BY Id",
                        columnDelimiter="TAB", lineEnding="CRLF")
        text = call(sf, "GET", f"{JOBS}/{job}/results", token).text
    assert text == ('"Id"\t"LastName"\r\n"00Q000000000000AAA"\t"Last0"\r\n'
                    '"00Q000000000001AAA"\t"Last1"\r\n')
