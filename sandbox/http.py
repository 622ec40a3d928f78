"""Transport for the sandbox: a threaded HTTP/1.1 server, request/response values and faults.

Each API (HubSpot, Salesforce, admin) is an object with ``matches(path)`` and
``handle(request) -> Response``; the server routes to the first that matches and applies
fault injection around API calls.
"""

from __future__ import annotations

import contextlib
import json
import logging
import random
import socket
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Protocol
from urllib.parse import parse_qs, urlsplit

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Request:
    method: str
    path: str
    query: dict[str, list[str]]
    headers: Mapping[str, str]  # keys lower-cased
    body: bytes
    base_url: str  # scheme://host:port the client used, for building absolute links

    def arg(self, name: str, default: str | None = None) -> str | None:
        values = self.query.get(name)
        return values[-1] if values else default

    def args(self, name: str) -> list[str]:
        """All values of a repeated or comma-separated query parameter."""
        out: list[str] = []
        for value in self.query.get(name, []):
            out.extend(part for part in value.split(",") if part)
        return out

    def json(self) -> Any:
        return json.loads(self.body or b"null")


@dataclass
class Response:
    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        body = json.dumps(payload, separators=(",", ":")).encode()
        return cls.raw_json(status, body, headers)

    @classmethod
    def raw_json(cls, status: int, body: bytes, headers: dict[str, str] | None = None) -> Response:
        """A response whose JSON body is already serialised (the fast path for pages)."""
        content_type = {"Content-Type": "application/json;charset=utf-8"}
        return cls(status, body, {**content_type, **(headers or {})})


class Api(Protocol):
    def matches(self, path: str) -> bool: ...

    def handle(self, request: Request) -> Response: ...

    def fault_response(self, status: int) -> Response:
        """The body this API sends for an injected 429/500/503."""
        ...


@dataclass
class FaultConfig:
    """Faults injected into API calls (never into ``/_sandbox`` admin calls). Off by default."""

    latency_ms: float = 0.0
    error_rate: float = 0.0  # share of calls answered 429, 500 or 503
    drop_rate: float = 0.0  # share of calls whose connection is closed without an answer
    timeout_rate: float = 0.0  # share of calls that hang for ``timeout_seconds`` before answering
    timeout_seconds: float = 5.0
    truncate_rate: float = 0.0  # share of calls whose body is cut in half
    seed: int = 0

    @property
    def active(self) -> bool:
        return any((self.latency_ms, self.error_rate, self.drop_rate, self.timeout_rate,
                    self.truncate_rate))


class FaultInjector:
    def __init__(self, config: FaultConfig) -> None:
        self.config = config
        self._random = random.Random(config.seed)
        self._lock = threading.Lock()

    def draw(self) -> str | None:
        """Pick the fault for the next call: error, drop, timeout, truncate or None."""
        c = self.config
        with self._lock:
            roll = self._random.random()
        for name, rate in (("error", c.error_rate), ("drop", c.drop_rate),
                           ("timeout", c.timeout_rate), ("truncate", c.truncate_rate)):
            if roll < rate:
                return name
            roll -= rate
        return None

    def error_status(self) -> int:
        with self._lock:
            return self._random.choice((429, 500, 503))


@dataclass(frozen=True)
class LoggedRequest:
    method: str
    path: str
    status: int  # 0: the connection was dropped without an answer


class RequestLog:
    """Every request the server answered (or dropped), in arrival order; thread-safe. Tests
    count calls with it, e.g. that a dry run sends no write."""

    def __init__(self) -> None:
        self._entries: list[LoggedRequest] = []
        self._lock = threading.Lock()

    def record(self, method: str, path: str, status: int) -> None:
        with self._lock:
            self._entries.append(LoggedRequest(method, path, status))

    def entries(self) -> list[LoggedRequest]:
        with self._lock:
            return list(self._entries)

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


class _DroppedError(Exception):
    """Close the connection without answering."""


class SandboxServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 128

    def __init__(self, address: tuple[str, int], apis: list[Api], faults: FaultInjector) -> None:
        super().__init__(address, _Handler)
        self.apis = apis
        self.faults = faults
        self.request_count = 0
        self.log = RequestLog()

    @property
    def url(self) -> str:
        host, port = self.server_address[:2]
        return f"http://{host}:{port}"

    def dispatch(self, request: Request) -> Response:
        for api in self.apis:
            if api.matches(request.path):
                return self._with_faults(api, request)
        return Response.json(404, {"status": "error", "message": f"No route for {request.path}"})

    def _with_faults(self, api: Api, request: Request) -> Response:
        if request.path.startswith("/_sandbox") or not self.faults.config.active:
            return api.handle(request)
        config = self.faults.config
        if config.latency_ms:
            time.sleep(config.latency_ms / 1000)
        fault = self.faults.draw()
        if fault == "error":
            return api.fault_response(self.faults.error_status())
        if fault == "drop":
            raise _DroppedError
        if fault == "timeout":
            time.sleep(config.timeout_seconds)
        response = api.handle(request)
        if fault == "truncate" and len(response.body) > 1:
            # Keep the promised Content-Length short too, as a proxy that cut the body would.
            response.body = response.body[: len(response.body) // 2]
        return response


class _Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    # Headers and body go out in two writes; with Nagle's algorithm the body waits for the
    # client's delayed ACK of the headers (~40 ms a response).
    disable_nagle_algorithm = True
    server: SandboxServer

    def log_message(self, format: str, *args: Any) -> None:
        return  # quiet: the sandbox serves thousands of pages a second

    def _serve(self) -> None:
        parts = urlsplit(self.path)
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or "{}:{}".format(*self.server.server_address[:2])
        request = Request(
            method=self.command,
            path=parts.path,
            query=parse_qs(parts.query, keep_blank_values=True),
            headers={k.lower(): v for k, v in self.headers.items()},
            body=body,
            base_url=f"http://{host}",
        )
        self.server.request_count += 1
        try:
            response = self.server.dispatch(request)
        except _DroppedError:
            self.server.log.record(request.method, request.path, 0)
            self.close_connection = True
            with contextlib.suppress(OSError):
                self.connection.shutdown(socket.SHUT_RDWR)
            return
        except Exception as exc:  # an API bug must answer 500, not kill the thread silently
            # The client sees only the body; whoever runs the sandbox sees the cause here.
            log.exception("sandbox error answering %s %s with HTTP 500", request.method,
                          request.path)
            response = Response.json(500, {"status": "error", "message": f"sandbox error: {exc!r}"})
        self.server.log.record(request.method, request.path, response.status)
        self.send_response(response.status)
        for name, value in response.headers.items():
            self.send_header(name, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        if self.command != "HEAD":
            self.wfile.write(response.body)

    do_GET = _serve  # noqa: N815 - BaseHTTPRequestHandler's naming
    do_POST = _serve  # noqa: N815
    do_PUT = _serve  # noqa: N815
    do_PATCH = _serve  # noqa: N815
    do_DELETE = _serve  # noqa: N815
    do_HEAD = _serve  # noqa: N815


def start_server(apis: list[Api], faults: FaultConfig | None = None, host: str = "127.0.0.1",
                 port: int = 0) -> tuple[SandboxServer, threading.Thread]:
    """Serve ``apis`` on a background thread; port 0 picks a free port."""
    server = SandboxServer((host, port), apis, FaultInjector(faults or FaultConfig()))
    # A short poll interval so shutdown (every test stops a sandbox) returns quickly.
    thread = threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.05},
                              name="sandbox-http", daemon=True)
    thread.start()
    return server, thread
