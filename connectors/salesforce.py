"""Salesforce REST client: OAuth 2.0 client-credentials auth and SOQL query paging."""

from __future__ import annotations

import threading
from collections.abc import Iterator
from typing import Any
from urllib.parse import urljoin

import requests
from requests.auth import AuthBase

from connectors.errors import AuthenticationError
from connectors.pagination import CursorPaginator, Page
from connectors.session import ApiSession, build_session, raise_for_api_error

API_NAME = "Salesforce"
DEFAULT_LOGIN_URL = "https://login.salesforce.com"
DEFAULT_API_VERSION = "v62.0"
MAX_BATCH_SIZE = 2000


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


class SalesforceClient:
    """Runs SOQL queries. Every method is a generator of records as the API returns them."""

    def __init__(self, client_id: str, client_secret: str, *,
                 login_url: str = DEFAULT_LOGIN_URL, api_version: str = DEFAULT_API_VERSION,
                 session: ApiSession | None = None) -> None:
        self.session = session or build_session(API_NAME, secrets=(client_id, client_secret))
        self.auth = SalesforceClientCredentialsAuth(self.session, login_url, client_id,
                                                    client_secret)
        self.api_version = api_version if api_version.startswith("v") else f"v{api_version}"

    def query(self, soql: str, *, include_deleted: bool = False,
              batch_size: int = MAX_BATCH_SIZE) -> Iterator[dict[str, Any]]:
        """Every record a SOQL query returns; ``include_deleted`` uses queryAll (IsDeleted rows)."""
        endpoint = "queryAll" if include_deleted else "query"
        base = f"{self.auth.instance_url}/services/data/{self.api_version}/"
        headers = {"Sforce-Query-Options": f"batchSize={batch_size}"}

        def fetch(next_url: str | None) -> Page:
            if next_url:
                return self._get(urljoin(base, next_url), None, headers)
            return self._get(base + endpoint, {"q": soql}, headers)

        for page in SalesforcePaginator().pages(fetch):
            yield from page.get("records", [])

    def _get(self, url: str, params: dict[str, Any] | None, headers: dict[str, str]) -> Page:
        response = self.session.get(url, params=params, headers=headers, auth=self.auth)
        if response.status_code == 401:
            raise AuthenticationError(f"Salesforce refused the session: {_message(response)}")
        raise_for_api_error(API_NAME, response, _message(response))
        return response.json()


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
