"""POST /crm/v3/objects/{object}/search: filters, sorts, free-text query and the matching order.

Cursor-style windows (range filters on the last-modified date and/or ``hs_object_id``, sorted
by one of them, or unsorted) are answered by bisecting the table's sorted arrays. Anything else
falls back to a scan whose result is cached, so paging through it scans once.
"""

from __future__ import annotations

import fnmatch
import json
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sandbox.hubspot_errors import invalid
from sandbox.hubspot_records import LASTMODIFIED, QUERY_PROPERTIES, ObjectTable, spread, to_millis

MAX_GROUPS, MAX_FILTERS_PER_GROUP, MAX_FILTERS = 5, 6, 18  # search guide, "Limits"
OPERATORS = {"EQ", "NEQ", "LT", "LTE", "GT", "GTE", "BETWEEN", "IN", "NOT_IN", "HAS_PROPERTY",
             "NOT_HAS_PROPERTY", "CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"}
_RANGE_OPERATORS = {"EQ", "LT", "LTE", "GT", "GTE", "BETWEEN"}
_CACHED_QUERIES = 16


@dataclass(frozen=True)
class Filter:
    prop: str
    operator: str
    value: Any = None
    high: Any = None
    values: tuple[Any, ...] = ()


@dataclass(frozen=True)
class Query:
    groups: tuple[tuple[Filter, ...], ...]  # OR of groups, AND within a group
    sort: tuple[str, bool] | None  # (property, descending)
    text: str | None

    @classmethod
    def parse(cls, body: dict[str, Any]) -> Query:
        raw_groups = body.get("filterGroups") or []
        if len(raw_groups) > MAX_GROUPS:
            raise invalid(f"Too many filter groups ({len(raw_groups)}). The limit is {MAX_GROUPS}.")
        groups = tuple(tuple(_parse_filter(f) for f in g.get("filters") or []) for g in raw_groups)
        if any(len(g) > MAX_FILTERS_PER_GROUP for g in groups):
            raise invalid(f"Too many filters in a group. The limit is {MAX_FILTERS_PER_GROUP}.")
        if sum(len(g) for g in groups) > MAX_FILTERS:
            raise invalid(f"Too many filters. The limit is {MAX_FILTERS}.")
        sorts = body.get("sorts") or []
        # Only the first sort applies (search guide); both the SDK's string form
        # ("-createdate" = descending) and the documented object form are accepted.
        sort = _parse_sort(sorts[0]) if sorts else None
        return cls(tuple(g for g in groups if g), sort, body.get("query") or None)


def _parse_filter(raw: dict[str, Any]) -> Filter:
    operator = raw.get("operator")
    if operator not in OPERATORS or not raw.get("propertyName"):
        raise invalid(f"Invalid filter: {json.dumps(raw)}")
    return Filter(raw["propertyName"], operator, raw.get("value"), raw.get("highValue"),
                  tuple(raw.get("values") or ()))


def _parse_sort(raw: Any) -> tuple[str, bool]:
    if isinstance(raw, str):
        return raw.lstrip("-"), raw.startswith("-")
    if not isinstance(raw, dict) or not raw.get("propertyName"):
        raise invalid(f"Invalid sort: {json.dumps(raw)}")
    return raw["propertyName"], str(raw.get("direction", "ASCENDING")).upper() == "DESCENDING"


@dataclass(frozen=True)
class IndexLag:
    """How long a change takes to reach the search index. Each change (record id and its
    last-modified time) draws its own delay from a log-logistic distribution around
    ``median_seconds`` (shape 1.2: one in a hundred takes ~45 times the median), never longer
    than ``max_seconds``. Until then search does not find the record; reads by id do."""

    median_seconds: float = 5.0
    max_seconds: float = 600.0

    def delays_ms(self, ids: np.ndarray, lastmod: np.ndarray) -> np.ndarray:
        draw = spread(spread(ids) ^ lastmod.astype(np.uint64))
        u = ((draw >> np.uint64(11)).astype(np.float64) + 0.5) / 2.0 ** 53
        seconds = self.median_seconds * (u / (1 - u)) ** (1 / 1.2)
        return (np.minimum(seconds, self.max_seconds) * 1000).astype(np.int64)

    def unindexed(self, table: ObjectTable, clock_ms: int) -> np.ndarray:
        """Positions (in id order) of the active records search cannot see yet at ``clock_ms``."""
        recent = np.flatnonzero(table.lastmod > clock_ms - self.max_seconds * 1000)
        delays = self.delays_ms(table.active.ids[recent], table.lastmod[recent])
        return recent[table.lastmod[recent] + delays > clock_ms]


class Searcher:
    """Resolves queries to ordered positions in a table's active records (those the index holds:
    ``unindexed`` positions are left out)."""

    def __init__(self, table: ObjectTable, unindexed: np.ndarray | None = None) -> None:
        self.table = table
        self._indexed: np.ndarray | None = None
        if unindexed is not None and len(unindexed):
            self._indexed = np.ones(len(table.active.records), dtype=bool)
            self._indexed[unindexed] = False
        self._cache: OrderedDict[Any, Any] = OrderedDict()
        self._lock = threading.Lock()

    def matches(self, query: Query) -> Sequence[int]:
        window = self._window(query)
        found = window if window is not None else self._cached(query, lambda: self._scan(query))
        if self._indexed is None:
            return found
        found = np.asarray(found, dtype=np.int64)
        return found[self._indexed[found]]

    def _cached(self, key: Any, compute: Callable[[], Any]) -> Any:
        with self._lock:
            if key in self._cache:
                self._cache.move_to_end(key)
                return self._cache[key]
        found = compute()
        with self._lock:
            self._cache[key] = found
            if len(self._cache) > _CACHED_QUERIES:
                self._cache.popitem(last=False)
        return found

    # -- fast paths ---------------------------------------------------------------------------

    def _plan(self, query: Query) -> tuple[str, bool, list[Filter], list[Filter]] | None:
        """(order, descending, filters on the order's key, filters on the other key) for cursor
        windows."""
        lastmod = LASTMODIFIED[self.table.object_type]
        keys = {lastmod: "lastmod", "hs_object_id": "id"}
        if query.text or len(query.groups) > 1:
            return None
        filters = list(query.groups[0]) if query.groups else []
        if any(f.prop not in keys or f.operator not in _RANGE_OPERATORS for f in filters):
            return None
        if query.sort is None:
            order, descending = "id", False
        elif query.sort[0] in keys:
            order, descending = keys[query.sort[0]], query.sort[1]
        else:
            return None
        own = [f for f in filters if keys[f.prop] == order]
        return order, descending, own, [f for f in filters if keys[f.prop] != order]

    def _window(self, query: Query) -> Sequence[int] | None:
        """A cursor window by bisecting the sorted keys: O(log n) for a keyset page by id.

        Filters on the other key are a mask over the whole table, kept while the same filters
        keep coming (a sync repeats them on every page), so only the bisection is per query.
        """
        plan = self._plan(query)
        if plan is None:
            return None
        order, descending, own, other = plan
        if descending:
            # Ties in the sort key keep id order, as the scan's stable sort does.
            return self._cached(query, lambda: self._descending(order, own, other))
        return self._ascending(order, own, other)

    def _ascending(self, order: str, own: list[Filter], other: list[Filter]) -> Sequence[int]:
        t = self.table
        keys = t.active.ids if order == "id" else t.lm_sorted
        lo, hi = _bounds(keys, own)
        if other:
            others = t.lastmod if order == "id" else t.ids_by_lm
            kept = self._cached((order, tuple(other)),
                                lambda: np.flatnonzero(_mask(others, other)))
            window = kept[np.searchsorted(kept, lo):np.searchsorted(kept, hi)]
            return window if order == "id" else t.lm_order[window]
        return range(lo, hi) if order == "id" else t.lm_order[lo:hi]

    def _descending(self, order: str, own: list[Filter], other: list[Filter]) -> Sequence[int]:
        ascending = np.asarray(self._ascending(order, own, other), dtype=np.int64)
        if order == "id":
            return ascending[::-1]
        return ascending[np.argsort(-self.table.lastmod[ascending], kind="stable")]

    # -- generic scan -------------------------------------------------------------------------

    def _scan(self, query: Query) -> list[int]:
        records = self.table.active.records
        tests = [[self._test(f) for f in group] for group in query.groups]
        text = query.text.lower() if query.text else None
        searched = QUERY_PROPERTIES[self.table.object_type]
        found = []
        for pos, record in enumerate(records):
            props = record.get("properties", {})
            if tests and not any(all(test(props) for test in group) for group in tests):
                continue
            if text and not any(text in str(props.get(p) or "").lower() for p in searched):
                continue
            found.append(pos)
        if query.sort is not None:
            prop, descending = query.sort
            key = self._key(prop)
            present = [p for p in found if key(records[p]["properties"].get(prop)) is not None]
            missing = [p for p in found if key(records[p]["properties"].get(prop)) is None]
            # Stable sort keeps id order among ties; records without the value come last.
            present.sort(key=lambda p: key(records[p]["properties"].get(prop)), reverse=descending)
            found = present + missing
        return found

    def _key(self, prop: str) -> Callable[[Any], Any]:
        kind = self.table.types.get(prop, "string")
        if kind in ("datetime", "date"):
            return to_millis
        if kind == "number":
            return _number
        if kind == "enumeration":  # enumerations compare case-sensitively (search guide)
            return lambda v: None if v in (None, "") else str(v)
        return lambda v: None if v in (None, "") else str(v).lower()

    def _test(self, f: Filter) -> Callable[[dict[str, Any]], bool]:
        key = self._key(f.prop)
        prop, op = f.prop, f.operator
        if op == "HAS_PROPERTY":
            return lambda props: props.get(prop) not in (None, "")
        if op == "NOT_HAS_PROPERTY":
            return lambda props: props.get(prop) in (None, "")
        if op in ("IN", "NOT_IN"):
            wanted = {key(v) for v in f.values}
            if op == "IN":
                return lambda props: key(props.get(prop)) in wanted
            return lambda props: key(props.get(prop)) not in wanted
        if op in ("CONTAINS_TOKEN", "NOT_CONTAINS_TOKEN"):
            pattern = str(f.value or "").lower()
            pattern = pattern if "*" in pattern else f"*{pattern}*"
            negate = op == "NOT_CONTAINS_TOKEN"

            def contains(props: dict[str, Any]) -> bool:
                return negate != fnmatch.fnmatchcase(str(props.get(prop) or "").lower(), pattern)
            return contains
        target, high = key(f.value), key(f.high)
        if target is None:
            raise invalid(f"Invalid value for {prop}: {f.value!r}")
        compare = {
            "EQ": lambda v: v == target, "NEQ": lambda v: v != target,
            "LT": lambda v: v is not None and v < target,
            "LTE": lambda v: v is not None and v <= target,
            "GT": lambda v: v is not None and v > target,
            "GTE": lambda v: v is not None and v >= target,
            "BETWEEN": lambda v: v is not None and high is not None and target <= v <= high,
        }[op]
        return lambda props: compare(key(props.get(prop)))


def _number(value: Any) -> float | None:
    try:
        return None if value in (None, "") else float(value)
    except (TypeError, ValueError):
        return None


def _filter_range(f: Filter) -> tuple[int | None, bool, int | None, bool]:
    """(low, low inclusive, high, high inclusive) of a range filter on an integer key."""
    value = to_millis(f.value)
    if value is None:
        raise invalid(f"Invalid value for {f.prop}: {f.value!r}")
    if f.operator == "BETWEEN":
        return value, True, to_millis(f.high), True
    return {"EQ": (value, True, value, True), "GT": (value, False, None, True),
            "GTE": (value, True, None, True), "LT": (None, True, value, False),
            "LTE": (None, True, value, True)}[f.operator]


def _bounds(keys: np.ndarray, filters: list[Filter]) -> tuple[int, int]:
    lo, hi = 0, len(keys)
    for f in filters:
        low, low_inc, high, high_inc = _filter_range(f)
        if low is not None:
            lo = max(lo, int(np.searchsorted(keys, low, "left" if low_inc else "right")))
        if high is not None:
            hi = min(hi, int(np.searchsorted(keys, high, "right" if high_inc else "left")))
    return lo, max(lo, hi)


def _mask(values: np.ndarray, filters: list[Filter]) -> np.ndarray:
    keep = np.ones(len(values), dtype=bool)
    for f in filters:
        low, low_inc, high, high_inc = _filter_range(f)
        if low is not None:
            keep &= values >= low if low_inc else values > low
        if high is not None:
            keep &= values <= high if high_inc else values < high
    return keep
