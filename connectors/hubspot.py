"""HubSpot CRM v3 client: generators of records, no state between calls."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import requests
from requests.auth import AuthBase

from connectors.errors import AuthenticationError
from connectors.pagination import CursorPaginator, Page
from connectors.session import ApiSession, build_session, raise_for_api_error

API_NAME = "HubSpot"
DEFAULT_API_BASE = "https://api.hubapi.com"
# HubSpot's lowest documented burst limit for private apps: 100 calls / 10 s (higher tiers: 190).
DEFAULT_RATE_LIMIT = (100, 10.0)
LIST_PAGE_SIZE = 100  # the list endpoint's maximum


class HubSpotTokenAuth(AuthBase):
    """Private-app access token sent as a bearer token. Private-app tokens do not expire."""

    def __init__(self, access_token: str) -> None:
        if not access_token:
            raise AuthenticationError("no HubSpot access token was given")
        self._access_token = access_token

    def __call__(self, request: requests.PreparedRequest) -> requests.PreparedRequest:
        request.headers["Authorization"] = f"Bearer {self._access_token}"
        return request


def _next_after(page: Page) -> str | None:
    return page.get("paging", {}).get("next", {}).get("after")


class HubSpotPaginator(CursorPaginator):
    """HubSpot pages by ``paging.next.after``."""

    def __init__(self) -> None:
        super().__init__(API_NAME, _next_after)


class HubSpotClient:
    """Reads HubSpot CRM objects. Every method is a generator of records as the API returns them."""

    def __init__(self, access_token: str, *, api_base: str = DEFAULT_API_BASE,
                 session: ApiSession | None = None) -> None:
        self.api_base = api_base.rstrip("/")
        self.auth = HubSpotTokenAuth(access_token)
        self.session = session or build_session(API_NAME, rate_limit=DEFAULT_RATE_LIMIT,
                                                secrets=(access_token,))

    def list_objects(self, object_type: str, properties: list[str], *,
                     archived: bool = False) -> Iterator[dict[str, Any]]:
        """Every record of ``object_type`` (contacts, companies, deals), page by page."""
        url = f"{self.api_base}/crm/v3/objects/{object_type}"

        def fetch(after: str | None) -> Page:
            params: dict[str, Any] = {"limit": LIST_PAGE_SIZE, "archived": str(archived).lower(),
                                      "properties": ",".join(properties)}
            if after:
                params["after"] = after
            return self._get(url, params)

        for page in HubSpotPaginator().pages(fetch):
            yield from page.get("results", [])

    def _get(self, url: str, params: dict[str, Any]) -> Page:
        response = self.session.get(url, params=params, auth=self.auth)
        if response.status_code == 401:
            raise AuthenticationError(f"HubSpot refused the access token: {_message(response)}")
        raise_for_api_error(API_NAME, response, _message(response))
        return response.json()


def _message(response: requests.Response) -> str:
    """HubSpot's own error message (its bodies carry ``message`` and ``category``)."""
    try:
        body = response.json()
    except ValueError:
        return response.text[:200]
    if isinstance(body, dict):
        return " ".join(str(body[k]) for k in ("category", "message") if body.get(k))
    return str(body)[:200]
