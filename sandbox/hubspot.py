"""The HubSpot half of the sandbox: CRM v3 objects, search, properties, owners, v4 association
batch reads and the marketing endpoints current connectors use, with HubSpot's auth, paging,
limits and error bodies. Shapes and the sources they were checked against: sandbox/README.md.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any
from urllib.parse import unquote, urlencode

import numpy as np

from sandbox.http import Request, Response
from sandbox.hubspot_errors import (
    AUTH_MESSAGE,
    HubSpotError,
    error_response,
    invalid,
    json_body,
    not_found,
    rate_limited,
)
from sandbox.hubspot_limits import RateLimiter
from sandbox.hubspot_marketing import Marketing, int_arg, next_link, offset_arg, paged
from sandbox.hubspot_records import (
    ACTIVITY_TYPES,
    ALIASES,
    OBJECT_TYPES,
    SINGULAR,
    ObjectTable,
    canonical_type,
    spread,
    to_millis,
)
from sandbox.hubspot_sales import HubSpotPipelines
from sandbox.hubspot_search import IndexLag, Query, Searcher
from sandbox.hubspot_writes import HubSpotWrites
from sandbox.world import World

DEFAULT_ACCESS_TOKEN = "pat-na1-00000000-sandbox-token"
DEFAULT_PORTAL_ID = 24681357
DEFAULT_APP_ID = 3141592
# The private app's scopes by default: every read scope the served endpoints check.
READ_SCOPES = ("content", "crm.objects.companies.read", "crm.objects.contacts.read",
               "crm.objects.deals.read", "crm.objects.owners.read", "crm.schemas.companies.read",
               "crm.schemas.contacts.read", "crm.schemas.deals.read", "forms")
SCOPES_MESSAGE = ("This app hasn't been granted all required scopes to make this call. Read more "
                  "about required scopes here: https://developers.hubspot.com/scopes.")
TOKEN_INFO_PATH = "/oauth/v2/private-apps/get/access-token-info"

LIST_DEFAULT_LIMIT, LIST_MAX_LIMIT, HISTORY_MAX_LIMIT = 10, 100, 50
SEARCH_DEFAULT_LIMIT, SEARCH_MAX_LIMIT, SEARCH_RESULT_CAP = 10, 200, 10_000
OWNERS_DEFAULT_LIMIT, OWNERS_MAX_LIMIT = 100, 500
# batch/read: 100 inputs, 50 with propertiesWithHistory (HubSpot's 400 names the 50).
BATCH_READ_MAX, BATCH_HISTORY_MAX = 100, 50
ASSOCIATION_BATCH_MAX = 1000
# HubSpot Professional's daily allowance for a private app (calls per portal per day).
DAILY_LIMIT = 650_000

# HubSpot's edge refuses a request line longer than about 16,300 characters (Airbyte measured
# it; PostHog "around 16.2k") with nginx's own 414 page, before authentication.
URL_MAX_LENGTH = 16_300
URI_TOO_LONG = (b"<html>\r\n<head><title>414 Request-URI Too Large</title></head>\r\n<body>\r\n"
                b"<center><h1>414 Request-URI Too Large</h1></center>\r\n</body>\r\n</html>\r\n")

# Irregular pages. The search index still holds entries of records removed from it (deleted,
# merged, re-indexed); a page counts them against `limit` and then drops them, so a page can be
# short or empty and still carry `paging.next.after`. Before one record in `irregular_every`
# (by id) sits a run of STALE_RUN such entries: a page that falls on one is empty.
IRREGULAR_EVERY = 1000
STALE_RUN = SEARCH_MAX_LIMIT
# The list endpoint returns half a page (with a next cursor) for one page start in this many.
SHORT_LIST_PAGE_EVERY = 5

# v3 association type names -> v4 (typeId, label), from HubSpot's default association type table.
ASSOCIATION_TYPES: dict[str, tuple[int, str | None]] = {
    "contact_to_company": (1, "Primary"), "company_to_contact": (2, "Primary"),
    "deal_to_contact": (3, None), "contact_to_deal": (4, None),
    "deal_to_company": (5, "Primary"), "company_to_deal": (6, "Primary"),
    "contact_to_company_unlabeled": (279, None), "company_to_contact_unlabeled": (280, None),
    "deal_to_company_unlabeled": (341, None), "company_to_deal_unlabeled": (342, None),
    "call_to_contact": (194, None), "contact_to_call": (193, None),
    "email_to_contact": (198, None), "contact_to_email": (197, None),
    "meeting_event_to_contact": (200, None), "contact_to_meeting_event": (199, None),
    "note_to_contact": (202, None), "contact_to_note": (201, None),
    "task_to_contact": (204, None), "contact_to_task": (203, None),
}
# The portal's own association labels (USER_DEFINED); a world names them by label.
USER_LABEL_TYPES = {"Decision maker": 28, "Billing contact": 30, "Former employee": 32}

_PREFIXES = ("/crm/", "/marketing/", "/form-integrations/", "/email/public/", "/account-info/",
             TOKEN_INFO_PATH,
             # Retired, now 404 at HubSpot too: Owners v2 (2025-03-24), Contact Lists v1
             # (2026-04-30). Claimed so they answer HubSpot's 404 rather than the server's.
             "/owners/", "/contacts/v1/")


@dataclass(frozen=True)
class _State:
    """Everything derived from one world; replaced as a whole by `load`."""

    tables: dict[str, ObjectTable]
    searchers: dict[str, Searcher]
    owners: list[dict[str, Any]]
    properties: dict[str, list[dict[str, Any]]]
    marketing: Marketing
    day: str  # the portal's date (the world clock's, in UTC): the daily limit's period


Handler = Callable[[_State, Request, tuple[str, ...]], Response]


class HubSpotApi:
    def __init__(self, world: World, *, access_token: str = DEFAULT_ACCESS_TOKEN,
                 window_limit: int | None = 190, window_seconds: float = 10.0,
                 search_per_second: int | None = 5, daily_limit: int | None = DAILY_LIMIT,
                 index_lag: IndexLag | None = None,
                 irregular_every: int | None = IRREGULAR_EVERY,
                 history_limit: int | None = None, portal_id: int = DEFAULT_PORTAL_ID,
                 scopes: Sequence[str] = READ_SCOPES) -> None:
        self.access_token = access_token
        self.portal_id = portal_id
        self.scopes = frozenset(scopes)
        self.index_lag = index_lag
        self.irregular_every = irregular_every
        self.history_limit = history_limit
        self._limits = RateLimiter(window_limit, window_seconds, search_per_second, daily_limit)
        self._routes: list[tuple[str, re.Pattern[str], Handler]] = [
            ("GET", re.compile(r"/crm/v3/objects/([^/]+)/?"), self._list),
            ("POST", re.compile(r"/crm/v3/objects/([^/]+)/search/?"), self._search),
            ("POST", re.compile(r"/crm/v3/objects/([^/]+)/batch/read/?"), self._batch_read),
            ("GET", re.compile(r"/crm/v3/objects/([^/]+)/([^/]+)/?"), self._get),
            ("GET", re.compile(r"/crm/v3/properties/([^/]+)/?"), self._properties),
            ("GET", re.compile(r"/crm/v3/properties/([^/]+)/([^/]+)/?"), self._property),
            ("GET", re.compile(r"/crm/v3/owners/?"), self._owners),
            ("GET", re.compile(r"/crm/v3/owners/([^/]+)/?"), self._owner),
            ("POST", re.compile(r"/crm/v4/associations/([^/]+)/([^/]+)/batch/read/?"),
             self._associations),
            ("GET", re.compile(r"/marketing/v3/forms/?"),
             lambda s, r, _: s.marketing.list_forms(r)),
            ("GET", re.compile(r"/marketing/v3/forms/([^/]+)/?"),
             lambda s, _, g: s.marketing.get_form(g[0])),
            ("GET", re.compile(r"/form-integrations/v1/submissions/forms/([^/]+)/?"),
             lambda s, r, g: s.marketing.list_submissions(r, g[0])),
            ("GET", re.compile(r"/email/public/v1/events/?"),
             lambda s, r, _: s.marketing.list_events(r)),
            ("GET", re.compile(r"/account-info/v3/details/?"), self._account),
        ]
        self._writes = HubSpotWrites(self.load, DEFAULT_APP_ID)
        self._routes[:0] = self._writes.routes()
        self._pipelines = HubSpotPipelines()
        self._routes += self._pipelines.routes()
        self.load(world)

    def load(self, world: World) -> None:
        """Index a world; the new state replaces the old in one assignment, so requests in
        flight finish on the world they started with."""
        hubspot = world.hubspot
        properties = hubspot.get("properties", {})
        tables = {t: ObjectTable.build(t, world.hubspot_objects(t), properties.get(t, []),
                                       self.history_limit)
                  for t in OBJECT_TYPES}
        clock = to_millis(world.clock) or 0
        searchers = {t: Searcher(table, None if self.index_lag is None
                                 else self.index_lag.unindexed(table, clock))
                     for t, table in tables.items()}
        self._state = _State(tables, searchers, list(hubspot.get("owners", [])), properties,
                             Marketing(hubspot), world.clock[:10])
        self._writes.loaded(world)
        self._pipelines.load(world)

    def matches(self, path: str) -> bool:
        return path.startswith(_PREFIXES)

    def fault_response(self, status: int) -> Response:
        if status == 429:
            return rate_limited("TEN_SECONDLY_ROLLING")
        if status == 503:
            return error_response(503, "Service Unavailable")
        return error_response(status, "internal error")

    def handle(self, request: Request) -> Response:
        if _target_length(request) > URL_MAX_LENGTH:
            return Response(414, URI_TOO_LONG, {"Content-Type": "text/html"})
        if request.path.rstrip("/") == TOKEN_INFO_PATH and request.method == "POST":
            return self._token_info(request)
        token = request.headers.get("authorization", "")
        if token != f"Bearer {self.access_token}":
            return error_response(401, AUTH_MESSAGE, "INVALID_AUTHENTICATION")
        required = required_scopes(request.path, request.method)
        if required and not self.scopes.intersection(required):
            # As HubSpot answers: any one of the listed scopes would do.
            return error_response(
                403, SCOPES_MESSAGE, "MISSING_SCOPES",
                errors=[{"message": "One or more of the following scopes are required.",
                         "context": {"requiredGranularScopes": list(required)}}],
                links={"scopes": "https://developers.hubspot.com/scopes"})
        self._writes.settle(request)  # re-index once after writes
        state = self._state  # one world for the whole request, even if `load` runs meanwhile
        search = request.method == "POST" and request.path.rstrip("/").endswith("/search")
        refusal, headers = self._limits.admit(self.access_token, search, state.day)
        if refusal is not None:
            return refusal
        try:
            response = self._route(state, request)
        except HubSpotError as exc:
            response = exc.response()
        response.headers.update(headers)
        return response

    def _token_info(self, request: Request) -> Response:
        """What a private-app token may do; needs no scope, the token travels in the body."""
        try:
            token_key = json_body(request).get("tokenKey")
        except HubSpotError as exc:
            return exc.response()
        if token_key != self.access_token:  # the status and text for an unknown token are ours
            return error_response(401, AUTH_MESSAGE, "INVALID_AUTHENTICATION")
        return Response.json(200, {"userId": 1, "hubId": self.portal_id,
                                   "appId": DEFAULT_APP_ID, "scopes": sorted(self.scopes)})

    def _route(self, state: _State, request: Request) -> Response:
        for method, pattern, handler in self._routes:
            found = pattern.fullmatch(request.path)
            if found and method == request.method:
                return handler(state, request, found.groups())
        raise not_found()

    # -- CRM objects --------------------------------------------------------------------------

    def _list(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        table = state.tables[canonical_type(groups[0])]
        history = request.args("propertiesWithHistory")
        # propertiesWithHistory lowers the page size (spec: "will reduce the maximum number").
        limit = int_arg(request, "limit", LIST_DEFAULT_LIMIT,
                        HISTORY_MAX_LIMIT if history else LIST_MAX_LIMIT)
        records = table.archived if _flag(request, "archived") else table.active
        after = request.arg("after")
        start = records.first_at_or_after(_numeric(after, "after")) if after else 0
        if (self.irregular_every is not None and start < len(records.records)
                and spread(records.ids[start:start + 1])[0] % SHORT_LIST_PAGE_EVERY == 0):
            limit = max(1, limit // 2)  # fewer than asked for, and still a next cursor
        end = min(start + limit, len(records.records))
        selection = table.selection(request.args("properties"), history,
                                    request.args("associations"))
        body = b'{"results":[' + b",".join(records.render(range(start, end), selection)) + b"]"
        if end < len(records.records):
            cursor = str(int(records.ids[end]))
            body += b',"paging":' + _json({"next": {"after": cursor,
                                                    "link": next_link(request, cursor)}})
        return Response.raw_json(200, body + b"}")

    def _get(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        table = state.tables[canonical_type(groups[0])]
        raw_id = unquote(groups[1])
        archived = _flag(request, "archived")
        records = table.archived if archived else table.active
        id_property = request.arg("idProperty")
        if id_property and id_property != "hs_object_id":
            pos = None if archived else table.lookup(id_property, raw_id)
        elif not raw_id.isdigit():
            raise HubSpotError(404, "Object not found.  objectId are usually numeric.",
                               "OBJECT_NOT_FOUND", context={"id": [raw_id]})
        else:
            pos = records.position(int(raw_id))
            if pos is None and not archived:
                # A merged-away contact id reads as the record it was merged into.
                pos = table.merged.get(int(raw_id))
        if pos is None:
            raise not_found()
        selection = table.selection(request.args("properties"),
                                    request.args("propertiesWithHistory"),
                                    request.args("associations"))
        return Response.raw_json(200, records.render([pos], selection)[0])

    def _search(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        table = state.tables[object_type]
        body = json_body(request)
        query = Query.parse(body)
        limit = min(max(_numeric(body.get("limit") or SEARCH_DEFAULT_LIMIT, "limit"), 1),
                    SEARCH_MAX_LIMIT)
        after = _numeric(body.get("after") or 0, "after")
        if after >= SEARCH_RESULT_CAP:
            # Search guide: "Attempting to page beyond 10,000 will result in a 400 error."
            raise invalid(f"The search endpoints are limited to {SEARCH_RESULT_CAP} total "
                          f"results for any given query; after={after} is beyond that.")
        found = state.searchers[object_type].matches(query)
        end = min(after + limit, SEARCH_RESULT_CAP)
        if self.irregular_every is None:
            positions, more = found[after:end], after + limit < len(found)
        else:
            positions, more = self._irregular_page(table, found, after, end)
        positions = positions.tolist() if hasattr(positions, "tolist") else positions
        selection = table.selection(body.get("properties"))
        out = (b'{"total":' + str(len(found)).encode() + b',"results":['
               + b",".join(table.active.render(positions, selection)) + b"]")
        if more:
            out += b',"paging":' + _json({"next": {"after": str(after + limit)}})
        return Response.raw_json(200, out + b"}")

    def _irregular_page(self, table: ObjectTable, found: Any, after: int,
                        end: int) -> tuple[np.ndarray, bool]:
        """The hits in index slots [after, end) once stale entries take their slots: (positions,
        whether any hit lies beyond). A hit's slot is at least its rank, so only the first
        `end` hits can fall in the page."""
        assert self.irregular_every is not None
        head = np.asarray(found[:end], dtype=np.int64)
        stale = np.where(spread(table.active.ids[head]) % self.irregular_every == 0, STALE_RUN, 0)
        slots = np.arange(len(head)) + np.cumsum(stale)
        in_page = head[(slots >= after) & (slots < end)]
        return in_page, len(found) > len(head) or (len(slots) > 0 and bool(slots[-1] >= end))

    def _batch_read(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        object_type = canonical_type(groups[0])
        table = state.tables[object_type]
        body = json_body(request)
        inputs, history = body.get("inputs"), body.get("propertiesWithHistory") or []
        if not isinstance(inputs, list) or not all(
                isinstance(i, dict) and i.get("id") not in (None, "") for i in inputs):
            raise invalid("Invalid input JSON: inputs must be a list of objects with an id")
        for name in ("properties", "propertiesWithHistory"):
            if not isinstance(body.get(name) or [], list):
                raise invalid(f"Invalid input JSON: {name} must be a list of property names")
        if history and len(inputs) > BATCH_HISTORY_MAX:
            raise invalid("The maximum number of inputs supported in a batch request for property "
                          f"histories is {BATCH_HISTORY_MAX}. Please reduce the number of items "
                          "and try again")
        if len(inputs) > BATCH_READ_MAX:  # the limit is documented, this text is ours
            raise invalid(f"Too many inputs ({len(inputs)}). The limit is {BATCH_READ_MAX}.")
        archived = _flag(request, "archived")
        records = table.archived if archived else table.active
        id_property = body.get("idProperty")
        positions: dict[int, None] = {}  # ordered and de-duplicated: a survivor asked twice
        missing = []
        for item in inputs:
            raw_id = str(item["id"])
            if id_property and id_property != "hs_object_id":
                pos = None if archived else table.lookup(id_property, raw_id)
            elif not raw_id.isdigit():
                pos = None
            else:
                pos = records.position(int(raw_id))
                if pos is None and not archived:
                    pos = table.merged.get(int(raw_id))  # as GET: a merged id reads the survivor
            if pos is None:
                missing.append(raw_id)
            else:
                positions[pos] = None
        # Rendered by the list endpoint's code for the same selection: the same bytes.
        selection = table.selection(body.get("properties"), history)
        out = (b'{"status":"COMPLETE","results":['
               + b",".join(records.render(positions, selection)) + b"]")
        if missing:
            out += b',"numErrors":1,"errors":' + _json([{
                "status": "error", "category": "OBJECT_NOT_FOUND",
                "message": f"Could not get some {SINGULAR[object_type].upper()} objects, they may "
                           "be deleted or not exist. Check that ids are valid.",
                "context": {"ids": missing}}])
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        out += b',"startedAt":' + _json(now) + b',"completedAt":' + _json(now) + b"}"
        # Partial success is 207 Multi-Status, as the real batch endpoints answer.
        return Response.raw_json(207 if missing else 200, out)

    def _associations(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        source = state.tables[canonical_type(groups[0])]
        target = canonical_type(groups[1])
        inputs = json_body(request).get("inputs")
        if not isinstance(inputs, list) or len(inputs) > ASSOCIATION_BATCH_MAX:
            raise invalid(f"inputs must be a list of at most {ASSOCIATION_BATCH_MAX} ids")
        results, errors = [], []
        for item in inputs:
            raw_id = str(item.get("id") if isinstance(item, dict) else item)
            pos = source.active.position(int(raw_id)) if raw_id.isdigit() else None
            record = {} if pos is None else source.active.records[pos]
            linked = record.get("associations", {}).get(target, {}).get("results", [])
            if not linked:
                errors.append(_no_associations(source.object_type, target, raw_id))
                continue
            grouped: dict[str, list[dict[str, Any]]] = {}
            for link in linked:  # one entry per association type, in the world's order
                grouped.setdefault(link["id"], []).append(_association_type(link.get("type", "")))
            results.append({"from": {"id": raw_id},
                            "to": [{"toObjectId": int(to_id), "associationTypes": kinds}
                                   for to_id, kinds in grouped.items()]})
        now = datetime.now(UTC).isoformat(timespec="milliseconds").replace("+00:00", "Z")
        payload: dict[str, Any] = {"status": "COMPLETE", "results": results}
        if errors:
            payload.update(numErrors=len(errors), errors=errors)
        payload.update(startedAt=now, completedAt=now)
        # Partial success is 207 Multi-Status, as the real v4 batch read answers.
        return Response.json(207 if errors else 200, payload)

    # -- properties, owners, account ----------------------------------------------------------

    def _properties(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        archived = _flag(request, "archived")
        found = [p for p in state.properties.get(canonical_type(groups[0]), [])
                 if bool(p.get("archived")) == archived]
        return Response.json(200, {"results": found})

    def _property(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        for prop in state.properties.get(canonical_type(groups[0]), []):
            if prop.get("name") == groups[1]:
                return Response.json(200, prop)
        raise not_found()

    def _owners(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        archived = _flag(request, "archived")
        email = (request.arg("email") or "").lower()
        owners = [o for o in state.owners if bool(o.get("archived")) == archived
                  and (not email or str(o.get("email", "")).lower() == email)]
        limit = int_arg(request, "limit", OWNERS_DEFAULT_LIMIT, OWNERS_MAX_LIMIT)
        return Response.json(200, paged(request, owners, offset_arg(request, "after"), limit))

    def _owner(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        key = "userId" if request.arg("idProperty") == "userId" else "id"
        for owner in state.owners:
            if str(owner.get(key)) == groups[0]:
                return Response.json(200, owner)
        raise not_found()

    def _account(self, state: _State, request: Request, groups: tuple[str, ...]) -> Response:
        return Response.json(200, {
            "portalId": self.portal_id, "accountType": "STANDARD", "timeZone": "Etc/UTC",
            "companyCurrency": "USD", "additionalCurrencies": [], "utcOffset": "+00:00",
            "utcOffsetMilliseconds": 0, "uiDomain": "app.hubspot.com",
            "dataHostingLocation": "na1"})


def required_scopes(path: str, method: str = "GET") -> tuple[str, ...]:
    """The scopes of which a call needs one (empty: none), as HubSpot's specs list them for
    private apps; a property definition read takes its object's read or schema scope, a write
    the object's (records) or schema's (definitions, groups) write scope."""
    parts = path.strip("/").split("/")
    if parts[:3] == ["crm", "v3", "pipelines"] and len(parts) > 3:
        return ("crm.objects.deals.read",) if ALIASES.get(parts[3], parts[3]) == "deals" else ()
    if parts[:3] in (["crm", "v3", "objects"], ["crm", "v3", "properties"],
                     ["crm", "v4", "associations"]) and len(parts) > 3:
        object_type = ALIASES.get(parts[3], parts[3])
        if object_type not in OBJECT_TYPES:
            return ()  # answered as an unknown object type
        if object_type in ACTIVITY_TYPES:  # activities are read with the contacts scope
            object_type = "contacts"
        if parts[2] == "properties":
            if method == "POST":
                return (f"crm.schemas.{object_type}.write",)
            return (f"crm.objects.{object_type}.read", f"crm.schemas.{object_type}.read")
        if method == "PATCH" or path.rstrip("/").endswith("/batch/update"):
            return (f"crm.objects.{object_type}.write",)
        return (f"crm.objects.{object_type}.read",)
    if parts[:3] == ["crm", "v3", "owners"]:
        return ("crm.objects.owners.read",)
    if parts[0] in ("marketing", "form-integrations"):
        return ("forms",)
    if parts[:2] == ["email", "public"]:
        return ("content",)
    return ()


def _association_type(name: str) -> dict[str, Any]:
    if name in ASSOCIATION_TYPES:
        type_id, label = ASSOCIATION_TYPES[name]
        return {"category": "HUBSPOT_DEFINED", "typeId": type_id, "label": label}
    return {"category": "USER_DEFINED", "typeId": USER_LABEL_TYPES.get(name, 99), "label": name}


def _target_length(request: Request) -> int:
    """Length of the request target as a client sends it (path, then the percent-encoded
    query; re-encoded from the parsed form, which is how `requests` encodes it)."""
    query = urlencode(request.query, doseq=True)
    return len(request.path) + (1 + len(query) if query else 0)


def _no_associations(source: str, target: str, raw_id: str) -> dict[str, Any]:
    return {"status": "error", "category": "OBJECT_NOT_FOUND",
            "subCategory": "crm.associations.NO_ASSOCIATIONS_FOUND",
            "context": {"fromObjectId": [raw_id], "fromObjectType": [SINGULAR[source]],
                        "toObjectType": [SINGULAR[target]]},
            "message": f"No {SINGULAR[target]} is associated with {SINGULAR[source]} {raw_id}."}


def _flag(request: Request, name: str) -> bool:
    return (request.arg(name) or "false").lower() == "true"


def _numeric(value: Any, name: str) -> int:
    try:
        return int(value)
    except (TypeError, ValueError):
        raise invalid(f"Invalid value for {name}: {value!r}") from None


def _json(value: Any) -> bytes:
    return json.dumps(value, separators=(",", ":")).encode()
