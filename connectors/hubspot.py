"""HubSpot client: generators of records, no state between calls.

Reads with a position to commit return it as the generator's value (see ``connectors.cursors``):
``changed_objects`` returns its ``until``, the marketing reads the newest timestamp they saw.
"""

from __future__ import annotations

import math
import threading
from collections.abc import Callable, Generator, Iterable, Iterator, Mapping, Sequence
from typing import Any
from urllib.parse import quote_plus, urlencode, urlsplit

import orjson
import requests
from requests.auth import AuthBase

from connectors.cursors import Moment, canonical, to_millis
from connectors.errors import (
    ApiError,
    AuthenticationError,
    PaginationLoopError,
    QuotaExhaustedError,
)
from connectors.pagination import CursorPaginator, Page, chunks
from connectors.rate_limit import SlidingWindowLimiter
from connectors.session import (
    ApiSession,
    CallPolicy,
    RetryPolicy,
    build_session,
    raise_for_api_error,
)
from connectors.writes import WriteResult

API_NAME = "HubSpot"
DEFAULT_API_BASE = "https://api.hubapi.com"
# HubSpot's lowest documented burst limit for private apps: 100 calls / 10 s (Professional and
# Enterprise: 190). The client adopts whatever X-HubSpot-RateLimit-* headers announce.
DEFAULT_RATE_LIMIT = (100, 10.0)
# The search endpoints are exempt from the 10-second window and have their own 5 requests/s.
SEARCH_RATE_LIMIT = (5, 1.0)

# HubSpot's edge refuses request lines over about 16,300 characters (414); property lists that
# would pass this length are split across requests (GET) or sent in bodies (search, batch read).
MAX_URL_LENGTH = 15_000
# Share of the portal's daily call allowance left unspent for its other integrations.
DEFAULT_DAILY_RESERVE = 0.10
# Search indexes a change seconds (rarely minutes) after it is made: an incremental window
# starts this long before the last run's high-water mark so late-indexed records are read.
DEFAULT_SEARCH_LOOKBACK_SECONDS = 15 * 60

LIST_PAGE_SIZE = 100  # list endpoint maximum
SEARCH_PAGE_SIZE = 200  # search endpoint maximum
BATCH_READ_SIZE = 100  # batch/read maximum...
HISTORY_BATCH_READ_SIZE = 50  # ...with propertiesWithHistory (a 400 above 50)
# v4 association batch reads take up to 1,000 ids (developer changelog, February 2025).
ASSOCIATION_BATCH_SIZE = 1000
OWNERS_PAGE_SIZE = 500
FORMS_PAGE_SIZE = 100
SUBMISSIONS_PAGE_SIZE = 50
EVENTS_PAGE_SIZE = 1000
BATCH_UPDATE_SIZE = 100  # batch/update maximum
# HubSpot refuses a whole batch update for one invalid value, with this message before the list.
INVALID_VALUES = "Property values were not valid: "

# Contacts are the exception; every other CRM object's last-modified property is this one.
LAST_MODIFIED = {"contacts": "lastmodifieddate"}
DEFAULT_LAST_MODIFIED = "hs_lastmodifieddate"
NO_ASSOCIATIONS = "crm.associations.NO_ASSOCIATIONS_FOUND"
JSON_BODY = {"Content-Type": "application/json"}

Record = dict[str, Any]


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


class KeysetSearchPaginator:
    """Search pages in ascending ``hs_object_id``, each query asking for ids above the last one
    seen (so the 10,000-result cap of one query never applies).

    A page may be short, or empty, and still say there is more (``paging.next.after``): HubSpot
    drops entries from a page after counting them. A page with results moves the keyset to its
    last id; an empty one keeps the keyset and follows the API's own cursor within the query.
    ``fetch(last_id, after)`` gets a page; a repeated (last_id, after) is a loop and stops.
    """

    def pages(self, fetch: Callable[[str | None, str | None], Page]) -> Iterator[Page]:
        seen: set[tuple[str | None, str | None]] = set()
        last_id: str | None = None
        after: str | None = None
        while True:
            page = fetch(last_id, after)
            yield page
            more = _next_after(page)
            if not more:
                return
            results = page.get("results") or []
            last_id, after = (results[-1]["id"], None) if results else (last_id, more)
            if (last_id, after) in seen:
                raise PaginationLoopError(f"{API_NAME} search returned no progress past id "
                                          f"{last_id!r} (cursor {after!r}); stopping a loop")
            seen.add((last_id, after))


def _events_offset(page: Page) -> str | None:
    return str(page["offset"]) if page.get("hasMore") and page.get("offset") else None


def _is_search(method: str, url: str) -> bool:
    return method.upper() == "POST" and urlsplit(url).path.rstrip("/").endswith("/search")


class HubSpotCallPolicy(CallPolicy):
    """HubSpot's two limits, each with its own limiter, and what its answers say about them.

    Every call but search counts in a rolling window whose size the answers announce in
    ``X-HubSpot-RateLimit-Max/-Interval-Milliseconds`` (adopted, up or down) and whose use so far
    ``-Remaining`` reports (calls by another client on the same token are counted too). Search
    has its own per-second limit and sends no such headers.
    """

    def __init__(self, rate_limit: tuple[int, float] | None = DEFAULT_RATE_LIMIT,
                 search_rate_limit: tuple[int, float] | None = SEARCH_RATE_LIMIT,
                 daily_reserve: float = DEFAULT_DAILY_RESERVE) -> None:
        if not 0 <= daily_reserve < 1:
            raise ValueError("the daily reserve is a share of the daily limit, in [0, 1)")
        self.window = SlidingWindowLimiter(*rate_limit) if rate_limit else None
        self.search = SlidingWindowLimiter(*search_rate_limit) if search_rate_limit else None
        self.daily_reserve = daily_reserve
        self.daily_limit: int | None = None
        self.daily_remaining: int | None = None
        self._lock = threading.Lock()

    def limiter(self, method: str, url: str) -> SlidingWindowLimiter | None:
        return self.search if _is_search(method, url) else self.window

    def before_call(self, method: str, url: str) -> None:
        """Stop before the portal's daily allowance runs into the reserve (the Salesforce quota
        guard's rule): the portal's other integrations need it until midnight."""
        with self._lock:
            limit, remaining = self.daily_limit, self.daily_remaining
        if limit is None or remaining is None:
            return
        reserve = math.ceil(limit * self.daily_reserve)
        if remaining <= reserve:
            raise QuotaExhaustedError(
                f"HubSpot daily API calls: {limit - remaining} of {limit} used; stopping to keep "
                f"{reserve} ({self.daily_reserve:.0%}) in reserve. The allowance resets at "
                "midnight in the portal's time zone.", used=limit - remaining, limit=limit)

    def after_call(self, response: requests.Response) -> float | None:
        headers = response.headers
        if "X-HubSpot-RateLimit-Daily-Remaining" in headers:
            try:
                daily = (int(headers["X-HubSpot-RateLimit-Daily"]),
                         int(headers["X-HubSpot-RateLimit-Daily-Remaining"]))
            except (KeyError, ValueError):
                pass
            else:
                with self._lock:
                    self.daily_limit, self.daily_remaining = daily
        if self.window is not None and "X-HubSpot-RateLimit-Max" in headers:
            try:
                limit = int(headers["X-HubSpot-RateLimit-Max"])
                remaining = int(headers["X-HubSpot-RateLimit-Remaining"])
                window = int(headers["X-HubSpot-RateLimit-Interval-Milliseconds"]) / 1000
            except (KeyError, ValueError):
                pass  # a partial or odd header set: keep the limit we have
            else:
                self.window.adapt(limit, window, remaining)
        if response.status_code != 429:
            return None
        policy = _json_dict(response).get("policyName")
        if policy == "DAILY":
            raise QuotaExhaustedError(f"HubSpot daily API limit reached: {_message(response)}")
        # A secondly limit (search) frees up within a second; the window is paced by `adapt`.
        return 1.0 if policy == "SECONDLY" else None


def hubspot_session(access_token: str, *,
                    rate_limit: tuple[int, float] | None = DEFAULT_RATE_LIMIT,
                    search_rate_limit: tuple[int, float] | None = SEARCH_RATE_LIMIT,
                    daily_reserve: float = DEFAULT_DAILY_RESERVE,
                    timeout: float = 30.0, retry: RetryPolicy | None = None) -> ApiSession:
    """The session a ``HubSpotClient`` uses: HubSpot's limits, retries, redaction of the token."""
    return build_session(API_NAME, timeout=timeout, retry=retry,
                         policy=HubSpotCallPolicy(rate_limit, search_rate_limit, daily_reserve),
                         secrets=(access_token,))


class HubSpotClient:
    """Reads HubSpot. Every read is a generator of records exactly as the API returns them."""

    def __init__(self, access_token: str, *, api_base: str = DEFAULT_API_BASE,
                 session: ApiSession | None = None) -> None:
        self.api_base = api_base.rstrip("/")
        self.auth = HubSpotTokenAuth(access_token)
        self.session = session or hubspot_session(access_token)

    # -- CRM objects ----------------------------------------------------------------------------

    def list_objects(self, object_type: str, properties: Sequence[str], *,
                     archived: bool = False) -> Iterator[Record]:
        """Every record of ``object_type`` (contacts, companies, deals), page by page.

        The property list travels in the query string; a list that would make the URL too long
        for HubSpot's edge is split across listings, whose parts of each record are joined
        again before it is yielded (``rejoined``).
        """
        url = f"{self.api_base}/crm/v3/objects/{object_type}"
        params: dict[str, Any] = {"limit": LIST_PAGE_SIZE, "archived": str(archived).lower()}
        listings = [self._paged(url, {**params, "properties": ",".join(part)})
                    for part in url_sized_parts(url, params, "properties", properties)]
        return listings[0] if len(listings) == 1 else rejoined(listings)

    def archived_objects(self, object_type: str, properties: Sequence[str]) -> Iterator[Record]:
        """Archived (deleted) records. No filter by archive time exists, so this is every one of
        them, every run."""
        return self.list_objects(object_type, properties, archived=True)

    def high_water_mark(self, object_type: str) -> str | None:
        """The newest last-modified time of any live record search finds (None when none).

        Take it at the start of a run and pass it as ``until``: records changing during the run
        are left for the next one instead of racing the paging. Search lags behind writes, so
        a record changed shortly before may be newer and still unseen: the caller's next
        ``since`` must reach back (see ``changed_objects``). Pages on past empty pages.
        """
        lastmod = last_modified_property(object_type)
        body = {"sorts": [{"propertyName": lastmod, "direction": "DESCENDING"}],
                "properties": [lastmod], "limit": SEARCH_PAGE_SIZE}

        def fetch(after: str | None) -> Page:
            return self._post(self._search_url(object_type),
                              {**body, **({"after": after} if after else {})})

        for page in HubSpotPaginator().pages(fetch):
            results = page.get("results") or []
            if results:
                value = results[0]["properties"].get(lastmod)
                return canonical(value) if value else None
        return None

    def changed_objects(self, object_type: str, properties: Sequence[str],
                        history_properties: Sequence[str] = (), *, since: Moment | None,
                        until: Moment) -> Generator[Record, None, str]:
        """Live records whose last-modified time is in ``[since, until]``, as the list endpoint
        returns them (with ``propertiesWithHistory`` for ``history_properties``).

        Returns ``until``: commit it (not the newest ``updatedAt`` seen) with the records, and
        pass it as the next run's ``since``. Both bounds are inclusive, so records sharing the
        boundary timestamp are read twice rather than never; loading by id makes that harmless.
        ``since=None`` reads everything (a first sync).

        Search finds the ids (``KeysetSearchPaginator``: a record leaving the result set mid-run
        cannot shift an offset past another); ``batch/read`` then fetches each search page's
        records whole, the property lists in its body. A record changed again after ``until`` is
        still read (current state); one deleted meanwhile is skipped here and found by
        ``archived_objects``. Search indexes a change seconds to minutes after it is made, so
        callers pass a ``since`` that reaches back over that lag (a lookback overlap).
        """
        until_ms = to_millis(until)
        lastmod = last_modified_property(object_type)
        filters = [{"propertyName": lastmod, "operator": "LTE", "value": str(until_ms)}]
        if since is not None:
            filters.append({"propertyName": lastmod, "operator": "GTE",
                            "value": str(to_millis(since))})
        size = HISTORY_BATCH_READ_SIZE if history_properties else BATCH_READ_SIZE

        def fetch(last_id: str | None, after: str | None) -> Page:
            after_id = {"propertyName": "hs_object_id", "operator": "GT", "value": last_id or "0"}
            return self._post(self._search_url(object_type), {
                "filterGroups": [{"filters": [*filters, after_id]}],
                "sorts": [{"propertyName": "hs_object_id", "direction": "ASCENDING"}],
                "properties": ["hs_object_id"], "limit": SEARCH_PAGE_SIZE,
                **({"after": after} if after else {})})

        for page in KeysetSearchPaginator().pages(fetch):
            for ids in chunks((r["id"] for r in page.get("results", [])), size):
                yield from self._batch_read(object_type, ids, properties, history_properties)
        return canonical(until_ms)

    def _batch_read(self, object_type: str, ids: Sequence[str], properties: Sequence[str],
                    history_properties: Sequence[str]) -> list[Record]:
        page = self._post(f"{self.api_base}/crm/v3/objects/{object_type}/batch/read", {
            "inputs": [{"id": record_id} for record_id in ids], "properties": list(properties),
            "propertiesWithHistory": list(history_properties)}, params={"archived": "false"})
        # 207: ids deleted since the search are reported, not fatal (archived_objects has them).
        for error in page.get("errors", []):
            if error.get("category") != "OBJECT_NOT_FOUND":
                raise ApiError(API_NAME, 207, _error_text(error), f"{object_type}/batch/read")
        return page.get("results", [])

    def _search_url(self, object_type: str) -> str:
        return f"{self.api_base}/crm/v3/objects/{object_type}/search"

    # -- connection checks (samepage doctor) ---------------------------------------------------

    def token_info(self) -> Record:
        """The private app's ``hubId``, ``appId`` and granted ``scopes``. Needs no scope; the
        token travels in the body, to the same host its header already goes to."""
        return self._post(f"{self.api_base}/oauth/v2/private-apps/get/access-token-info",
                          {"tokenKey": self.auth._access_token})

    def count(self, object_type: str) -> int:
        """How many live records ``object_type`` has (search's ``total``)."""
        page = self._post(self._search_url(object_type),
                          {"limit": 1, "properties": ["hs_object_id"]})
        return int(page.get("total") or 0)

    def rate_limit_headers(self) -> dict[str, str]:
        """The ``X-HubSpot-RateLimit-*`` headers of one cheap call: the app's burst window and,
        where HubSpot sends them, the daily limit and what is left of it."""
        response = self.session.get(f"{self.api_base}/account-info/v3/details", auth=self.auth)
        self._checked(response)
        return {name: value for name, value in response.headers.items()
                if name.lower().startswith("x-hubspot-ratelimit")}

    # -- definitions, owners, associations ------------------------------------------------------

    def properties(self, object_type: str) -> Iterator[Record]:
        """Every property definition (built-in and custom; archived ones last), each with
        ``objectType`` added: a definition does not name its object."""
        url = f"{self.api_base}/crm/v3/properties/{object_type}"
        for archived in ("false", "true"):
            for prop in self._get(url, {"archived": archived}).get("results", []):
                yield {**prop, "objectType": object_type}

    def owners(self) -> Iterator[Record]:
        """Every owner, active then archived (deactivated users still own old records)."""
        url = f"{self.api_base}/crm/v3/owners"
        for archived in ("false", "true"):
            yield from self._paged(url, {"limit": OWNERS_PAGE_SIZE, "archived": archived})

    def associations(self, from_type: str, to_type: str,
                     from_ids: Iterable[str]) -> Iterator[Record]:
        """The v4 batch-read result (``{"from": {"id"}, "to": [...]}``) of each ``from_type``
        record (contacts, deals, calls, ...) linked to ``to_type`` records; records without any
        yield nothing. ``from_ids`` is consumed in batches."""
        url = f"{self.api_base}/crm/v4/associations/{from_type}/{to_type}/batch/read"
        for ids in chunks(from_ids, ASSOCIATION_BATCH_SIZE):
            page = self._post(url, {"inputs": [{"id": str(i)} for i in ids]})
            for error in page.get("errors", []):
                if error.get("subCategory") != NO_ASSOCIATIONS:
                    raise ApiError(API_NAME, 207, _error_text(error), url)
            for result in page.get("results", []):
                yield self._all_associations(url, result)

    def _all_associations(self, url: str, result: Record) -> Record:
        """A result whose ``to`` list is paged (very many companies) with every page merged."""
        if not _next_after(result):
            return result
        from_id = result["from"]["id"]

        def fetch(after: str | None) -> Page:
            if after is None:
                return result
            more = self._post(url, {"inputs": [{"id": from_id, "after": after}]})
            return (more.get("results") or [{}])[0]

        links = [link for page in HubSpotPaginator().pages(fetch) for link in page.get("to", [])]
        return {key: value for key, value in result.items() if key != "paging"} | {"to": links}

    def pipelines(self, object_type: str = "deals") -> Iterator[Record]:
        """Every pipeline of ``object_type`` with its stages (``metadata``: ``isClosed`` and, for
        deals, ``probability``, both strings); one call, the endpoint does not page."""
        yield from self._get(f"{self.api_base}/crm/v3/pipelines/{object_type}",
                             {}).get("results", [])

    # -- writes ---------------------------------------------------------------------------------

    def property_groups(self, object_type: str) -> Iterator[Record]:
        """Every property group of ``object_type`` (``name``, ``label``, ``displayOrder``)."""
        url = f"{self.api_base}/crm/v3/properties/{object_type}/groups"
        yield from self._get(url, {}).get("results", [])

    def ensure_property_group(self, object_type: str, name: str, label: str) -> bool:
        """Create a property group unless it exists: True when created, False when it was
        there (409), which is also what a retried creation whose answer was lost finds."""
        return self._create(f"{self.api_base}/crm/v3/properties/{object_type}/groups",
                            {"name": name, "label": label})

    def ensure_property(self, object_type: str, definition: Mapping[str, Any]) -> bool:
        """Create a property (``definition`` as HubSpot takes it: name, label, type, fieldType,
        groupName, ...) unless one of that name exists: True when created, False when not."""
        return self._create(f"{self.api_base}/crm/v3/properties/{object_type}",
                            dict(definition))

    def update_objects(self, object_type: str,
                       updates: Iterable[Mapping[str, Any]]) -> Iterator[WriteResult]:
        """Write ``{"id", "properties"}`` updates, 100 a call: one ``WriteResult`` per update,
        in order, a call's results as soon as it returns (None or "" clears a value).

        Per-record problems are results, not exceptions: an id that is deleted or does not
        exist (207 with ``OBJECT_NOT_FOUND``), and an invalid value. HubSpot refuses the whole
        batch (400) for one invalid value without naming the record, so such a batch is split
        in halves and resent until the invalid update stands alone: the valid ones are written
        at a cost of about two calls per halving. Every update sets absolute values, so a
        batch resent after a lost answer leaves the records as one write would.
        """
        url = f"{self.api_base}/crm/v3/objects/{object_type}/batch/update"
        for batch in chunks(updates, BATCH_UPDATE_SIZE):
            yield from self._update_batch(url, [
                {"id": str(u["id"]), "properties": dict(u["properties"])} for u in batch])

    def _update_batch(self, url: str, inputs: list[Record]) -> list[WriteResult]:
        response = self.session.post(url, data=orjson.dumps({"inputs": inputs}),
                                     headers=JSON_BODY, auth=self.auth)
        refusal = _json_dict(response) if response.status_code == 400 else {}
        if refusal.get("category") == "VALIDATION_ERROR":
            if len(inputs) == 1:
                return [_invalid_update(inputs[0]["id"], refusal)]
            half = len(inputs) // 2
            return self._update_batch(url, inputs[:half]) + self._update_batch(url, inputs[half:])
        page = self._checked(response)
        failed: dict[str, Record] = {}
        for error in page.get("errors", []):
            for record_id in (error.get("context") or {}).get("ids", []):
                failed[str(record_id)] = error
        return [WriteResult(item["id"], False, failed[item["id"]].get("category"),
                            failed[item["id"]].get("message"))
                if item["id"] in failed else WriteResult(item["id"], True)
                for item in inputs]

    def _create(self, url: str, body: dict[str, Any]) -> bool:
        response = self.session.post(url, data=orjson.dumps(body), headers=JSON_BODY,
                                     auth=self.auth)
        if response.status_code == 409:
            return False
        self._checked(response)
        return True

    # -- marketing ------------------------------------------------------------------------------

    def email_events(self, since: Moment | None) -> Generator[Record, None, str | None]:
        """Email events created at or after ``since`` (legacy v1 API, the only events read).

        Returns the newest ``created`` seen (or ``since``): events are immutable and keyed by
        id, so re-reading that instant next time is harmless.
        """
        url = f"{self.api_base}/email/public/v1/events"
        params: dict[str, Any] = {"limit": EVENTS_PAGE_SIZE}
        if since is not None:
            params["startTimestamp"] = to_millis(since)
        newest = to_millis(since) if since is not None else None

        def fetch(offset: str | None) -> Page:
            return self._get(url, {**params, **({"offset": offset} if offset else {})})

        for page in CursorPaginator(API_NAME, _events_offset).pages(fetch):
            for event in page.get("events", []):
                newest = max(newest or 0, int(event["created"]))
                yield event
        return canonical(newest) if newest is not None else None

    def forms(self) -> Iterator[Record]:
        """Every form of every type, live then archived."""
        url = f"{self.api_base}/marketing/v3/forms"
        for archived in ("false", "true"):
            yield from self._paged(url, {"limit": FORMS_PAGE_SIZE, "archived": archived,
                                         "formTypes": "all"})

    def form_submissions(self, form_id: str,
                         since: Moment | None) -> Generator[Record, None, str | None]:
        """Submissions of one form at or after ``since``, each with ``formId`` added.

        The API lists newest first with no time filter, so paging stops at the first older
        submission. Returns the newest ``submittedAt`` seen (or ``since``).
        """
        url = f"{self.api_base}/form-integrations/v1/submissions/forms/{form_id}"
        floor = to_millis(since) if since is not None else None
        newest = floor
        for submission in self._paged(url, {"limit": SUBMISSIONS_PAGE_SIZE}):
            submitted = int(submission["submittedAt"])
            if floor is not None and submitted < floor:
                break
            newest = max(newest or 0, submitted)
            yield {**submission, "formId": form_id}
        return canonical(newest) if newest is not None else None

    # -- transport ------------------------------------------------------------------------------

    def _paged(self, url: str, params: dict[str, Any]) -> Iterator[Record]:
        def fetch(after: str | None) -> Page:
            return self._get(url, {**params, **({"after": after} if after else {})})

        for page in HubSpotPaginator().pages(fetch):
            yield from page.get("results", [])

    def _get(self, url: str, params: dict[str, Any]) -> Page:
        return self._checked(self.session.get(url, params=params, auth=self.auth))

    def _post(self, url: str, body: dict[str, Any], params: dict[str, Any] | None = None) -> Page:
        # Serialised here: requests' own json= encoding costs a tenth of a batch read's CPU.
        return self._checked(self.session.post(url, data=orjson.dumps(body), headers=JSON_BODY,
                                               params=params, auth=self.auth))

    @staticmethod
    def _checked(response: requests.Response) -> Page:
        if response.status_code == 401:
            raise AuthenticationError(f"HubSpot refused the access token: {_message(response)}")
        if not response.ok:  # the message decodes the body: only for errors
            raise_for_api_error(API_NAME, response, _message(response))
        return response.json()


def url_sized_parts(url: str, params: dict[str, Any], name: str,
                    values: Sequence[str]) -> list[list[str]]:
    """``values`` split into consecutive parts whose comma-joined query parameter ``name`` keeps
    the URL (with ``params`` and room for a paging cursor) within ``MAX_URL_LENGTH``."""
    fixed = len(url) + len("?") + len(urlencode(params)) + len(f"&{name}=") + len("&after=") + 32
    budget = MAX_URL_LENGTH - fixed
    comma = len(quote_plus(","))
    parts: list[list[str]] = [[]]
    used = 0
    for value in values:
        cost = len(quote_plus(value))
        if parts[-1] and used + comma + cost > budget:
            parts.append([])
            used = 0
        used += cost + (comma if len(parts[-1]) else 0)
        parts[-1].append(value)
    return parts


def rejoined(listings: Sequence[Iterable[Record]]) -> Iterator[Record]:
    """Whole records from listings of the same records, each with part of the properties.

    The list endpoint pages in ascending id, so the listings are merged like sorted files: a
    record is yielded once every listing has reached it, its properties the union of theirs.
    A record missing from a listing was archived or restored between the reads; it is left to
    the next run, whose listings all agree on it, rather than landed without its properties.
    """
    readers = [iter(listing) for listing in listings]
    heads = [next(reader, None) for reader in readers]
    while all(head is not None for head in heads):
        top = max(int(head["id"]) for head in heads)  # type: ignore[index]
        for k, reader in enumerate(readers):
            while heads[k] is not None and int(heads[k]["id"]) < top:  # type: ignore[index]
                heads[k] = next(reader, None)
        if any(head is None or int(head["id"]) != top for head in heads):
            continue
        first = heads[0]
        assert first is not None
        properties: dict[str, Any] = {}
        for head in heads:
            properties.update(head["properties"])  # type: ignore[index]
        yield {**first, "properties": properties}
        heads = [next(reader, None) for reader in readers]


def last_modified_property(object_type: str) -> str:
    """The property search filters on for changes (always equal to the record's ``updatedAt``)."""
    return LAST_MODIFIED.get(object_type, DEFAULT_LAST_MODIFIED)


def _json_dict(response: requests.Response) -> dict[str, Any]:
    try:
        body = response.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _invalid_update(record_id: str, refusal: dict[str, Any]) -> WriteResult:
    """One update's validation refusal: the first property error's code, every message, and
    the properties named (parsed from the message, HubSpot's only carrier of them)."""
    message = str(refusal.get("message", ""))
    problems: list[Any] = []
    if message.startswith(INVALID_VALUES):
        try:
            problems = orjson.loads(message[len(INVALID_VALUES):])
        except orjson.JSONDecodeError:
            problems = []
    problems = [p for p in problems if isinstance(p, dict)] if isinstance(problems, list) else []
    if not problems:
        return WriteResult(record_id, False, refusal.get("category"), message)
    return WriteResult(record_id, False, problems[0].get("error") or refusal.get("category"),
                       "; ".join(str(p.get("message")) for p in problems),
                       tuple(str(p.get("name")) for p in problems if p.get("name")))


def _error_text(error: dict[str, Any]) -> str:
    return " ".join(str(error[k]) for k in ("category", "message") if error.get(k))


def _message(response: requests.Response) -> str:
    """HubSpot's own error message (its bodies carry ``message`` and ``category``)."""
    body = _json_dict(response)
    if body:
        return _error_text(body)
    return response.text[:200]
