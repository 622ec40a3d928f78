"""Marketing engagement endpoints: forms, form submissions and the legacy email events log."""

from __future__ import annotations

import bisect
import threading
from collections import OrderedDict
from collections.abc import Sequence
from typing import Any

from sandbox.http import Request, Response
from sandbox.hubspot_errors import invalid, not_found
from sandbox.hubspot_records import to_millis

SUBMISSIONS_DEFAULT_LIMIT, SUBMISSIONS_MAX_LIMIT = 20, 50
FORMS_DEFAULT_LIMIT, FORMS_MAX_LIMIT = 20, 100
EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT = 100, 1000


def int_arg(request: Request, name: str, default: int, maximum: int) -> int:
    """A positive integer query parameter, capped at `maximum` as HubSpot caps page sizes."""
    raw = request.arg(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid(f"Invalid value for {name}: {raw!r}") from None
    if value < 1:
        raise invalid(f"Invalid value for {name}: {raw!r}")
    return min(value, maximum)


def offset_arg(request: Request, name: str) -> int:
    raw = request.arg(name) or "0"
    if not raw.isdigit():
        raise invalid(f"Invalid value for {name}: {raw!r}")
    return int(raw)


def paged(request: Request, items: Sequence[Any], start: int, limit: int) -> dict[str, Any]:
    """`results` + `paging.next` (absent on the last page) over an offset cursor."""
    body: dict[str, Any] = {"results": list(items[start:start + limit])}
    if start + limit < len(items):
        body["paging"] = {"next": {"after": str(start + limit),
                                   "link": next_link(request, str(start + limit))}}
    return body


def next_link(request: Request, after: str) -> str:
    query = "&".join(f"{k}={v}" for k, values in request.query.items() if k != "after"
                     for v in values)
    return f"{request.base_url}{request.path}?{query + '&' if query else ''}after={after}"


class Marketing:
    """Forms, submissions (newest first) and email events (newest first) of one world."""

    def __init__(self, hubspot: dict[str, Any]) -> None:
        self.forms: list[dict[str, Any]] = list(hubspot.get("forms", []))
        self.submissions = {form_id: sorted(items, key=lambda s: -s.get("submittedAt", 0))
                            for form_id, items in hubspot.get("form_submissions", {}).items()}
        self.events = sorted(hubspot.get("email_events", []), key=lambda e: -e.get("created", 0))
        self._event_keys = [-e.get("created", 0) for e in self.events]  # ascending, for bisect
        self._filtered_cache: OrderedDict[tuple[Any, ...], list[dict[str, Any]]] = OrderedDict()
        self._lock = threading.Lock()

    def list_forms(self, request: Request) -> Response:
        archived = (request.arg("archived") or "false").lower() == "true"
        # The spec's formTypes filter; without it only regular HubSpot forms are listed.
        types = set(request.args("formTypes")) or {"hubspot"}
        forms = [f for f in self.forms if bool(f.get("archived")) == archived
                 and ("all" in types or f.get("formType", "hubspot") in types)]
        limit = int_arg(request, "limit", FORMS_DEFAULT_LIMIT, FORMS_MAX_LIMIT)
        return Response.json(200, paged(request, forms, offset_arg(request, "after"), limit))

    def get_form(self, form_id: str) -> Response:
        for form in self.forms:
            if form.get("id") == form_id:
                return Response.json(200, form)
        raise not_found()

    def list_submissions(self, request: Request, form_id: str) -> Response:
        if form_id not in self.submissions and all(f.get("id") != form_id for f in self.forms):
            raise not_found()
        items = self.submissions.get(form_id, [])
        limit = int_arg(request, "limit", SUBMISSIONS_DEFAULT_LIMIT, SUBMISSIONS_MAX_LIMIT)
        return Response.json(200, paged(request, items, offset_arg(request, "after"), limit))

    def list_events(self, request: Request) -> Response:
        start, end = (to_millis(request.arg("startTimestamp")),
                      to_millis(request.arg("endTimestamp")))
        # Events are kept newest first, so the time range is a slice of the negated keys.
        lo = 0 if end is None else bisect.bisect_left(self._event_keys, -end)
        hi = len(self.events) if start is None else bisect.bisect_right(self._event_keys, -start)
        checks = tuple((field, value.lower()) for field, value in
                       (("type", request.arg("eventType")), ("recipient", request.arg("recipient")),
                        ("emailCampaignId", request.arg("campaignId")),
                        ("appId", request.arg("appId"))) if value)
        events = self._filtered(lo, hi, checks) if checks else _Window(self.events, lo, hi)
        offset = offset_arg(request, "offset")
        limit = int_arg(request, "limit", EVENTS_DEFAULT_LIMIT, EVENTS_MAX_LIMIT)
        page = events[offset:offset + limit]
        return Response.json(200, {"events": page, "hasMore": offset + limit < len(events),
                                   "offset": str(offset + len(page))})

    def _filtered(self, lo: int, hi: int, checks: tuple[tuple[str, str], ...]
                  ) -> list[dict[str, Any]]:
        """Events of a time range that pass the filters, cached so paging scans once."""
        key = (lo, hi, checks)
        with self._lock:
            if key in self._filtered_cache:
                return self._filtered_cache[key]
        found = [e for e in self.events[lo:hi]
                 if all(str(e.get(field, "")).lower() == value for field, value in checks)]
        with self._lock:
            self._filtered_cache[key] = found
            if len(self._filtered_cache) > 8:
                self._filtered_cache.popitem(last=False)
        return found


class _Window(Sequence[Any]):
    """items[lo:hi] without copying: unfiltered paging must not cost a copy of the range."""

    def __init__(self, items: list[Any], lo: int, hi: int) -> None:
        self.items, self.lo, self.hi = items, lo, hi

    def __len__(self) -> int:
        return self.hi - self.lo

    def __getitem__(self, index: Any) -> Any:
        if isinstance(index, slice):
            start, stop, _ = index.indices(len(self))
            return self.items[self.lo + start:self.lo + stop]
        return self.items[self.lo + index]
