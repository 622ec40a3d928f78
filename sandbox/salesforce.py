"""The Salesforce REST API over a world: OAuth tokens, SOQL query paging, describes, limits,
and Bulk API 2.0 query jobs.

Shapes follow the public REST API reference (see ``sandbox/README.md``), so the real
connector and ``simple-salesforce`` work against it unchanged. The API is generic over the
objects the world's ``salesforce.describe`` declares. Token grants live in
``salesforce_oauth``, query jobs in ``salesforce_bulk``.
"""

from __future__ import annotations

import base64
import bisect
import hashlib
import hmac
import itertools
import json
import logging
import re
import secrets
import threading
import time
import zlib
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sandbox import soql
from sandbox.http import Request, Response
from sandbox.salesforce_bulk import BulkQueryJobs, QueryResult
from sandbox.salesforce_oauth import (
    ConnectedApp,
    Grant,
    grant,
    load_certificate_key,
    oauth_error,
    on_generic_login_host,
    request_params,
)
from sandbox.salesforce_writes import SalesforceWrites
from sandbox.world import World

log = logging.getLogger(__name__)

DEFAULT_CLIENT_ID = "samepage-sandbox-client-id"
DEFAULT_CLIENT_SECRET = "samepage-sandbox-client-secret"

ORG_ID = "00D000000000001AAA"
FALLBACK_USER_ID = "005000000000001AAA"  # the token's user when the world has no User

DEFAULT_BATCH_SIZE = 2000
MIN_BATCH_SIZE = 200
MAX_OPEN_CURSORS = 64  # query locators kept (least recently used evicted)
FRAGMENT_CACHE_CHARS = 200_000_000  # serialised records kept per loaded world (~200 MB)

# v31.0 was Summer '14; three releases a year since.
_SEASONS = ("Summer", "Winter", "Spring")
VERSIONS = tuple(
    {"label": f"{_SEASONS[i % 3]} '{14 + (i + 2) // 3:02d}", "url": f"/services/data/v{31 + i}.0",
     "version": f"{31 + i}.0"}
    for i in range(34)  # up to v64.0, Summer '25
)
_KNOWN_VERSIONS = frozenset(v["version"] for v in VERSIONS)

KEY_PREFIXES = {"Lead": "00Q", "Contact": "003", "Account": "001", "Opportunity": "006",
                "User": "005", "Task": "00T", "Campaign": "701", "CampaignMember": "00v",
                "OpportunityContactRole": "00K", "OpportunityHistory": "008",
                "LeadHistory": "017"}

_VERSIONED = re.compile(r"^/services/data/v(\d+\.\d)(/.*)?$")
_JOBS = re.compile(r"^/jobs/query(/.*)?$")
_QUERY_MORE = re.compile(r"^/(query|queryAll)/(01g\w+)-(\d+)$")
_SOBJECT = re.compile(r"^/sobjects/(\w+)(?:/(describe|\w+))?$")
_BATCH_SIZE = re.compile(r"batchSize\s*=\s*(\d+)", re.IGNORECASE)
# One encoder: json.dumps with options builds a new encoder per call, a cost per record here.
_encode = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode


# ---------------------------------------------------------------------------------------------
# Describe filling: worlds declare name/type/label/custom; clients expect the full shape.

_SYSTEM_FIELDS = frozenset({"Id", "IsDeleted", "CreatedDate", "CreatedById", "LastModifiedDate",
                            "LastModifiedById", "SystemModstamp"})
_SOAP_TYPES = {"id": "tns:ID", "reference": "tns:ID", "boolean": "xsd:boolean",
               "datetime": "xsd:dateTime", "date": "xsd:date", "double": "xsd:double",
               "currency": "xsd:double", "percent": "xsd:double", "int": "xsd:int",
               "long": "xsd:long", "time": "xsd:time"}
_GLOBAL_KEYS = ("activateable", "createable", "custom", "customSetting", "deletable",
                "deprecatedAndHidden", "feedEnabled", "hasSubtypes", "isInterface", "isSubtype",
                "keyPrefix", "label", "labelPlural", "layoutable", "mergeable", "mruEnabled",
                "name", "queryable", "replicateable", "retrieveable", "searchable", "triggerable",
                "undeletable", "updateable")
# Every object has Id; not every one has IsDeleted (User has not), so only Id is implied.
_ID_FIELD = {"name": "Id", "type": "id", "label": "Record ID"}


def _fill_field(declared: dict[str, Any]) -> dict[str, Any]:
    name, kind = declared["name"], declared["type"]
    custom = name.endswith("__c")
    system = name in _SYSTEM_FIELDS or kind == "id"
    length = 18 if kind in soql.ID_TYPES else 255 if kind in soql.TEXT_TYPES else 0
    relationship = None
    if kind == "reference":
        relationship = (name[:-3] + "__r" if custom else name[:-2] if name.endswith("Id")
                        else None)
    references = declared.get("referenceTo", [])
    filled = {
        "aggregatable": kind != "textarea", "autoNumber": False, "byteLength": length * 3,
        "calculated": False, "calculatedFormula": None, "cascadeDelete": False,
        "caseSensitive": False, "compoundFieldName": None, "controllerName": None,
        "createable": not system, "custom": custom, "defaultValue": None,
        "defaultValueFormula": None, "defaultedOnCreate": system or kind == "boolean",
        "dependentPicklist": False, "deprecatedAndHidden": False, "digits": 0,
        "displayLocationInDecimal": False, "encrypted": False, "externalId": False,
        "extraTypeInfo": None, "filterable": kind not in ("textarea", "anyType"),
        "filteredLookupInfo": None,
        "groupable": kind not in ("double", "currency", "percent", "datetime", "textarea"),
        "highScaleNumber": False, "htmlFormatted": False, "idLookup": kind == "id",
        "inlineHelpText": None, "label": name, "length": length, "mask": None,
        "maskType": None, "name": name, "nameField": name == "Name", "namePointing": False,
        "nillable": not system and kind != "boolean", "permissionable": custom,
        "picklistValues": [], "polymorphicForeignKey": len(references) > 1, "precision": 0,
        "queryByDistance": False, "referenceTargetField": None, "referenceTo": references,
        "relationshipName": relationship, "relationshipOrder": None,
        "restrictedDelete": False, "restrictedPicklist": False, "scale": 0,
        "searchPrefilterable": False, "soapType": _SOAP_TYPES.get(kind, "xsd:string"),
        "sortable": kind not in ("textarea", "anyType"), "type": kind, "unique": False,
        "updateable": not system, "writeRequiresMasterRead": False,
    }
    return {**filled, **declared}


def _fill_describe(name: str, declared: dict[str, Any], key_prefix: str | None) -> dict[str, Any]:
    fields = list(declared.get("fields", []))
    if all(f["name"] != "Id" for f in fields):
        fields.insert(0, _ID_FIELD)
    label = declared.get("label", name)
    filled = {
        "actionOverrides": [], "activateable": False, "childRelationships": [],
        "compactLayoutable": True, "createable": True, "custom": name.endswith("__c"),
        "customSetting": False, "deepCloneable": False, "defaultImplementation": None,
        "deletable": True, "deprecatedAndHidden": False,
        "feedEnabled": False, "hasSubtypes": False, "implementedBy": None,
        "implementsInterfaces": None, "isInterface": False, "isSubtype": False,
        "keyPrefix": key_prefix, "label": label, "labelPlural": declared.get("labelPlural",
                                                                             label + "s"),
        "layoutable": True, "listviewable": None, "lookupLayoutable": None,
        "mergeable": name in ("Account", "Contact", "Lead"), "mruEnabled": True, "name": name,
        "namedLayoutInfos": [], "networkScopeFieldName": None, "queryable": True,
        "recordTypeInfos": [], "replicateable": True, "retrieveable": True,
        "searchLayoutable": True, "searchable": True, "sobjectDescribeOption": "FULL",
        "supportedScopes": [{"label": "All " + label + "s", "name": "everything"}],
        "triggerable": True, "undeletable": True, "updateable": True,
    }
    return {**filled, **declared, "fields": [_fill_field(f) for f in fields]}


def _urls(version: str, name: str) -> dict[str, str]:
    base = f"/services/data/v{version}/sobjects/{name}"
    return {"compactLayouts": f"{base}/describe/compactLayouts", "rowTemplate": f"{base}/{{ID}}",
            "approvalLayouts": f"{base}/describe/approvalLayouts", "defaultValues":
            f"{base}/defaultValues?recordTypeId&fields", "describe": f"{base}/describe",
            "quickActions": f"{base}/quickActions", "layouts": f"{base}/describe/layouts",
            "sobject": base}


# ---------------------------------------------------------------------------------------------
# A loaded world: records per object plus lazily built sorted indexes.

@dataclass
class _Object:
    name: str
    describe: dict[str, Any]
    schema: dict[str, soql.FieldInfo]  # lower-case field name -> canonical name and type
    all_rows: list[dict[str, Any]]
    live_rows: list[dict[str, Any]]  # IsDeleted rows are only for queryAll
    by_id: dict[str, dict[str, Any]]


@dataclass
class _Index:
    """Rows sorted by an ORDER BY, with the first sort key of the non-null rows for bisecting."""

    rows: list[dict[str, Any]]
    keys: list[Any]
    first: int  # rows[first: first + len(keys)] have a non-null first sort field

    def span(self, bounds: soql.Bounds) -> tuple[int, int]:
        lo, hi = 0, len(self.keys)
        if bounds.low is not None:
            find = bisect.bisect_left if bounds.low_inclusive else bisect.bisect_right
            lo = find(self.keys, bounds.low)
        if bounds.high is not None:
            find = bisect.bisect_right if bounds.high_inclusive else bisect.bisect_left
            hi = find(self.keys, bounds.high)
        return self.first + lo, self.first + max(lo, hi)


class _Fragments:
    """Records serialised once per (API version, field selection), within a size budget.

    Serialising is most of the cost of a page; a second extraction of the same records (a
    re-run, a benchmark) then only joins strings. Keys are ``id(record)``, valid because the
    cache lives exactly as long as the state holding the records. Plain dict operations are
    atomic under the GIL, so concurrent pages need no lock (the budget is approximate).
    """

    def __init__(self, budget_chars: int) -> None:
        self.budget_chars = budget_chars
        self.size = 0
        self.by_selection: dict[tuple[str, tuple[str, ...]], dict[int, str]] = {}

    def render(self, version: str, sobject: str, fields: tuple[str, ...],
               rows: Sequence[dict[str, Any]]) -> str:
        cache = self.by_selection.setdefault((version, fields), {})
        out = []
        for row in rows:
            fragment = cache.get(id(row))
            if fragment is None:
                fragment = _encode(_record_json(row, sobject, fields, version))
                if self.size < self.budget_chars:
                    cache[id(row)] = fragment
                    self.size += len(fragment)
            out.append(fragment)
        return ",".join(out)


@dataclass
class _State:
    objects: dict[str, _Object]  # keyed by lower-case name: object names are case-insensitive
    user_id: str
    certificate: str | None  # the connected app's certificate (PEM), for JWT bearer assertions
    indexes: dict[tuple[Any, ...], _Index] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)
    fragments: _Fragments = field(default_factory=lambda: _Fragments(FRAGMENT_CACHE_CHARS))

    def index(self, obj: _Object, include_deleted: bool,
              order: Sequence[soql.OrderKey]) -> _Index:
        cache_key = (obj.name, include_deleted,
                     tuple((o.field, o.descending, o.nulls_last) for o in order))
        with self.lock:  # build once even when clients page in parallel
            index = self.indexes.get(cache_key)
            if index is None:
                rows = soql.order_rows(obj.all_rows if include_deleted else obj.live_rows, order)
                head = order[0]
                nulls = sum(1 for r in rows if r.get(head.field) is None)
                first = 0 if head.nulls_last else nulls
                keys = [head.key(r[head.field]) for r in rows[first: first + len(rows) - nulls]]
                index = self.indexes[cache_key] = _Index(rows, keys, first)
        return index


def _build_state(world: World) -> _State:
    describes: dict[str, Any] = world.salesforce.get("describe", {})
    objects: dict[str, _Object] = {}
    for name, declared in describes.items():
        # Salesforce stores no empty strings: a blank text value (or formula result) reads as
        # null. Rows of a world holding "" are served as copies with null there.
        rows = [{k: None if v == "" else v for k, v in row.items()} if "" in row.values()
                else row for row in world.salesforce_records(name)]
        prefix = declared.get("keyPrefix") or KEY_PREFIXES.get(name) or (
            rows[0]["Id"][:3] if rows else None)
        describe = _fill_describe(name, declared, prefix)
        schema = {f["name"].lower(): soql.FieldInfo(f["name"], f["type"], f["filterable"],
                                                    f["sortable"]) for f in describe["fields"]}
        objects[name.lower()] = _Object(name, describe, schema, rows,
                                        [r for r in rows if not r.get("IsDeleted")],
                                        {r["Id"]: r for r in rows})
    users = objects.get("user")
    user_id = users.live_rows[0]["Id"] if users and users.live_rows else FALLBACK_USER_ID
    app = world.salesforce.get("connected_app") or {}
    return _State(objects, user_id, app.get("certificate"))


@dataclass
class _Cursor:
    """An open query locator: the result rows are ``base[start:stop]``."""

    state: _State  # the world the query ran on, even if another has been loaded since
    sobject: str
    fields: tuple[str, ...]
    base: Sequence[dict[str, Any]]
    start: int
    stop: int


def _errors(status: int, code: str, message: str,
            headers: dict[str, str] | None = None) -> Response:
    return Response.json(status, [{"message": message, "errorCode": code}], headers)


_NOT_FOUND = ("NOT_FOUND", "The requested resource does not exist")


class SalesforceApi:
    """``/services/oauth2/token`` and ``/services/data/...`` over a world."""

    def __init__(self, world: World, *, client_id: str = DEFAULT_CLIENT_ID,
                 client_secret: str = DEFAULT_CLIENT_SECRET, token_ttl_seconds: float = 7200.0,
                 daily_request_limit: int = 100_000, short_batches: bool = True) -> None:
        self.client_id = client_id
        self.client_secret = client_secret
        self.token_ttl_seconds = token_ttl_seconds
        self.daily_request_limit = daily_request_limit
        # Real query batches may be smaller than asked for (the batch size is "a suggestion");
        # on by default so clients page by nextRecordsUrl/done, never by counting.
        self.short_batches = short_batches
        self._lock = threading.Lock()
        self._access_tokens: dict[str, float] = {}  # token -> monotonic expiry
        self._refresh_tokens: set[str] = set()
        self._requests_used = 0
        self._cursors: OrderedDict[str, _Cursor] = OrderedDict()
        self._locator_ids = itertools.count(1)
        self._bulk = BulkQueryJobs(self._run_for_bulk, self._page_size)
        self._writes = SalesforceWrites(self.load)
        self.load(world)

    # -- lifecycle and test hooks ------------------------------------------------------------

    def load(self, world: World) -> None:
        """Serve ``world`` from now on. Tokens, quota, open query locators and jobs survive."""
        state = _build_state(world)
        key = load_certificate_key(state.certificate) if state.certificate else None
        # One assignment each: requests see the old world or the new one, whole.
        self._app = ConnectedApp(self.client_id, self.client_secret, key)
        self._state = state
        self._writes.loaded(world)

    def login_domain(self, instance_url: Callable[[], str]) -> LoginDomain:
        """This org's token endpoint as login.salesforce.com serves it, for a second listener;
        tokens it issues name ``instance_url()`` (the My Domain) as the instance."""
        return LoginDomain(self, instance_url)

    def expire_tokens(self) -> None:
        """Invalidate every access token issued so far (refresh tokens stay valid)."""
        with self._lock:
            self._access_tokens.clear()

    def issue_refresh_token(self) -> str:
        """A refresh token for the configured client.

        Real orgs hand refresh tokens out only through interactive flows (web server,
        user-agent), never for ``client_credentials``; this stands in for that one-time
        authorisation so the ``refresh_token`` grant can be exercised.
        """
        token = f"5Aep{secrets.token_urlsafe(48)}"
        with self._lock:
            self._refresh_tokens.add(token)
        return token

    # -- Api protocol ------------------------------------------------------------------------

    def matches(self, path: str) -> bool:
        return path.startswith("/services/")

    def fault_response(self, status: int) -> Response:
        if status == 503:
            return _errors(503, "SERVER_UNAVAILABLE", "Server is unavailable. Please try again.")
        if status == 429:
            # Salesforce throttles with 403, not 429: too many concurrent long-running requests.
            return _errors(403, "REQUEST_LIMIT_EXCEEDED", "ConcurrentPerOrgLongTxn Limit exceeded.")
        return _errors(status, "UNKNOWN_EXCEPTION",
                       "An unexpected error occurred. Please include this ErrorId if you contact "
                       f"support: {secrets.randbelow(10**9)}-{secrets.randbelow(10**5)} (-1)")

    def handle(self, request: Request) -> Response:
        path = request.path.rstrip("/")
        if path == "/services/oauth2/token":
            return self.token(request, generic_login_host=on_generic_login_host(request),
                              instance_url=request.base_url)
        m = _VERSIONED.match(path)
        jobs = m is not None and _JOBS.match(m.group(2) or "") is not None
        write = m is not None and self._writes.handles(request.method, m.group(2) or "")
        if request.method not in ("GET", "HEAD") and not jobs and not write:
            return _errors(405, "METHOD_NOT_ALLOWED",
                           f"HTTP Method '{request.method}' not allowed. Allowed are GET,HEAD")
        if path == "/services/data":
            return Response.json(200, list(VERSIONS))  # no auth, not counted against limits
        if not m or m.group(1) not in _KNOWN_VERSIONS:
            return _errors(404, *_NOT_FOUND)
        failure = self._authenticate(request)
        if failure is not None:
            return failure
        with self._lock:
            over = self._requests_used >= self.daily_request_limit
            if not over:
                self._requests_used += 1
            headers = {"Sforce-Limit-Info":
                       f"api-usage={self._requests_used}/{self.daily_request_limit}"}
        if over:
            return _errors(403, "REQUEST_LIMIT_EXCEEDED", "TotalRequests Limit exceeded.",
                           headers)
        rest = m.group(2) or ""
        self._writes.settle(request)  # a read after writes rebuilds the state once
        jobs = _JOBS.match(rest)
        if write:
            response = self._writes.handle(request, rest, self._state)
        elif jobs:
            response = self._bulk.handle(request, m.group(1), jobs.group(1) or "",
                                         self._state.user_id)
        else:
            response = self._route(request, m.group(1), rest, self._state)
        response.headers.update(headers)
        return response

    # -- OAuth -------------------------------------------------------------------------------

    def token(self, request: Request, *, generic_login_host: bool, instance_url: str) -> Response:
        """``POST /services/oauth2/token``; ``generic_login_host`` when it came to
        login.salesforce.com (or test.salesforce.com) rather than the org's My Domain."""
        if request.method != "POST":
            return oauth_error("invalid_request", "must use HTTP POST")
        state = self._state

        def refresh_token_known(token: str) -> bool:
            with self._lock:
                return token in self._refresh_tokens

        def user_id_for(username: str) -> str | None:
            users = state.objects.get("user")
            return next((u["Id"] for u in (users.live_rows if users else [])
                         if str(u.get("Username", "")).lower() == username.lower()
                         and u.get("IsActive", True)), None)

        granted = grant(request_params(request), self._app,
                        generic_login_host=generic_login_host,
                        refresh_token_known=refresh_token_known, user_id_for=user_id_for)
        if isinstance(granted, Response):
            log.info("Salesforce token refused: %s", json.loads(granted.body)["error_description"])
            return granted
        log.info("Salesforce access token issued (%s grant)", granted.kind)
        return Response.json(200, self._issue_access_token(instance_url, granted, state))

    def _issue_access_token(self, base_url: str, granted: Grant, state: _State) -> dict[str, str]:
        token = f"{ORG_ID[:15]}!{secrets.token_urlsafe(72)}"
        now = time.monotonic()
        with self._lock:
            # Drop expired tokens so a long-running sandbox does not accumulate them.
            for stale in [t for t, expiry in self._access_tokens.items() if expiry <= now]:
                del self._access_tokens[stale]
            self._access_tokens[token] = now + self.token_ttl_seconds
        identity = f"{base_url}/id/{ORG_ID}/{granted.user_id or state.user_id}"
        body = {"access_token": token, "scope": granted.scope, "instance_url": base_url,
                "id": identity, "token_type": "Bearer"}
        if granted.signed:
            issued_at = str(int(time.time() * 1000))
            # Salesforce signs id + issued_at with the consumer secret (HMAC-SHA256, base64).
            digest = hmac.new(self.client_secret.encode(), (identity + issued_at).encode(),
                              hashlib.sha256).digest()
            body.update(signature=base64.b64encode(digest).decode(), issued_at=issued_at)
        return body

    def _authenticate(self, request: Request) -> Response | None:
        scheme, _, token = request.headers.get("authorization", "").partition(" ")
        if scheme.lower() not in ("bearer", "oauth") or not token:
            return _errors(401, "INVALID_AUTH_HEADER", "INVALID_HEADER_TYPE")
        with self._lock:
            expiry = self._access_tokens.get(token.strip())
        if expiry is None or expiry <= time.monotonic():
            return _errors(401, "INVALID_SESSION_ID", "Session expired or invalid")
        return None

    # -- REST resources ----------------------------------------------------------------------

    def _route(self, request: Request, version: str, rest: str, state: _State) -> Response:
        if rest == "":
            base = f"/services/data/v{version}"
            return Response.json(200, {name: f"{base}/{name}"
                                       for name in ("limits", "query", "queryAll", "sobjects")})
        if rest in ("/query", "/queryAll"):
            return self._query(request, version, state, include_deleted=rest == "/queryAll")
        m = _QUERY_MORE.match(rest)
        if m:
            return self._query_more(request, version, m.group(2), int(m.group(3)))
        if rest == "/limits":
            with self._lock:
                remaining = max(0, self.daily_request_limit - self._requests_used)
            return Response.json(200, {"DailyApiRequests": {"Max": self.daily_request_limit,
                                                            "Remaining": remaining}})
        if rest == "/limits/recordCount":
            # Real counts are estimates refreshed now and then; ours are exact (live rows).
            wanted = [n.lower() for n in request.args("sObjects")]
            return Response.json(200, {"sObjects": [
                {"count": len(obj.live_rows), "name": obj.name}
                for key, obj in state.objects.items() if not wanted or key in wanted]})
        if rest == "/sobjects":
            return Response.json(200, {"encoding": "UTF-8", "maxBatchSize": 200, "sobjects": [
                {**{k: obj.describe[k] for k in _GLOBAL_KEYS},
                 "urls": _urls(version, obj.name)} for obj in state.objects.values()]})
        m = _SOBJECT.match(rest)
        obj = state.objects.get(m.group(1).lower()) if m else None
        if m is None or obj is None or m.group(2) is None:
            return _errors(404, *_NOT_FOUND)
        if m.group(2) == "describe":
            return Response.json(200, {**obj.describe, "urls": _urls(version, obj.name)})
        return self._retrieve(request, version, obj, m.group(2))

    def _retrieve(self, request: Request, version: str, obj: _Object, record_id: str) -> Response:
        record = obj.by_id.get(record_id)
        if record is None:
            return _errors(404, *_NOT_FOUND)
        if record.get("IsDeleted"):
            return _errors(404, "ENTITY_IS_DELETED", "entity is deleted")
        names = [f["name"] for f in obj.describe["fields"]]
        wanted = request.args("fields")
        if wanted:
            unknown = [w for w in wanted if w.lower() not in obj.schema]
            if unknown:
                return _errors(400, "INVALID_FIELD",
                               f"No such column '{unknown[0]}' on sobject of type {obj.name}")
            names = [obj.schema[w.lower()].name for w in wanted]
        return Response.json(200, _record_json(record, obj.name, names, version))

    def _query(self, request: Request, version: str, state: _State, *,
               include_deleted: bool) -> Response:
        text = request.arg("q")
        if not text:
            return _errors(400, "MALFORMED_QUERY", "A query string has to be specified")
        try:
            query = soql.parse(text)
            obj = state.objects.get(query.sobject.lower())
            if obj is None:
                raise soql.unknown_object_error(query)
            plan = soql.bind(query, obj.name, obj.schema)
        except soql.SoqlError as exc:
            return _errors(400, exc.error_code, exc.message)
        base, start, stop = _execute(state, obj, plan, include_deleted)
        if plan.count_only:
            return Response.json(200, {"totalSize": stop - start, "done": True, "records": []})
        batch = self._page_size(0, _batch_size(request))
        locator = None
        if stop - start > batch:
            locator = f"01g{next(self._locator_ids):015d}"
            with self._lock:
                self._cursors[locator] = _Cursor(state, obj.name, plan.fields, base, start,
                                                 stop)
                while len(self._cursors) > MAX_OPEN_CURSORS:
                    self._cursors.popitem(last=False)
        return _page(state, version, obj.name, plan.fields, base, start, stop, 0, batch,
                     locator)

    def _query_more(self, request: Request, version: str, locator: str, offset: int) -> Response:
        with self._lock:
            cursor = self._cursors.get(locator)
            if cursor is not None:
                self._cursors.move_to_end(locator)
        if cursor is None or offset > cursor.stop - cursor.start:
            return _errors(400, "INVALID_QUERY_LOCATOR", "invalid query locator")
        return _page(cursor.state, version, cursor.sobject, cursor.fields, cursor.base,
                     cursor.start, cursor.stop, offset,
                     self._page_size(offset, _batch_size(request)), locator)

    def _page_size(self, offset: int, requested: int) -> int:
        """How many records the page at ``offset`` holds when ``requested`` were asked for:
        with short batches, between half and all of them, the same for the same offset."""
        if not self.short_batches or requested < 2:
            return requested
        return requested - zlib.crc32(offset.to_bytes(8, "big")) % (requested // 2)

    def _run_for_bulk(self, text: str, include_deleted: bool) -> QueryResult:
        state = self._state
        query = soql.parse(text)
        obj = state.objects.get(query.sobject.lower())
        if obj is None:
            raise soql.unknown_object_error(query)
        plan = soql.bind(query, obj.name, obj.schema)
        rows, start, stop = _execute(state, obj, plan, include_deleted)
        return QueryResult(obj.name, plan.fields,
                           tuple(obj.schema[f.lower()].type for f in plan.fields), rows, start,
                           stop, plan.count_only, plan.offset > 0)


class LoginDomain:
    """The token endpoint as a generic login host serves it (a second listener stands in for
    login.salesforce.com): the client-credentials grant is refused there, as at Salesforce."""

    def __init__(self, api: SalesforceApi, instance_url: Callable[[], str]) -> None:
        self.api = api
        self.instance_url = instance_url

    def matches(self, path: str) -> bool:
        return path.startswith("/services/")

    def fault_response(self, status: int) -> Response:
        return self.api.fault_response(status)

    def handle(self, request: Request) -> Response:
        if request.path.rstrip("/") != "/services/oauth2/token":
            return _errors(404, *_NOT_FOUND)
        return self.api.token(request, generic_login_host=True, instance_url=self.instance_url())


def _batch_size(request: Request) -> int:
    m = _BATCH_SIZE.search(request.headers.get("sforce-query-options", ""))
    if not m:
        return DEFAULT_BATCH_SIZE
    return max(MIN_BATCH_SIZE, min(DEFAULT_BATCH_SIZE, int(m.group(1))))


def _execute(state: _State, obj: _Object, plan: soql.Plan,
             include_deleted: bool) -> tuple[Sequence[dict[str, Any]], int, int]:
    """The query's result as ``base[start:stop]``, avoiding copies and scans where it can.

    With ORDER BY, rows come from a cached sorted index; range conditions on the first sort
    field (ascending) bisect that index, and when nothing else filters, the result is a
    slice of it without touching a single row.
    """
    rows: Sequence[dict[str, Any]] = obj.all_rows if include_deleted else obj.live_rows
    lo, hi = 0, len(rows)
    predicate = plan.predicate
    if plan.order:
        index = state.index(obj, include_deleted, plan.order)
        rows, hi = index.rows, len(index.rows)
        if not plan.order[0].descending:
            bounds, residual = plan.split_range(plan.order[0].field)
            if bounds is not None:
                lo, hi = index.span(bounds)
                predicate = residual
    wanted = None if plan.limit is None else plan.offset + plan.limit
    if predicate is not None:
        matched: list[dict[str, Any]] = []
        for row in rows[lo:hi]:
            if predicate(row):
                matched.append(row)
                if wanted is not None and len(matched) >= wanted:
                    break  # LIMIT caps totalSize too, so the rest need not be counted
        rows, lo, hi = matched, 0, len(matched)
    start = min(lo + plan.offset, hi)
    stop = hi if wanted is None else min(hi, lo + wanted)
    return rows, start, stop


def _record_json(record: dict[str, Any], sobject: str, fields: Sequence[str],
                 version: str) -> dict[str, Any]:
    out: dict[str, Any] = {"attributes": {
        "type": sobject, "url": f"/services/data/v{version}/sobjects/{sobject}/{record['Id']}"}}
    out.update(zip(fields, map(record.get, fields), strict=True))
    return out


def _page(state: _State, version: str, sobject: str, fields: tuple[str, ...],
          base: Sequence[dict[str, Any]], start: int, stop: int, offset: int, batch: int,
          locator: str | None) -> Response:
    first = start + offset
    last = min(stop, first + batch)
    head: dict[str, Any] = {"totalSize": stop - start, "done": last >= stop}
    if last < stop:
        head["nextRecordsUrl"] = f"/services/data/v{version}/query/{locator}-{last - start}"
    records = state.fragments.render(version, sobject, fields, base[first:last])
    body = _encode(head)[:-1] + ',"records":[' + records + "]}"
    return Response.raw_json(200, body.encode())
