"""Salesforce REST client: OAuth 2.0 client-credentials or JWT bearer auth, SOQL query paging,
Bulk API 2.0 query jobs for large objects, describes and the daily API request quota.

``changed_records`` and ``bulk_changed_records`` return the position to commit as their generator
value (see ``connectors.cursors``). ``changed_records``' records arrive in cursor order, so the
cursor of the last record stored is a safe position too, which
``QuotaExhaustedError.resume_cursor`` carries; a bulk job's records come in no order, so it has
no safe partial position.
"""

from __future__ import annotations

import csv
import io
import logging
import math
import re
import threading
import time
from collections.abc import Generator, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin, urlsplit

import jwt
import requests
from cryptography.exceptions import UnsupportedAlgorithm
from cryptography.hazmat.primitives.asymmetric.rsa import RSAPrivateKey
from cryptography.hazmat.primitives.serialization import load_pem_private_key
from requests.auth import AuthBase

from connectors.cursors import Moment, canonical, to_millis
from connectors.errors import ApiError, AuthenticationError, QuotaExhaustedError
from connectors.pagination import CursorPaginator, Page, chunks
from connectors.session import (
    ApiSession,
    CallPolicy,
    RetryPolicy,
    build_session,
    raise_for_api_error,
)
from connectors.writes import WriteResult

log = logging.getLogger(__name__)

API_NAME = "Salesforce"
DEFAULT_LOGIN_URL = "https://login.salesforce.com"
DEFAULT_API_VERSION = "v62.0"
MAX_BATCH_SIZE = 2000
COLLECTION_SIZE = 200  # sObject Collections maximum
# 300 quoted 18-character ids keep a query far below SOQL's 100,000-character limit.
PARENT_IDS_PER_QUERY = 300
DEFAULT_QUOTA_RESERVE = 0.10  # share of the daily API requests left for everything else
JWT_BEARER_GRANT = "urn:ietf:params:oauth:grant-type:jwt-bearer"
JWT_LIFETIME_SECONDS = 180  # Salesforce accepts assertions expiring within three minutes
# Objects this large are read by Bulk API 2.0 on a first sync (REST would spend a request per
# 2,000 rows of the org's daily allowance, Bulk one per 50,000).
DEFAULT_BULK_THRESHOLD = 500_000
# Bulk API 2.0 results per page: large pages spend few API requests; each is held in memory once.
BULK_MAX_RECORDS = 50_000
BULK_JOB_TIMEOUT_SECONDS = 4 * 3600.0
_DOUBLE_TYPES = frozenset({"double", "currency", "percent"})
# Compound fields repeat their components, which are queried instead; base64 fields can only be
# read one record at a time.
_UNQUERYABLE_TYPES = frozenset({"address", "location", "base64"})
_LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")

Record = dict[str, Any]


class _SalesforceTokenAuth(AuthBase):
    """An OAuth 2.0 token from ``/services/oauth2/token``, fetched lazily and fetched again once
    when a call answers 401 (an expired session). Subclasses say what the token request sends.

    The token response also names the org's ``instance_url``, which the client needs for every call.
    """

    flow = ""  # what the error messages call the credentials

    def __init__(self, session: ApiSession, login_url: str) -> None:
        self._session = session
        self._login_url = login_url.rstrip("/")
        self._token_url = f"{self._login_url}/services/oauth2/token"
        self._access_token: str | None = None
        self._instance_url: str | None = None
        self._lock = threading.Lock()

    def _token_request(self) -> dict[str, str]:
        raise NotImplementedError

    @property
    def instance_url(self) -> str:
        if self._instance_url is None:
            self._fetch_token()
        assert self._instance_url is not None
        return self._instance_url

    def _fetch_token(self) -> str:
        with self._lock:
            response = self._session.post(self._token_url, data=self._token_request())
            if not response.ok:
                raise AuthenticationError(self._refusal(response))
            body = response.json()
            self._access_token = body["access_token"]
            self._instance_url = body["instance_url"].rstrip("/")
            return self._access_token

    def _refusal(self, response: requests.Response) -> str:
        message = _message(response)
        if "not supported on this domain" in message:
            # login.salesforce.com and test.salesforce.com refuse it: only My Domain serves it.
            return (f"Salesforce refuses the {self.flow} on {urlsplit(self._login_url).hostname} "
                    f"({message}): that flow works only on your org's My Domain. Set "
                    "SALESFORCE_LOGIN_URL to https://<MyDomain>.my.salesforce.com (Setup, "
                    "My Domain shows it)")
        if "hasn't approved this consumer" in message:
            return (f"Salesforce refused the {self.flow} ({message}): pre-authorise the user "
                    "for the connected app (Manage, Edit Policies: 'Admin approved users are "
                    "pre-authorized', then add the user's profile or permission set)")
        return f"Salesforce refused the {self.flow}: {message}"

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        token = self._access_token or self._fetch_token()
        request.headers["Authorization"] = f"Bearer {token}"
        request.register_hook("response", self._refresh_on_401)
        return request

    def _refresh_on_401(self, response: requests.Response, **kwargs: Any) -> requests.Response:
        """An expired session: get a new token and resend once; a second 401 is final."""
        if response.status_code != 401 or getattr(response.request, "_samepage_retried", False):
            return response
        response.content  # noqa: B018 - drain the body so the connection can be reused
        response.close()
        token = self._fetch_token()
        retry = response.request.copy()
        retry.headers["Authorization"] = f"Bearer {token}"
        retry._samepage_retried = True  # type: ignore[attr-defined]
        resent = response.connection.send(retry, **kwargs)
        resent.history.append(response)
        resent.request = retry
        return resent


class SalesforceClientCredentialsAuth(_SalesforceTokenAuth):
    """OAuth 2.0 client-credentials flow (an External Client App with a run-as user). Salesforce
    serves it only on the org's My Domain, never on login.salesforce.com."""

    flow = "client credentials"

    def __init__(self, session: ApiSession, login_url: str, client_id: str,
                 client_secret: str) -> None:
        if not client_id or not client_secret:
            raise AuthenticationError("a Salesforce client id and client secret are both required")
        super().__init__(session, login_url)
        self._client_id = client_id
        self._client_secret = client_secret

    def _token_request(self) -> dict[str, str]:
        return {"grant_type": "client_credentials", "client_id": self._client_id,
                "client_secret": self._client_secret}


class SalesforceJwtBearerAuth(_SalesforceTokenAuth):
    """OAuth 2.0 JWT bearer flow: a connected app with a certificate. Each token request sends a
    fresh assertion signed (RS256) with the certificate's private key, naming the consumer key
    (``iss``), the user (``sub``), the login server (``aud``) and a three-minute expiry."""

    flow = "JWT bearer assertion"

    def __init__(self, session: ApiSession, login_url: str, client_id: str, username: str,
                 private_key: str) -> None:
        if not client_id or not username:
            raise AuthenticationError("the JWT bearer flow needs a client id and a username")
        try:
            key = load_pem_private_key(private_key.encode(), password=None)
        except (ValueError, TypeError, UnsupportedAlgorithm):
            # Never echo the key: say only what is wrong with it.
            raise AuthenticationError("the Salesforce private key is not an unencrypted PEM "
                                      "RSA private key") from None
        if not isinstance(key, RSAPrivateKey):
            raise AuthenticationError("the Salesforce private key must be an RSA key (RS256)")
        super().__init__(session, login_url)
        self._client_id = client_id
        self._username = username
        self._key = key
        self._audience = jwt_audience(login_url)

    def _token_request(self) -> dict[str, str]:
        claims = {"iss": self._client_id, "sub": self._username, "aud": self._audience,
                  "exp": int(time.time()) + JWT_LIFETIME_SECONDS}
        return {"grant_type": JWT_BEARER_GRANT,
                "assertion": jwt.encode(claims, self._key, algorithm="RS256")}


def jwt_audience(login_url: str) -> str:
    """The ``aud`` a JWT bearer assertion names: Salesforce's login server, even when the token
    is requested from a My Domain; sandboxes (test.salesforce.com, ``*.sandbox.my.
    salesforce.com``) use test.salesforce.com."""
    host = urlsplit(login_url).hostname or ""
    sandbox = host == "test.salesforce.com" or host.endswith(".sandbox.my.salesforce.com")
    return "https://test.salesforce.com" if sandbox else "https://login.salesforce.com"


def _next_records_url(page: Page) -> str | None:
    return None if page.get("done", True) else page.get("nextRecordsUrl")


class SalesforcePaginator(CursorPaginator):
    """Salesforce pages by ``nextRecordsUrl`` until ``done``."""

    def __init__(self) -> None:
        super().__init__(API_NAME, _next_records_url)


class SalesforceQuota(CallPolicy):
    """Stop before the org's daily API requests run out, keeping ``reserve`` of them unspent.

    Every REST answer reports ``Sforce-Limit-Info: api-usage=N/M``; before each data call the
    guard raises ``QuotaExhaustedError`` once no more than the reserve would be left, so the run
    ends between pages with everything read so far intact. The org's other integrations (and
    its users) need that reserve; a run that spent it all would break them until midnight.
    """

    def __init__(self, reserve: float = DEFAULT_QUOTA_RESERVE) -> None:
        if not 0 <= reserve < 1:
            raise ValueError("the quota reserve is a share of the daily limit, in [0, 1)")
        self.reserve = reserve
        self.used: int | None = None
        self.limit: int | None = None
        self._lock = threading.Lock()

    def before_call(self, method: str, url: str) -> None:
        if "/services/data/" not in url:
            return  # OAuth token calls do not count against the API request limit
        with self._lock:
            used, limit = self.used, self.limit
        if used is None or limit is None:
            return
        reserve = math.ceil(limit * self.reserve)
        if limit - used <= reserve:
            raise QuotaExhaustedError(
                f"Salesforce daily API requests: {used} of {limit} used; stopping to keep "
                f"{reserve} ({self.reserve:.0%}) in reserve. Resume after the 24-hour window "
                "rolls on.", used=used, limit=limit)

    def after_call(self, response: requests.Response) -> float | None:
        found = _LIMIT_INFO.search(response.headers.get("Sforce-Limit-Info", ""))
        if found:
            with self._lock:
                self.used, self.limit = int(found.group(1)), int(found.group(2))
        # 403 REQUEST_LIMIT_EXCEEDED also reports concurrency limits; "TotalRequests" is the day's.
        if response.status_code == 403 and "TotalRequests" in response.text:
            raise QuotaExhaustedError(f"Salesforce refused the call: {_message(response)}",
                                      used=self.used, limit=self.limit)
        return None

    def retryable(self, response: requests.Response) -> str | None:
        """Salesforce throttles concurrent long-running requests (ConcurrentPerOrgLongTxn, and the
        like) with 403 REQUEST_LIMIT_EXCEEDED, not 429: those pass as running requests finish
        (the daily limit, TotalRequests, never reaches here: ``after_call`` raised for it). A
        set of bulk results is checked against the count Salesforce says it holds: CSV has no
        closing bracket to show a body cut short in transit, and a locator can be read again."""
        if response.status_code == 403 and "REQUEST_LIMIT_EXCEEDED" in response.text:
            return "HTTP 403 REQUEST_LIMIT_EXCEEDED (concurrent requests)"
        expected = response.headers.get("Sforce-NumberOfRecords", "")
        if response.ok and expected.isdigit():
            complete = _csv_record_count(response.content)
            if complete != int(expected):
                return (f"bulk results hold {complete} complete records of the {expected} "
                        "announced (cut short in transit?)")
        return None


def salesforce_session(*secrets: str | None, quota_reserve: float = DEFAULT_QUOTA_RESERVE,
                       timeout: float = 30.0, retry: RetryPolicy | None = None) -> ApiSession:
    """The session a ``SalesforceClient`` uses: the quota guard, retries, and redaction of
    ``secrets`` (client id and secret, or the private key)."""
    return build_session(API_NAME, timeout=timeout, retry=retry,
                         policy=SalesforceQuota(quota_reserve),
                         secrets=tuple(s for s in secrets if s))


@dataclass(frozen=True)
class SalesforceField:
    """A queryable field from describe. ``calculated`` fields are formulas: Salesforce computes
    them on read, so their changes do not move ``SystemModstamp`` (record that in metadata)."""

    name: str
    type: str
    label: str
    custom: bool
    calculated: bool
    formula: str | None


@dataclass(frozen=True)
class ApiUsage:
    """The org's daily API requests: used so far and the 24-hour limit."""

    used: int
    limit: int


class SalesforceClient:
    """Runs SOQL queries. Every read is a generator of records as the API returns them.

    Authenticates with the client-credentials flow (``client_secret``) or the JWT bearer flow
    (``username`` and ``private_key``, a PEM RSA key), whichever is given.
    """

    def __init__(self, client_id: str, client_secret: str | None = None, *,
                 username: str | None = None, private_key: str | None = None,
                 login_url: str = DEFAULT_LOGIN_URL, api_version: str = DEFAULT_API_VERSION,
                 session: ApiSession | None = None, bulk_poll_seconds: float = 1.0) -> None:
        jwt_flow = username is not None or private_key is not None
        if jwt_flow == (client_secret is not None):
            raise AuthenticationError("give either a client secret (client-credentials flow) or "
                                      "a username and private key (JWT bearer flow)")
        self.session = session or salesforce_session(client_id, client_secret, private_key)
        self.auth: _SalesforceTokenAuth
        if jwt_flow:
            self.auth = SalesforceJwtBearerAuth(self.session, login_url, client_id,
                                                username or "", private_key or "")
        else:
            self.auth = SalesforceClientCredentialsAuth(self.session, login_url, client_id,
                                                        client_secret or "")
        self.api_version = api_version if api_version.startswith("v") else f"v{api_version}"
        self.bulk_poll_seconds = bulk_poll_seconds

    def api_usage(self) -> ApiUsage:
        """Daily API requests from ``/limits`` (worth one call at the start of a run: it also
        primes the quota guard, which otherwise learns the usage from the first answer)."""
        body = self._get(f"{self._base()}limits", None, {})["DailyApiRequests"]
        return ApiUsage(used=body["Max"] - body["Remaining"], limit=body["Max"])

    def record_counts(self, sobjects: Sequence[str]) -> dict[str, int]:
        """Approximate live rows per object from ``/limits/recordCount``: one call for all."""
        body = self._get(f"{self._base()}limits/recordCount",
                         {"sObjects": ",".join(sobjects)}, {})
        return {entry["name"]: int(entry["count"]) for entry in body.get("sObjects", [])}

    def count(self, sobject: str) -> int:
        """Rows of ``sobject``, deleted ones included (``queryAll`` of ``SELECT COUNT()``)."""
        return int(self._get(f"{self._base()}queryAll", {"q": f"SELECT COUNT() FROM {sobject}"},
                             {})["totalSize"])

    def describe(self, sobject: str) -> dict[str, Any]:
        """``/sobjects/{sobject}/describe`` as the API returns it."""
        return self._get(f"{self._base()}sobjects/{sobject}/describe", None, {})

    def fields(self, sobject: str) -> list[SalesforceField]:
        """Every field a SOQL query over ``sobject`` can select, custom ``__c`` ones included."""
        return [SalesforceField(name=f["name"], type=f["type"], label=f.get("label", f["name"]),
                                custom=bool(f.get("custom")), calculated=bool(f.get("calculated")),
                                formula=f.get("calculatedFormula"))
                for f in self.describe(sobject)["fields"]
                if f["type"] not in _UNQUERYABLE_TYPES and not f.get("deprecatedAndHidden")]

    def changed_records(self, sobject: str, fields: Sequence[str],
                        cursor_field: str = "SystemModstamp", since: Moment | None = None, *,
                        batch_size: int = MAX_BATCH_SIZE) -> Generator[Record, None, str | None]:
        """Rows whose ``cursor_field`` is at or after ``since``, deleted ones included (queryAll),
        in ``cursor_field, Id`` order.

        Returns the cursor of the last row (or ``since``): commit it with the rows and pass it as
        the next ``since``. The bound is inclusive, so rows sharing that instant are read again
        rather than lost, however many share it. Because rows come in cursor order, the cursor
        of the last row stored is a safe position after any prefix; on ``QuotaExhaustedError``
        it is in ``resume_cursor``. ``cursor_field`` is spelled as the API returns it.
        """
        names = list(dict.fromkeys(["Id", *fields, cursor_field]))
        where = f" WHERE {cursor_field} >= {_soql_datetime(since)}" if since is not None else ""
        soql = f"SELECT {', '.join(names)} FROM {sobject}{where} ORDER BY {cursor_field}, Id"
        position = canonical(since) if since is not None else None
        try:
            for record in self.query(soql, include_deleted=True, batch_size=batch_size):
                if record.get(cursor_field) is not None:
                    position = canonical(record[cursor_field])
                yield record
        except QuotaExhaustedError as exc:
            exc.resume_cursor = position
            raise
        return position

    def bulk_changed_records(self, sobject: str, fields: Sequence[SalesforceField],
                             cursor_field: str = "SystemModstamp", since: Moment | None = None, *,
                             max_records: int = BULK_MAX_RECORDS
                             ) -> Generator[Record, None, str | None]:
        """What ``changed_records`` reads, through a Bulk API 2.0 ``queryAll`` job: a few API
        requests per 50,000 rows instead of one per 2,000, for large objects.

        Records are converted from CSV to the values the REST API returns (by the describe types
        of ``fields``), ``attributes`` included, so both paths land the same rows. The job has no
        ORDER BY (it would turn off Salesforce's chunking of large jobs), so records come in no
        order: the return value is the greatest cursor read (or ``since``), and a stop part-way
        (``QuotaExhaustedError``) has no safe ``resume_cursor``.
        """
        types = {f.name: f.type for f in fields}
        names = list(dict.fromkeys(["Id", *types, cursor_field]))
        where = f" WHERE {cursor_field} >= {_soql_datetime(since)}" if since is not None else ""
        job_url = self._create_bulk_job(f"SELECT {', '.join(names)} FROM {sobject}{where}")
        position = canonical(since) if since is not None else None
        record_url = f"/services/data/{self.api_version}/sobjects/{sobject}/"
        try:
            self._await_bulk_job(job_url)
            locator: str | None = None
            while True:
                params = {"maxRecords": max_records, **({"locator": locator} if locator else {})}
                response = self._call("GET", f"{job_url}/results", params, {"Accept": "text/csv"})
                reader = csv.reader(io.StringIO(response.content.decode("utf-8"), newline=""),
                                    strict=True)
                header = next(reader, None)
                if header is not None and header != names:
                    raise ApiError(API_NAME, response.status_code,
                                   f"bulk results have columns {header}, expected {names}",
                                   f"{job_url}/results")
                for row in reader:
                    record: Record = {"attributes": {"type": sobject,
                                                     "url": record_url + row[0]}}
                    record.update(zip(names, (_from_csv(value, types.get(name, "string"))
                                              for name, value in zip(names, row, strict=True)),
                                      strict=True))
                    stamp = record.get(cursor_field)
                    if stamp is not None and (position is None or canonical(stamp) > position):
                        position = canonical(stamp)
                    yield record
                locator = response.headers.get("Sforce-Locator")
                if not locator or locator == "null":
                    break
        finally:
            self._delete_bulk_job(job_url)
        return position

    def _create_bulk_job(self, soql: str) -> str:
        url = f"{self._base()}jobs/query"
        response = self._call("POST", url, None, {}, json={
            "operation": "queryAll", "query": soql, "contentType": "CSV",
            "columnDelimiter": "COMMA", "lineEnding": "LF"})
        return f"{url}/{response.json()['id']}"

    def _await_bulk_job(self, job_url: str) -> None:
        """Poll until the job completes, backing off to a poll a minute; a failed, aborted or
        overlong job is an ``ApiError`` with Salesforce's own message."""
        deadline = time.monotonic() + BULK_JOB_TIMEOUT_SECONDS
        delay = self.bulk_poll_seconds
        while True:
            info = self._get(job_url, None, {})
            state = info.get("state")
            if state == "JobComplete":
                return
            if state in ("Failed", "Aborted") or time.monotonic() > deadline:
                raise ApiError(API_NAME, 200, f"bulk query job {info.get('id')} is {state}: "
                               f"{info.get('errorMessage') or 'no message'}", job_url)
            time.sleep(delay)
            delay = min(60.0, delay * 2)

    def _delete_bulk_job(self, job_url: str) -> None:
        """Jobs' results count against the org's bulk storage until deleted; a failed delete
        loses nothing (Salesforce removes jobs after seven days), so it is only logged."""
        try:
            self._call("DELETE", job_url, None, {})
        except (ApiError, requests.RequestException) as exc:
            log.warning("Salesforce bulk job %s not deleted: %s", job_url.rsplit("/", 1)[-1], exc)

    def records_of(self, sobject: str, fields: Sequence[str], parent_field: str,
                   parent_ids: Iterable[str], *,
                   batch_size: int = MAX_BATCH_SIZE) -> Iterator[Record]:
        """Every row (deleted ones included) whose ``parent_field`` is one of ``parent_ids``.

        For child objects without ``SystemModstamp`` (LeadHistory): a parent's deletion or
        restore changes its children's ``IsDeleted`` without moving any cursor of theirs.
        """
        names = ", ".join(dict.fromkeys(["Id", *fields]))
        for ids in chunks(parent_ids, PARENT_IDS_PER_QUERY):
            quoted = ", ".join(f"'{_soql_id(i)}'" for i in ids)
            yield from self.query(f"SELECT {names} FROM {sobject} WHERE {parent_field} IN "
                                  f"({quoted}) ORDER BY Id", include_deleted=True,
                                  batch_size=batch_size)

    def query(self, soql: str, *, include_deleted: bool = False,
              batch_size: int = MAX_BATCH_SIZE) -> Iterator[dict[str, Any]]:
        """Every record a SOQL query returns; ``include_deleted`` uses queryAll (IsDeleted rows)."""
        endpoint = "queryAll" if include_deleted else "query"
        base = self._base()
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}

        def fetch(next_url: str | None) -> Page:
            if next_url:
                return self._get(urljoin(base, next_url), None, headers)
            return self._get(base + endpoint, {"q": soql}, headers)

        for page in SalesforcePaginator().pages(fetch):
            yield from page.get("records", [])

    def update_records(self, sobject: str,
                       records: Iterable[Mapping[str, Any]]) -> Iterator[WriteResult]:
        """Update records (``{"Id": ..., field: value}``; None clears a field) through sObject
        Collections, 200 a call with ``allOrNone`` false: one ``WriteResult`` per record, in
        order, a call's results as soon as it returns.

        Per-record problems (a converted Lead, a deleted record, a missing or read-only field,
        a value too long or of the wrong type) are results, not exceptions. Results are matched
        by position: Salesforce returns them in request order and may omit a failed one's id.
        Every update sets absolute values, so a call resent after a lost answer is harmless.
        """
        url = f"{self._base()}composite/sobjects"
        for batch in chunks(records, COLLECTION_SIZE):
            body = {"allOrNone": False, "records": [
                {"attributes": {"type": sobject}, "id": str(record["Id"]),
                 **{name: value for name, value in record.items() if name != "Id"}}
                for record in batch]}
            results = self._call("PATCH", url, None, {}, json=body).json()
            if not isinstance(results, list) or len(results) != len(batch):
                raise ApiError(API_NAME, 200, "sObject Collections did not answer one result "
                               f"for each of {len(batch)} records", url)
            for record, result in zip(batch, results, strict=True):
                errors = result.get("errors") or []
                first = errors[0] if errors else {}
                yield WriteResult(
                    str(record["Id"]), bool(result.get("success")), first.get("statusCode"),
                    "; ".join(str(e.get("message")) for e in errors) or None,
                    tuple(dict.fromkeys(f for e in errors for f in e.get("fields") or [])))

    def _base(self) -> str:
        return f"{self.auth.instance_url}/services/data/{self.api_version}/"

    def _get(self, url: str, params: dict[str, Any] | None, headers: dict[str, str]) -> Page:
        return self._call("GET", url, params, headers).json()

    def _call(self, method: str, url: str, params: dict[str, Any] | None,
              headers: dict[str, str], **kwargs: Any) -> requests.Response:
        response = self.session.request(method, url, params=params, headers=headers,
                                        auth=self.auth, **kwargs)
        if response.status_code == 401:
            raise AuthenticationError(f"Salesforce refused the session: {_message(response)}")
        if not response.ok:  # the message decodes the body: only for errors
            raise_for_api_error(API_NAME, response, _message(response))
        return response


def _soql_id(value: str) -> str:
    """A record id, refused if it is anything but an id (it is spliced into SOQL)."""
    if not value.isalnum():
        raise ValueError(f"not a Salesforce id: {value!r}")
    return value


def _from_csv(value: str, kind: str) -> Any:
    """A Bulk API 2.0 CSV value as the REST API returns the same field: CSV has no null (an
    empty value; Salesforce stores no empty strings), writes numbers of double-typed fields with
    a decimal point and datetimes with ``Z`` where REST writes ``+0000``."""
    if value == "":
        return None
    if kind == "boolean":
        return value == "true"
    if kind in _DOUBLE_TYPES:
        return float(value)
    if kind in ("int", "long"):
        return int(value)
    if kind == "datetime" and value.endswith("Z"):
        return value[:-1] + "+0000"
    return value


def _csv_record_count(body: bytes) -> int | None:
    """Records in a set of bulk results; None when the body cannot be whole: it does not end a
    line, a quoted value is open at its end, or a row is narrower than the header."""
    if not body.endswith(b"\n"):
        return None
    try:
        reader = csv.reader(io.StringIO(body.decode("utf-8"), newline=""), strict=True)
        width = len(next(reader, []))
        count = 0
        for row in reader:
            if len(row) != width:
                return None
            count += 1
    except (csv.Error, UnicodeDecodeError):
        return None
    return count


def _soql_datetime(moment: Moment) -> str:
    """A SOQL dateTime literal. The documented forms have whole seconds, so the bound is rounded
    down: for ``>=`` that can only include more rows, never fewer."""
    stamp = datetime.fromtimestamp(to_millis(moment) // 1000, tz=UTC)
    return stamp.strftime("%Y-%m-%dT%H:%M:%SZ")


def _message(response: requests.Response) -> str:
    """Salesforce's error text: REST errors are ``[{errorCode, message}]``, OAuth ones a dict."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, list) and body and isinstance(body[0], dict):
        return "; ".join(f"{e.get('errorCode')}: {e.get('message')}" for e in body)
    if isinstance(body, dict):
        return f"{body.get('error')}: {body.get('error_description')}"
    return str(body)[:200]
