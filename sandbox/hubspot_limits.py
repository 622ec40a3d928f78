"""HubSpot's rate limits: a rolling 10-second window per token, the search endpoints' own
per-second limit (search is exempt from the 10-second window and sends no rate-limit headers),
and the portal's daily allowance, which every call spends and which resets at midnight.
"""

from __future__ import annotations

import threading
import time
from collections import defaultdict, deque

from sandbox.http import Response
from sandbox.hubspot_errors import rate_limited


class RateLimiter:
    def __init__(self, window_limit: int | None, window_seconds: float,
                 search_per_second: int | None, daily_limit: int | None = None) -> None:
        self.window_limit = window_limit
        self.window_seconds = window_seconds
        self.search_per_second = search_per_second
        self.daily_limit = daily_limit
        self._window: defaultdict[str, deque[float]] = defaultdict(deque)
        self._search: defaultdict[str, deque[float]] = defaultdict(deque)
        self._daily: dict[str, tuple[str, int]] = {}  # token -> (day, calls that day)
        self._lock = threading.Lock()

    def admit(self, token: str, search: bool,
              day: str = "") -> tuple[Response | None, dict[str, str]]:
        """(a 429 to send instead, or None; rate-limit headers for the answer).

        ``day`` is the portal's current date: the daily count starts again when it changes.
        """
        headers: dict[str, str] = {}
        if self.daily_limit is not None:
            admitted, used = self._spend_day(token, day)
            if not search:
                headers = {"X-HubSpot-RateLimit-Daily": str(self.daily_limit),
                           "X-HubSpot-RateLimit-Daily-Remaining":
                               str(max(0, self.daily_limit - used))}
            if not admitted:
                return rate_limited("DAILY", headers), headers
        if search:
            if self.search_per_second is None:
                return None, headers
            admitted, _ = self._take(self._search, token, self.search_per_second, 1.0)
            return (None if admitted else rate_limited("SECONDLY")), headers
        if self.window_limit is None:
            return None, headers
        admitted, used = self._take(self._window, token, self.window_limit,
                                    self.window_seconds)
        headers.update({
            "X-HubSpot-RateLimit-Interval-Milliseconds": str(int(self.window_seconds * 1000)),
            "X-HubSpot-RateLimit-Max": str(self.window_limit),
            "X-HubSpot-RateLimit-Remaining": str(max(0, self.window_limit - used)),
        })
        if not admitted:
            return rate_limited("TEN_SECONDLY_ROLLING", headers), headers
        return None, headers

    def _spend_day(self, token: str, day: str) -> tuple[bool, int]:
        """Count a call against the day's allowance unless it is spent: (admitted, used)."""
        assert self.daily_limit is not None
        with self._lock:
            counted_day, used = self._daily.get(token, (day, 0))
            if counted_day != day:
                used = 0
            if used >= self.daily_limit:
                self._daily[token] = (day, used)
                return False, used
            self._daily[token] = (day, used + 1)
            return True, used + 1

    def _take(self, windows: defaultdict[str, deque[float]], token: str, limit: int,
              seconds: float) -> tuple[bool, int]:
        """Count a call in a rolling window unless it is full: (admitted, calls in the window)."""
        now = time.monotonic()
        with self._lock:
            queue = windows[token]
            while queue and queue[0] <= now - seconds:
                queue.popleft()
            if len(queue) >= limit:
                return False, len(queue)
            queue.append(now)
            return True, len(queue)
