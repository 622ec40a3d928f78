"""Cursors: the position a caller commits together with the records it stored.

Clients keep no state. A read that has a position to commit is a generator that *returns* it
(``cursor = yield from client.changed_records(...)``); ``Checkpointed`` captures that return
value for callers that just iterate (a loader taking an iterable of records).
Cursors are canonical UTC text, ``YYYY-MM-DDTHH:MM:SS.fffZ``, which sorts as time does.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from datetime import UTC, datetime
from typing import Generic, TypeVar

T = TypeVar("T")

Moment = str | datetime | int  # ISO-8601 text, an aware datetime, or epoch milliseconds


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
    return int(moment.timestamp() * 1000)


def canonical(moment: Moment) -> str:
    """``moment`` as canonical UTC text with milliseconds."""
    stamp = datetime.fromtimestamp(to_millis(moment) / 1000, tz=UTC)
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
