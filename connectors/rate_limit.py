"""Client-side rate limiting: stay under an API's documented window instead of hitting 429s."""

from __future__ import annotations

import threading
import time
from collections import deque


class SlidingWindowLimiter:
    """At most ``max_calls`` calls in any ``window_seconds``; ``acquire`` blocks until allowed.

    A sliding log (not a token bucket) because HubSpot counts calls in a rolling window.
    """

    def __init__(self, max_calls: int, window_seconds: float) -> None:
        if max_calls < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs max_calls >= 1 and window_seconds > 0")
        self.max_calls = max_calls
        self.window_seconds = window_seconds
        self._calls: deque[float] = deque()
        self._lock = threading.Lock()

    def acquire(self) -> None:
        while True:
            with self._lock:
                now = time.monotonic()
                while self._calls and now - self._calls[0] >= self.window_seconds:
                    self._calls.popleft()
                if len(self._calls) < self.max_calls:
                    self._calls.append(now)
                    return
                wait = self.window_seconds - (now - self._calls[0])
            time.sleep(max(wait, 0.001))
