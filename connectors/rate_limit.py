"""Client-side rate limiting: stay under an API's documented window instead of hitting 429s."""

from __future__ import annotations

import math
import threading
import time
from collections import deque
from collections.abc import Iterator
from contextlib import contextmanager


class SlidingWindowLimiter:
    """At most ``max_calls`` calls in any ``window_seconds``; ``slot`` blocks until allowed.

    A sliding log (not a token bucket) because HubSpot counts calls in a rolling window. A call
    occupies its place in the log from when it is sent until ``window_seconds`` after its answer
    arrived: the server counted it at some moment in between, so timing it by its answer can
    never undercount (timing it by its send could, when one call is slower than the next). The
    cost is one round trip per window, well under 1% of a 10-second window.
    """

    def __init__(self, max_calls: int, window_seconds: float) -> None:
        if max_calls < 1 or window_seconds <= 0:
            raise ValueError("a rate limit needs max_calls >= 1 and window_seconds > 0")
        self.max_calls = max_calls
        self.window_seconds = window_seconds
        # Each entry is [answered at]; math.inf while the call is in flight.
        self._calls: deque[list[float]] = deque()
        self._lock = threading.Lock()

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Wait for room in the window, then hold a place in it for the call made inside."""
        entry = self._reserve()
        try:
            yield
        finally:
            with self._lock:
                entry[0] = time.monotonic()

    def adapt(self, max_calls: int, window_seconds: float, remaining: int) -> None:
        """Take the limit the server reports, and count calls it saw that we did not make.

        ``remaining`` is the server's count after our last call. Calls it counted beyond ours come
        from another client on the same credentials; they are logged as made just now (the
        latest they can have been), so the window stays shared instead of overrun.
        """
        with self._lock:
            self.max_calls = max(1, max_calls)
            self.window_seconds = window_seconds
            now = time.monotonic()
            self._expire(now)
            foreign = (max_calls - remaining) - len(self._calls)
            self._calls.extend([now] for _ in range(max(0, foreign)))

    def _reserve(self) -> list[float]:
        while True:
            with self._lock:
                now = time.monotonic()
                self._expire(now)
                if len(self._calls) < self.max_calls:
                    entry = [math.inf]
                    self._calls.append(entry)
                    return entry
                oldest = self._calls[0][0]
                wait = self.window_seconds - (now - oldest) if oldest != math.inf else 0.01
            time.sleep(max(wait, 0.001))

    def _expire(self, now: float) -> None:
        # Only from the left: an entry answered early behind a slower one stays a little longer,
        # which errs on the safe side.
        while self._calls and now - self._calls[0][0] >= self.window_seconds:
            self._calls.popleft()
