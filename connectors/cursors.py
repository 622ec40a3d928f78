"""Cursors: the position a caller commits together with the records it stored.

Clients keep no state. A read that has a position to commit is a generator that *returns* it
(``cursor = yield from client.changed_records(...)``); ``Checkpointed`` captures that return
value for callers that just iterate (a loader taking an iterable of records).
Cursors are canonical UTC text, ``YYYY-MM-DDTHH:MM:SS.fffZ``, which sorts as time does.
"""

from __future__ import annotations

import re
from collections.abc import Generator, Iterator
from datetime import UTC, datetime, timedelta
from typing import Generic, TypeVar

T = TypeVar("T")

Moment = str | datetime | int  # ISO-8601 text, an aware datetime, or epoch milliseconds
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_CANONICAL = re.compile(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z", re.ASCII)


def to_millis(moment: Moment) -> int:
    """Epoch milliseconds of an ISO-8601 string (``Z``, ``+00:00`` or ``+0000``), a datetime
    (naive means UTC) or epoch milliseconds (int or digit string)."""
    if isinstance(moment, int):
        return moment
    if isinstance(moment, str):
        if moment.isdigit():
            return int(moment)
        text = moment.replace("Z", "+00:00")
        if len(text) >= 5 and text[-5] in "+-" and text[-3] != ":":  # Salesforce's +0000
            text = f"{text[:-2]}:{text[-2:]}"
        moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    # integer arithmetic: a float timestamp x 1000 drops a millisecond for some instants
    return (moment - _EPOCH) // timedelta(milliseconds=1)


def canonical(moment: Moment) -> str:
    """``moment`` as canonical UTC text with milliseconds."""
    if isinstance(moment, str) and _CANONICAL.fullmatch(moment):
        # Already canonical, as HubSpot sends it: only check that it is a real time (this
        # runs once per landed record).
        datetime.fromisoformat(moment[:-1])
        return moment
    stamp = _EPOCH + timedelta(milliseconds=to_millis(moment))
    return stamp.strftime("%Y-%m-%dT%H:%M:%S.") + f"{stamp.microsecond // 1000:03d}Z"


class Checkpointed(Generic[T]):
    """Iterate a read's records; once they are exhausted, ``cursor`` is the position to commit.

    Reading ``cursor`` before the records are exhausted is an error: a position taken from a
    partial read could skip records.
    """

    def __init__(self, read: Generator[T, None, str | None]) -> None:
        self._read = read
        self._done = False
        self._cursor: str | None = None

    def __iter__(self) -> Iterator[T]:
        self._cursor = yield from self._read
        self._done = True

    @property
    def cursor(self) -> str | None:
        if not self._done:
            raise RuntimeError("the read has not finished: there is no cursor to commit yet")
        return self._cursor
