"""The one place for transport policy: timeouts, retries with back-off, rate limits, redaction.

Every client builds its ``requests`` session here, so all APIs behave the same under faults.
"""

from __future__ import annotations

import json
import logging
import random
import time
from contextlib import nullcontext
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

import orjson
import requests

from connectors.errors import ApiError
from connectors.rate_limit import SlidingWindowLimiter
from connectors.redaction import protect_logs, redact

log = logging.getLogger(__name__)

RETRYABLE_STATUSES = frozenset({429, 500, 502, 503, 504})
_TRANSPORT_ERRORS = (requests.ConnectionError, requests.Timeout,
                     requests.exceptions.ChunkedEncodingError)


@dataclass(frozen=True)
class RetryPolicy:
    max_attempts: int = 6
    backoff_base_seconds: float = 0.5
    backoff_cap_seconds: float = 30.0

    def delay(self, attempt: int) -> float:
        """Exponential back-off with full jitter (attempt counts from 1)."""
        ceiling = min(self.backoff_cap_seconds, self.backoff_base_seconds * 2 ** (attempt - 1))
        return random.uniform(0, ceiling)


@dataclass
class SessionStats:
    calls: int = 0
    retries: int = 0
    throttled: int = 0  # 429 answers: in steady state this should stay 0


class CallPolicy:
    """An API's own rules around each call; this base class paces nothing and reads nothing.

    Subclasses pick the limiter that paces a call (an API may have several windows), refuse a
    call that would overspend a quota, and read usage from each answer.
    """

    def limiter(self, method: str, url: str) -> SlidingWindowLimiter | None:
        return None

    def before_call(self, method: str, url: str) -> None:
        """Raise (e.g. ``QuotaExhaustedError``) to stop before the call is sent."""

    def after_call(self, response: requests.Response) -> float | None:
        """Read usage headers; raise if retrying cannot help (a daily limit); for a throttled
        answer, return how long the API asks us to wait when it says so in its own words."""
        return None

    def retryable(self, response: requests.Response) -> str | None:
        """What makes an answer the generic checks pass worth retrying, in this API's own terms
        (Salesforce throttles with 403; a body shorter than the API says it sent), else None."""
        return None


class FixedRateLimit(CallPolicy):
    """One limiter for every call of an API."""

    def __init__(self, max_calls: int, window_seconds: float) -> None:
        self._limiter = SlidingWindowLimiter(max_calls, window_seconds)

    def limiter(self, method: str, url: str) -> SlidingWindowLimiter | None:
        return self._limiter


class ApiSession(requests.Session):
    """A ``requests.Session`` that retries what retrying can fix and raises ``ApiError`` otherwise.

    A response counts as good only when its body parses as JSON (when it claims to be JSON), so a
    body cut short in transit is retried like a dropped connection.
    """

    def __init__(self, api_name: str, *, timeout: float, retry: RetryPolicy,
                 policy: CallPolicy | None = None, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.api_name = api_name
        self.timeout = timeout
        self.retry = retry
        self.policy = policy or CallPolicy()
        self.secrets = secrets
        self.stats = SessionStats()
        self.headers["User-Agent"] = "samepage/0.1 (+https://github.com/samepage)"
        self._environment: dict[tuple[str, str], dict[str, Any]] = {}

    def request(self, method: str | bytes, url: str | bytes, *args: Any,
                **kwargs: Any) -> requests.Response:
        kwargs.setdefault("timeout", self.timeout)
        method, url = str(method), str(url)
        status = 0
        for attempt in range(1, self.retry.max_attempts + 1):
            self.policy.before_call(method, url)
            limiter = self.policy.limiter(method, url)
            self.stats.calls += 1
            try:
                with limiter.slot() if limiter is not None else nullcontext():
                    response = super().request(method, url, *args, **kwargs)
            except _TRANSPORT_ERRORS as exc:
                # The type only: messages of connection errors repeat the full URL.
                problem = f"{type(exc).__name__}"
                retry_after = None
                answer = ""
            else:
                status = response.status_code
                hint = self.policy.after_call(response)
                problem, retry_after = self._problem(response)
                if problem is None:
                    problem = self.policy.retryable(response)
                if status == 429:
                    self.stats.throttled += 1
                if retry_after is None:
                    retry_after = hint
                if problem is None:
                    # Success, or an error retrying cannot fix: the caller turns that into an
                    # ApiError carrying the API's own message.
                    return response
                answer = _answer_excerpt(response, self.secrets)
            if attempt == self.retry.max_attempts:
                raise ApiError(self.api_name, status,
                               f"gave up after {attempt} attempts: {problem}{answer}",
                               _safe_url(url))
            delay = retry_after if retry_after is not None else self.retry.delay(attempt)
            self.stats.retries += 1
            log.warning("%s %s %s: %s; retry %d in %.2fs", self.api_name, method,
                        _safe_url(url), redact(problem, self.secrets), attempt, delay)
            time.sleep(delay)
        raise AssertionError("unreachable")

    def merge_environment_settings(self, url: str, proxies: Any, stream: Any, verify: Any,
                                   cert: Any) -> dict[str, Any]:
        """requests' own merge, done once per host instead of on every call.

        ``HTTP(S)_PROXY``, ``NO_PROXY`` and ``REQUESTS_CA_BUNDLE`` are honoured as requests
        honours them, read at a host's first call: scanning ``os.environ`` on every call cost
        ~7% of a sync's CPU. A call passing its own proxies, verify, cert or stream is merged
        afresh.
        """
        if proxies or stream is not None or verify is not None or cert is not None:
            return super().merge_environment_settings(url, proxies, stream, verify, cert)
        host = urlsplit(url)[:2]
        settings = self._environment.get(host)
        if settings is None:
            settings = super().merge_environment_settings(url, {}, None, None, None)
            self._environment[host] = settings
        return {**settings, "proxies": dict(settings["proxies"])}

    @staticmethod
    def _problem(response: requests.Response) -> tuple[str | None, float | None]:
        """What is wrong that retrying may fix, and how long the API asks us to wait."""
        if response.status_code in RETRYABLE_STATUSES:
            retry_after = response.headers.get("Retry-After")
            try:
                seconds = float(retry_after) if retry_after else None
            except ValueError:  # an HTTP-date: fall back to our own back-off
                seconds = None
            return f"HTTP {response.status_code}", seconds
        if response.ok and "json" in response.headers.get("Content-Type", ""):
            try:
                body = _decode(response.content)
            except ValueError:
                return "unparsable JSON body (truncated in transit?)", None
            # Decode once: the caller's .json() gets the body this check already parsed.
            response.json = lambda **_: body  # type: ignore[method-assign]
        return None, None


def _decode(body: bytes) -> Any:
    """JSON as the standard library reads it, parsed by orjson (several times faster) unless
    orjson refuses what the standard library accepts (a BOM, NaN, a lone surrogate)."""
    try:
        return orjson.loads(body)
    except orjson.JSONDecodeError:
        return json.loads(body)


def _answer_excerpt(response: requests.Response, secrets: tuple[str, ...]) -> str:
    """The start of an error body, redacted: a 500's cause is often only in its body. Empty for
    a 2xx (a body cut in transit): that would be record data, not an explanation."""
    if response.ok:
        return ""
    text = " ".join(response.content[:400].decode("utf-8", "replace").split())
    return f"; the answer began: {redact(text, secrets)[:200]}" if text else ""


def _safe_url(url: str) -> str:
    """The URL without its query string: queries can be long and may hold identifiers."""
    return url.split("?", 1)[0]


def build_session(api_name: str, *, timeout: float = 30.0, retry: RetryPolicy | None = None,
                  rate_limit: tuple[int, float] | None = None, policy: CallPolicy | None = None,
                  secrets: tuple[str, ...] = ()) -> ApiSession:
    """A session for one API.

    ``rate_limit`` is (max calls, per seconds) for one plain limiter; ``policy`` replaces it with
    an API's own rules (several limiters, quota guards). ``secrets`` are redacted from our logs
    and urllib3's.
    """
    if policy is None and rate_limit is not None:
        policy = FixedRateLimit(*rate_limit)
    protect_logs(secrets, (__name__, "urllib3.connectionpool"))
    return ApiSession(api_name, timeout=timeout, retry=retry or RetryPolicy(), policy=policy,
                      secrets=secrets)


def raise_for_api_error(api_name: str, response: requests.Response, message: str) -> None:
    """Raise ``ApiError`` with the API's own message for a non-2xx response."""
    if not response.ok:
        raise ApiError(api_name, response.status_code, message, _safe_url(response.url))
