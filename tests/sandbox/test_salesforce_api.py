"""The Salesforce half of the sandbox over real HTTP, including the official simple-salesforce."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
from collections.abc import Iterator
from datetime import datetime, timedelta
from typing import Any

import pytest
import requests
from requests.adapters import HTTPAdapter
from simple_salesforce import Salesforce

from sandbox.http import SandboxServer, start_server
from sandbox.salesforce import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, SalesforceApi
from sandbox.world import World

START = datetime(2025, 1, 1, 8, 0, 0)
STATUSES = ("Open", "Working", "Nurturing", "Unqualified", "Converted")
LIVE_LEADS = 450
DELETED_LEADS = 5


def _stamp(moment: datetime) -> str:
    return moment.strftime("%Y-%m-%dT%H:%M:%S.000+0000")


def _lead(i: int, deleted: bool = False) -> dict[str, Any]:
    # Pairs of leads share a SystemModstamp so ordering must fall back to Id.
    modstamp = START + timedelta(minutes=30 * ((i * 7919) % LIVE_LEADS // 2))
    return {
        "Id": f"00Q{i:012d}AAA", "IsDeleted": deleted, "FirstName": f"First{i}",
        "LastName": f"Last{i}", "Email": None if i % 10 == 3 else f"lead{i}@example.com",
        "Status": STATUSES[i % len(STATUSES)], "IsConverted": i % 5 == 4,
        "ConvertedContactId": None, "ConvertedOpportunityId": None,
        "ConvertedDate": "2025-03-01" if i % 5 == 4 else None, "LeadSource": "Web",
        "OwnerId": "005000000000001AAA", "Disqualification_Reason__c": None,
        "CreatedDate": _stamp(START), "SystemModstamp": _stamp(modstamp),
    }


LEAD_FIELDS = [
    {"name": "Id", "type": "id", "label": "Lead ID"},
    {"name": "IsDeleted", "type": "boolean", "label": "Deleted"},
    {"name": "FirstName", "type": "string", "label": "First Name"},
    {"name": "LastName", "type": "string", "label": "Last Name"},
    {"name": "Email", "type": "email", "label": "Email"},
    {"name": "Status", "type": "picklist", "label": "Status"},
    {"name": "IsConverted", "type": "boolean", "label": "Converted"},
    {"name": "ConvertedContactId", "type": "reference", "label": "Converted Contact ID",
     "referenceTo": ["Contact"]},
    {"name": "ConvertedOpportunityId", "type": "reference", "label": "Converted Opportunity ID",
     "referenceTo": ["Opportunity"]},
    {"name": "ConvertedDate", "type": "date", "label": "Converted Date"},
    {"name": "LeadSource", "type": "picklist", "label": "Lead Source"},
    {"name": "OwnerId", "type": "reference", "label": "Owner ID", "referenceTo": ["Group", "User"]},
    {"name": "Disqualification_Reason__c", "type": "picklist", "label": "Disqualification Reason",
     "custom": True},
    {"name": "CreatedDate", "type": "datetime", "label": "Created Date"},
    {"name": "SystemModstamp", "type": "datetime", "label": "System Modstamp"},
]


def make_world(live: int = LIVE_LEADS, deleted: int = DELETED_LEADS) -> World:
    leads = [_lead(i) for i in range(live)] + [_lead(live + i, True) for i in range(deleted)]
    user = {"Id": "005000000000001AAA", "IsDeleted": False, "Name": "Integration User",
            "Email": "integration@example.com", "IsActive": True}
    return World(clock="2026-06-30T00:00:00.000Z", salesforce={
        "objects": {"Lead": leads, "User": [user]},
        "describe": {
            "Lead": {"name": "Lead", "label": "Lead", "custom": False, "fields": LEAD_FIELDS},
            "User": {"name": "User", "label": "User", "custom": False, "fields": [
                {"name": "Id", "type": "id", "label": "User ID"},
                {"name": "Name", "type": "string", "label": "Full Name"},
                {"name": "Email", "type": "email", "label": "Email"},
                {"name": "IsActive", "type": "boolean", "label": "Active"},
            ]},
        },
    })


class SfServer:
    """A running server and helpers for calling it."""

    def __init__(self, api: SalesforceApi, server: SandboxServer) -> None:
        self.api = api
        self.server = server
        self.url = server.url

    def token(self, **form: str) -> requests.Response:
        data = {"grant_type": "client_credentials", "client_id": DEFAULT_CLIENT_ID,
                "client_secret": DEFAULT_CLIENT_SECRET, **form}
        return requests.post(f"{self.url}/services/oauth2/token", data=data, timeout=10)

    def access_token(self) -> str:
        response = self.token()
        assert response.status_code == 200, response.text
        return response.json()["access_token"]

    def get(self, path: str, token: str | None = None, **kwargs: Any) -> requests.Response:
        headers = kwargs.pop("headers", {})
        if token is not None:
            headers["Authorization"] = f"Bearer {token}"
        return requests.get(self.url + path, headers=headers, timeout=30, **kwargs)

    def query(self, soql_text: str, token: str, resource: str = "query",
              **kwargs: Any) -> requests.Response:
        return self.get(f"/services/data/v59.0/{resource}", token, params={"q": soql_text},
                        **kwargs)


def _serve(api: SalesforceApi) -> Iterator[SfServer]:
    server, _ = start_server([api])
    try:
        yield SfServer(api, server)
    finally:
        server.shutdown()
        server.server_close()


@pytest.fixture
def sf() -> Iterator[SfServer]:
    yield from _serve(SalesforceApi(make_world()))


def _error_code(response: requests.Response) -> str:
    body = response.json()
    assert isinstance(body, list) and len(body) == 1, body
    return body[0]["errorCode"]


# -- OAuth ------------------------------------------------------------------------------------

def test_client_credentials_token_shape(sf: SfServer) -> None:
    response = sf.token()
    assert response.status_code == 200
    body = response.json()
    # The real client-credentials response: no refresh_token, no expires_in.
    assert set(body) == {"access_token", "signature", "scope", "instance_url", "id",
                         "token_type", "issued_at"}
    assert body["token_type"] == "Bearer"
    assert body["instance_url"] == sf.url
    assert body["id"] == f"{sf.url}/id/00D000000000001AAA/005000000000001AAA"
    assert body["issued_at"].isdigit() and abs(int(body["issued_at"]) / 1000 - time.time()) < 60
    expected = hmac.new(DEFAULT_CLIENT_SECRET.encode(),
                        (body["id"] + body["issued_at"]).encode(), hashlib.sha256).digest()
    assert base64.b64decode(body["signature"]) == expected


def test_client_credentials_with_http_basic(sf: SfServer) -> None:
    response = requests.post(f"{sf.url}/services/oauth2/token",
                             data={"grant_type": "client_credentials"},
                             auth=(DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET), timeout=10)
    assert response.status_code == 200
    assert sf.get("/services/data/v59.0/limits", response.json()["access_token"]).ok


@pytest.mark.parametrize(("form", "error", "description"), [
    ({"client_secret": "wrong"}, "invalid_client", "invalid client credentials"),
    ({"client_id": "someone-else"}, "invalid_client_id", "client identifier invalid"),
    ({"grant_type": "password"}, "unsupported_grant_type", "grant type not supported"),
    ({"grant_type": "refresh_token", "refresh_token": "never-issued"}, "invalid_grant",
     "expired access/refresh token"),
])
def test_bad_token_requests(sf: SfServer, form: dict[str, str], error: str,
                            description: str) -> None:
    response = sf.token(**form)
    assert response.status_code == 400
    assert response.json() == {"error": error, "error_description": description}


def test_expiry_then_refresh() -> None:
    api = SalesforceApi(make_world(), token_ttl_seconds=0.5)
    for sf in _serve(api):
        token = sf.access_token()
        assert sf.get("/services/data/v59.0/limits", token).status_code == 200
        time.sleep(0.6)
        expired = sf.get("/services/data/v59.0/limits", token)
        assert expired.status_code == 401
        assert expired.json() == [{"message": "Session expired or invalid",
                                   "errorCode": "INVALID_SESSION_ID"}]
        refresh_token = api.issue_refresh_token()
        refreshed = sf.token(grant_type="refresh_token", refresh_token=refresh_token)
        assert refreshed.status_code == 200
        body = refreshed.json()
        assert "refresh_token" not in body and body["scope"] == "refresh_token api"
        assert sf.get("/services/data/v59.0/limits", body["access_token"]).status_code == 200


def test_expire_tokens_hook(sf: SfServer) -> None:
    token = sf.access_token()
    sf.api.expire_tokens()
    assert _error_code(sf.get("/services/data/v59.0/limits", token)) == "INVALID_SESSION_ID"


def test_bad_or_missing_token(sf: SfServer) -> None:
    bad = sf.get("/services/data/v59.0/query", "00Dnot-a-token", params={"q": "SELECT Id "
                                                                              "FROM Lead"})
    assert bad.status_code == 401 and _error_code(bad) == "INVALID_SESSION_ID"
    missing = sf.get("/services/data/v59.0/limits")
    assert missing.status_code == 401 and _error_code(missing) == "INVALID_AUTH_HEADER"


# -- Query --------------------------------------------------------------------------------------

def test_query_pages_to_the_end_with_batch_size(sf: SfServer) -> None:
    token = sf.access_token()
    headers = {"Sforce-Query-Options": "batchSize=200"}
    response = sf.query("SELECT Id, Email FROM Lead", token, headers=headers)
    sizes, ids = [], []
    while True:
        assert response.status_code == 200, response.text
        body = response.json()
        assert body["totalSize"] == LIVE_LEADS
        sizes.append(len(body["records"]))
        ids += [r["Id"] for r in body["records"]]
        record = body["records"][0]
        assert list(record) == ["attributes", "Id", "Email"]
        assert record["attributes"] == {
            "type": "Lead", "url": f"/services/data/v59.0/sobjects/Lead/{record['Id']}"}
        if body["done"]:
            assert "nextRecordsUrl" not in body
            break
        assert re.fullmatch(r"/services/data/v59\.0/query/01g\w{15}-\d+", body["nextRecordsUrl"])
        response = sf.get(body["nextRecordsUrl"], token, headers=headers)
    # Batches are often smaller than asked for (as at Salesforce), never larger.
    assert sum(sizes) == LIVE_LEADS and max(sizes) <= 200 and min(sizes[:-1]) < 200
    assert len(sizes) > 3
    assert sorted(ids) == [f"00Q{i:012d}AAA" for i in range(LIVE_LEADS)]


def test_short_batches_are_deterministic_and_can_be_turned_off() -> None:
    def page_sizes(api: SalesforceApi) -> list[int]:
        sizes = []
        for sf in _serve(api):
            token, headers = sf.access_token(), {"Sforce-Query-Options": "batchSize=200"}
            body = sf.query("SELECT Id FROM Lead", token, headers=headers).json()
            sizes.append(len(body["records"]))
            while not body["done"]:
                body = sf.get(body["nextRecordsUrl"], token, headers=headers).json()
                sizes.append(len(body["records"]))
        return sizes

    short = page_sizes(SalesforceApi(make_world()))
    assert short == page_sizes(SalesforceApi(make_world())) and all(
        100 < size <= 200 for size in short[:-1])
    assert page_sizes(SalesforceApi(make_world(), short_batches=False)) == [200, 200, 50]


def test_default_batch_is_2000_and_small_batches_are_raised_to_200() -> None:
    for sf in _serve(SalesforceApi(make_world(live=2500), short_batches=False)):
        token = sf.access_token()
        assert len(sf.query("SELECT Id FROM Lead", token).json()["records"]) == 2000
        tiny = sf.query("SELECT Id FROM Lead", token,
                             headers={"Sforce-Query-Options": "batchSize=10"})
        assert len(tiny.json()["records"]) == 200


def _parse(stamp: str) -> datetime:
    return datetime.strptime(stamp, "%Y-%m-%dT%H:%M:%S.000+0000")


def test_cursor_query_where_order_limit(sf: SfServer) -> None:
    token = sf.access_token()
    since = START + timedelta(hours=40)
    leads = [_lead(i) for i in range(LIVE_LEADS)]
    expected = sorted(
        (lead for lead in leads
         if _parse(lead["SystemModstamp"]) >= since and lead["Status"] != "Converted"),
        key=lambda lead: (lead["SystemModstamp"], lead["Id"]))[:25]
    # The literal is the same instant written with a +02:00 offset.
    soql_text = ("SELECT Id, SystemModstamp FROM Lead WHERE SystemModstamp >= "
                 f"{(since + timedelta(hours=2)).strftime('%Y-%m-%dT%H:%M:%S')}+02:00 "
                 "AND Status != 'converted' ORDER BY SystemModstamp, Id LIMIT 25")
    body = sf.query(soql_text, token).json()
    assert body["totalSize"] == 25 and body["done"] is True
    assert [r["Id"] for r in body["records"]] == [lead["Id"] for lead in expected]
    # DESC with an upper bound (no bisection: evaluated by scan).
    body = sf.query("SELECT Id FROM Lead WHERE SystemModstamp < "
                         f"{since.strftime('%Y-%m-%dT%H:%M:%S')}Z ORDER BY SystemModstamp DESC, "
                         "Id DESC LIMIT 3", token).json()
    before = sorted((lead for lead in leads if _parse(lead["SystemModstamp"]) < since),
                    key=lambda lead: (lead["SystemModstamp"], lead["Id"]), reverse=True)
    assert [r["Id"] for r in body["records"]] == [lead["Id"] for lead in before[:3]]


def test_bisected_range_pages_and_offsets(sf: SfServer) -> None:
    token = sf.access_token()
    since = START + timedelta(hours=40)
    expected = [lead["Id"] for lead in sorted(
        (_lead(i) for i in range(LIVE_LEADS)), key=lambda lead: (lead["SystemModstamp"],
                                                                 lead["Id"]))
        if _parse(lead["SystemModstamp"]) >= since]
    assert len(expected) > 200  # more than one page
    soql_text = (f"SELECT Id FROM Lead WHERE SystemModstamp >= {since:%Y-%m-%dT%H:%M:%S}Z "
                 "ORDER BY SystemModstamp, Id")
    headers = {"Sforce-Query-Options": "batchSize=200"}
    body = sf.query(soql_text, token, headers=headers).json()
    ids = [r["Id"] for r in body["records"]]
    while not body["done"]:
        body = sf.get(body["nextRecordsUrl"], token, headers=headers).json()
        ids += [r["Id"] for r in body["records"]]
    assert ids == expected
    window = sf.query(soql_text + " LIMIT 10 OFFSET 5", token).json()
    assert window["totalSize"] == 10 and [r["Id"] for r in window["records"]] == expected[5:15]


@pytest.mark.parametrize("order", ["Email", "Email NULLS LAST", "Email DESC",
                                   "Email DESC NULLS LAST"])
def test_ordering_with_nulls(sf: SfServer, order: str) -> None:
    token = sf.access_token()
    emails = [r["Email"] for r in sf.query(f"SELECT Email FROM Lead ORDER BY {order}, Id",
                                           token).json()["records"]]
    present = [e for e in emails if e is not None]
    nulls = len(emails) - len(present)
    assert nulls == LIVE_LEADS // 10
    assert present == sorted(present, reverse="DESC" in order)
    assert emails[-nulls:] == [None] * nulls if "NULLS LAST" in order else (
        emails[:nulls] == [None] * nulls)
    # A range on the first sort field bisects the same index (nulls excluded by the range).
    ranged = sf.query(f"SELECT Email FROM Lead WHERE Email >= 'LEAD2' AND Email < 'lead3' "
                      f"ORDER BY {order}, Id", token).json()["records"]
    assert [r["Email"] for r in ranged] == [e for e in present if "lead2" <= e < "lead3"]


def test_query_all_includes_deleted_rows(sf: SfServer) -> None:
    token = sf.access_token()
    deleted_ids = [f"00Q{i:012d}AAA" for i in range(LIVE_LEADS, LIVE_LEADS + DELETED_LEADS)]
    soql_text = "SELECT Id FROM Lead WHERE IsDeleted = true ORDER BY Id"
    assert sf.query(soql_text, token).json()["totalSize"] == 0
    body = sf.query(soql_text, token, resource="queryAll").json()
    assert [r["Id"] for r in body["records"]] == deleted_ids
    count = sf.query("SELECT COUNT() FROM Lead", token, resource="queryAll").json()
    assert count == {"totalSize": LIVE_LEADS + DELETED_LEADS, "done": True, "records": []}


@pytest.mark.parametrize(("soql_text", "code", "message_end"), [
    ("SELECT Id, Nope__c FROM Lead", "INVALID_FIELD", "No such column 'Nope__c' on entity 'Lead'. "
     "If you are attempting to use a custom field, be sure to append the '__c' after the custom "
     "field name. Please reference your WSDL or the describe call for the appropriate names."),
    ("SELECT Id FROM Lead WHERE", "MALFORMED_QUERY", "unexpected token: <EOF>"),
    ("SELECT Id FROM Prospect", "INVALID_TYPE", "sObject type 'Prospect' is not supported. If you "
     "are attempting to use a custom object, be sure to append the '__c' after the entity name. "
     "Please reference your WSDL or the describe call for the appropriate names."),
])
def test_query_errors(sf: SfServer, soql_text: str, code: str, message_end: str) -> None:
    response = sf.query(soql_text, sf.access_token())
    assert response.status_code == 400
    assert _error_code(response) == code
    message = response.json()[0]["message"]
    assert message.startswith(f"\n{soql_text}\n") and message.endswith(message_end)


def test_unknown_query_locator(sf: SfServer) -> None:
    response = sf.get("/services/data/v59.0/query/01g000000000000999-2000",
                           sf.access_token())
    assert response.status_code == 400 and _error_code(response) == "INVALID_QUERY_LOCATOR"


def test_open_cursor_survives_a_reload(sf: SfServer) -> None:
    token = sf.access_token()
    first = sf.query("SELECT Id FROM Lead ORDER BY Id", token,
                          headers={"Sforce-Query-Options": "batchSize=200"}).json()
    sf.api.load(make_world(live=10, deleted=0))
    rest = sf.get(first["nextRecordsUrl"], token).json()
    assert rest["totalSize"] == LIVE_LEADS
    assert len(rest["records"]) == LIVE_LEADS - len(first["records"]) and rest["done"]
    assert sf.query("SELECT COUNT() FROM Lead", token).json()["totalSize"] == 10


# -- Limits -------------------------------------------------------------------------------------

def test_daily_quota_then_403() -> None:
    for sf in _serve(SalesforceApi(make_world(), daily_request_limit=3)):
        token = sf.access_token()  # the token endpoint is not an API call
        limits = sf.get("/services/data/v59.0/limits", token)
        assert limits.headers["Sforce-Limit-Info"] == "api-usage=1/3"
        assert limits.json()["DailyApiRequests"] == {"Max": 3, "Remaining": 2}
        for used in (2, 3):
            response = sf.query("SELECT Id FROM Lead LIMIT 1", token)
            assert response.status_code == 200
            assert response.headers["Sforce-Limit-Info"] == f"api-usage={used}/3"
        spent = sf.query("SELECT Id FROM Lead LIMIT 1", token)
        assert spent.status_code == 403
        assert spent.json() == [{"message": "TotalRequests Limit exceeded.",
                                 "errorCode": "REQUEST_LIMIT_EXCEEDED"}]
        assert spent.headers["Sforce-Limit-Info"] == "api-usage=3/3"
        # Listing versions needs no session and does not count.
        versions = sf.get("/services/data/")
        assert versions.status_code == 200 and "Sforce-Limit-Info" not in versions.headers
        assert {"label": "Winter '24", "url": "/services/data/v59.0", "version": "59.0"} in (
            versions.json())


# -- Describe and records -------------------------------------------------------------------------

def test_describe_is_filled_out(sf: SfServer) -> None:
    token = sf.access_token()
    body = sf.get("/services/data/v59.0/sobjects/lead/describe", token).json()
    assert (body["name"], body["label"], body["custom"], body["queryable"], body["keyPrefix"]) == (
        "Lead", "Lead", False, True, "00Q")
    assert body["urls"]["describe"] == "/services/data/v59.0/sobjects/Lead/describe"
    fields = {f["name"]: f for f in body["fields"]}
    assert list(fields) == [f["name"] for f in LEAD_FIELDS]
    assert (fields["Id"]["type"], fields["Id"]["length"], fields["Id"]["soapType"],
            fields["Id"]["nillable"]) == ("id", 18, "tns:ID", False)
    owner = fields["OwnerId"]
    assert (owner["referenceTo"], owner["relationshipName"], owner["polymorphicForeignKey"]) == (
        ["Group", "User"], "Owner", True)
    custom = fields["Disqualification_Reason__c"]
    assert (custom["custom"], custom["calculated"], custom["nillable"], custom["label"]) == (
        True, False, True, "Disqualification Reason")
    assert fields["SystemModstamp"]["soapType"] == "xsd:dateTime"
    assert sf.get("/services/data/v59.0/sobjects/Prospect/describe", token).status_code == 404


def test_describe_global(sf: SfServer) -> None:
    body = sf.get("/services/data/v59.0/sobjects", sf.access_token()).json()
    assert body["encoding"] == "UTF-8" and body["maxBatchSize"] == 200
    lead = next(s for s in body["sobjects"] if s["name"] == "Lead")
    assert lead["keyPrefix"] == "00Q" and lead["queryable"] is True and "fields" not in lead
    assert lead["urls"]["rowTemplate"] == "/services/data/v59.0/sobjects/Lead/{ID}"


def test_record_url_resolves(sf: SfServer) -> None:
    token = sf.access_token()
    first = sf.query("SELECT Id FROM Lead ORDER BY Id LIMIT 1", token).json()
    assert first["totalSize"] == 1 and len(first["records"]) == 1
    record = first["records"][0]
    body = sf.get(record["attributes"]["url"], token, params={"fields": "email,Status"})
    assert body.json() == {"attributes": record["attributes"], "Email": "lead0@example.com",
                           "Status": "Open"}


def test_fault_response_is_salesforce_shaped(sf: SfServer) -> None:
    for status, code in ((503, "SERVER_UNAVAILABLE"), (500, "UNKNOWN_EXCEPTION")):
        response = sf.api.fault_response(status)
        assert response.status == status
        assert json.loads(response.body)[0]["errorCode"] == code
    # Salesforce throttles with 403, never 429.
    throttled = sf.api.fault_response(429)
    assert throttled.status == 403 and json.loads(throttled.body) == [
        {"message": "ConcurrentPerOrgLongTxn Limit exceeded.",
         "errorCode": "REQUEST_LIMIT_EXCEEDED"}]


# -- The official client ------------------------------------------------------------------------

class HttpsToHttp(HTTPAdapter):
    """simple-salesforce hard-codes ``https://`` (``base_url`` and query_more's ``nextRecordsUrl``);
    the sandbox speaks plain http. Mounted on the session for the sandbox's host only, this adapter
    rewrites the scheme just before sending; everything else is the library's own code path."""

    def __init__(self) -> None:
        super().__init__()
        self.rewritten = 0

    def send(self, request: requests.PreparedRequest, *args: Any, **kwargs: Any
             ) -> requests.Response:
        assert request.url is not None and request.url.startswith("https://")
        request.url = "http://" + request.url[len("https://"):]
        self.rewritten += 1
        return super().send(request, *args, **kwargs)


def test_simple_salesforce_query_all_across_pages(sf: SfServer) -> None:
    token = sf.token().json()
    session = requests.Session()
    adapter = HttpsToHttp()
    session.mount(f"https://{sf.url.removeprefix('http://')}", adapter)
    sf = Salesforce(instance_url=token["instance_url"], session_id=token["access_token"],
                    session=session)
    result = sf.query_all("SELECT Id, Email FROM Lead",
                          headers={"Sforce-Query-Options": "batchSize=200"})
    assert result["totalSize"] == LIVE_LEADS and result["done"] is True
    assert sorted(r["Id"] for r in result["records"]) == [
        f"00Q{i:012d}AAA" for i in range(LIVE_LEADS)]
    # The query, then query_more by nextRecordsUrl for each (short) batch after the first.
    assert adapter.rewritten >= 3
    assert sf.api_usage["api-usage"].used == adapter.rewritten


def test_blank_text_in_a_world_reads_as_null() -> None:
    world = make_world(live=3, deleted=0)
    world.salesforce["objects"]["Lead"][1]["LastName"] = ""
    for sf in _serve(SalesforceApi(world)):
        token = sf.access_token()
        body = sf.query("SELECT Id, LastName FROM Lead WHERE LastName = null", token).json()
        assert [(r["Id"], r["LastName"]) for r in body["records"]] == [("00Q000000000001AAA",
                                                                          None)]
    assert world.salesforce["objects"]["Lead"][1]["LastName"] == ""  # the world is left as is
