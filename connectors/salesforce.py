"""Salesforce REST client: OAuth 2.0 client-credentials auth, SOQL query paging, describes and
the daily API request quota.

``changed_records`` returns the position to commit as its generator value (see
``connectors.cursors``); since its records arrive in cursor order, the cursor of the last record
stored is a safe position too, which ``QuotaExhaustedError.resume_cursor`` carries.
"""

from __future__ import annotations

import math
import re
import threading
from collections.abc import Generator, Iterable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urljoin

import requests
from requests.auth import AuthBase

from connectors.cursors import Moment, canonical, to_millis
from connectors.errors import AuthenticationError, QuotaExhaustedError
from connectors.pagination import CursorPaginator, Page, chunks
from connectors.session import (
    ApiSession,
    CallPolicy,
    RetryPolicy,
    build_session,
    raise_for_api_error,
)

API_NAME = "Salesforce"
DEFAULT_LOGIN_URL = "https://login.salesforce.com"
DEFAULT_API_VERSION = "v62.0"
MAX_BATCH_SIZE = 2000
# 300 quoted 18-character ids keep a query far below SOQL's 100,000-character limit.
PARENT_IDS_PER_QUERY = 300
DEFAULT_QUOTA_RESERVE = 0.10  # share of the daily API requests left for everything else
# Compound fields repeat their components, which are queried instead; base64 fields can only be
# read one record at a time.
_UNQUERYABLE_TYPES = frozenset({"address", "location", "base64"})
_LIMIT_INFO = re.compile(r"api-usage=(\d+)/(\d+)")

Record = dict[str, Any]


class SalesforceClientCredentialsAuth(AuthBase):
    """OAuth 2.0 client-credentials flow; fetches a token lazily and refreshes it once on a 401.

    The token response also names the org's ``instance_url``, which the client needs for every call.
    """

    def __init__(self, session: ApiSession, login_url: str, client_id: str,
                 client_secret: str) -> None:
        if not client_id or not client_secret:
            raise AuthenticationError("a Salesforce client id and client secret are both required")
        self._session = session
        self._token_url = f"{login_url.rstrip('/')}/services/oauth2/token"
        self._client_id = client_id
        self._client_secret = client_secret
        self._access_token: str | None = None
        self._instance_url: str | None = None
        self._lock = threading.Lock()

    @property
    def instance_url(self) -> str:
        if self._instance_url is None:
            self._fetch_token()
        assert self._instance_url is not None
        return self._instance_url

    def _fetch_token(self) -> str:
        with self._lock:
            response = self._session.post(self._token_url, data={
                "grant_type": "client_credentials",
                "client_id": self._client_id,
                "client_secret": self._client_secret,
            })
            if not response.ok:
                raise AuthenticationError(
                    f"Salesforce refused the client credentials: {_message(response)}")
            body = response.json()
            self._access_token = body["access_token"]
            self._instance_url = body["instance_url"].rstrip("/")
            return self._access_token

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


def salesforce_session(client_id: str, client_secret: str, *,
                       quota_reserve: float = DEFAULT_QUOTA_RESERVE, timeout: float = 30.0,
                       retry: RetryPolicy | None = None) -> ApiSession:
    """The session a ``SalesforceClient`` uses: the quota guard, retries, redaction."""
    return build_session(API_NAME, timeout=timeout, retry=retry,
                         policy=SalesforceQuota(quota_reserve),
                         secrets=(client_id, client_secret))


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
    """Runs SOQL queries. Every read is a generator of records as the API returns them."""

    def __init__(self, client_id: str, client_secret: str, *,
                 login_url: str = DEFAULT_LOGIN_URL, api_version: str = DEFAULT_API_VERSION,
                 session: ApiSession | None = None) -> None:
        self.session = session or salesforce_session(client_id, client_secret)
        self.auth = SalesforceClientCredentialsAuth(self.session, login_url, client_id,
                                                    client_secret)
        self.api_version = api_version if api_version.startswith("v") else f"v{api_version}"

    def api_usage(self) -> ApiUsage:
        """Daily API requests from ``/limits`` (worth one call at the start of a run: it also
        primes the quota guard, which otherwise learns the usage from the first answer)."""
        body = self._get(f"{self._base()}limits", None, {})["DailyApiRequests"]
        return ApiUsage(used=body["Max"] - body["Remaining"], limit=body["Max"])

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

    def _base(self) -> str:
        return f"{self.auth.instance_url}/services/data/{self.api_version}/"

    def _get(self, url: str, params: dict[str, Any] | None, headers: dict[str, str]) -> Page:
        response = self.session.get(url, params=params, headers=headers, auth=self.auth)
        if response.status_code == 401:
            raise AuthenticationError(f"Salesforce refused the session: {_message(response)}")
        if not response.ok:  # the message decodes the body: only for errors
            raise_for_api_error(API_NAME, response, _message(response))
        return response.json()


def _soql_id(value: str) -> str:
    """A record id, refused if it is anything but an id (it is spliced into SOQL)."""
    if not value.isalnum():
        raise ValueError(f"not a Salesforce id: {value!r}")
    return value


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
