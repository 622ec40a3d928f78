"""A local Slack incoming webhook: a real HTTP server on a free port that keeps what it receives."""

from __future__ import annotations

import json
import secrets
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class WebhookReceiver:
    """Answers like Slack (200 ``ok``, or ``status`` with a Slack-style reason) at a secret path."""

    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.secret = f"secret-{secrets.token_hex(8)}"
        self.received: list[dict[str, Any]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
                if self.path.endswith(receiver.secret):
                    receiver.received.append(json.loads(body))
                    status, reply = receiver.status, b"ok" if receiver.status == 200 else b"no_team"
                else:
                    status, reply = 404, b"no_service"
                self.send_response(status)
                self.send_header("Content-Type", "text/plain")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args: Any) -> None:
                """Quiet: the default writes request lines, the secret path included, to stderr."""

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/services/T0000/B0000/{self.secret}"

    def __enter__(self) -> WebhookReceiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()
