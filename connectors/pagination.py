"""Cursor pagination with a loop guard, shared by every API's paginator."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from itertools import islice
from typing import Any

from connectors.errors import PaginationLoopError

Page = dict[str, Any]


class CursorPaginator:
    """Follow an API's "next" cursor until it runs out, refusing to revisit a cursor.

    ``next_cursor`` reads the cursor out of a page (None on the last page); ``fetch`` gets the page
    for a cursor (None for the first page).
    """

    def __init__(self, api_name: str, next_cursor: Callable[[Page], str | None]) -> None:
        self.api_name = api_name
        self.next_cursor = next_cursor

    def pages(self, fetch: Callable[[str | None], Page]) -> Iterator[Page]:
        seen: set[str] = set()
        cursor: str | None = None
        while True:
            page = fetch(cursor)
            yield page
            cursor = self.next_cursor(page)
            if not cursor:
                return
            if cursor in seen:
                raise PaginationLoopError(
                    f"{self.api_name} returned cursor {cursor!r} twice; stopping to avoid a loop")
            seen.add(cursor)


def chunks(items: Iterable[Any], size: int) -> Iterator[list[Any]]:
    """``items`` in lists of ``size``, for batch endpoints (itertools.batched is Python 3.12+)."""
    iterator = iter(items)
    while chunk := list(islice(iterator, size)):
        yield chunk
