"""Admin endpoints under ``/_sandbox``: health, advancing the world, and faults at run time.

Never rate-limited or faulted, so a test can always steer the sandbox.
"""

from __future__ import annotations

from dataclasses import asdict, fields
from typing import TYPE_CHECKING

from sandbox.http import FaultConfig, Request, Response

if TYPE_CHECKING:
    from sandbox.app import Sandbox

PREFIX = "/_sandbox"


class AdminApi:
    def __init__(self, sandbox: Sandbox) -> None:
        self.sandbox = sandbox

    def matches(self, path: str) -> bool:
        return path.startswith(PREFIX)

    def fault_response(self, status: int) -> Response:
        return Response.json(status, {"error": "injected"})

    def handle(self, request: Request) -> Response:
        route = request.path[len(PREFIX):]
        if route == "/health" and request.method == "GET":
            return Response.json(200, {"status": "ok", "clock": self.sandbox.world.clock})
        if route == "/advance" and request.method == "POST":
            try:
                days = float(request.arg("days", "1") or "1")
            except ValueError:
                return Response.json(400, {"error": "days must be a number"})
            if self.sandbox.world.generator is None:
                return Response.json(409, {"error": "only a generated world can be advanced"})
            world = self.sandbox.advance(days)
            return Response.json(200, {"clock": world.clock})
        if route == "/faults" and request.method in ("GET", "PUT"):
            return self._faults(request)
        return Response.json(404, {"error": f"no admin route {request.method} {request.path}"})

    def _faults(self, request: Request) -> Response:
        if request.method == "PUT":
            changes = request.json() or {}
            unknown = set(changes) - {f.name for f in fields(FaultConfig)}
            if unknown:
                return Response.json(400, {"error": f"unknown fault settings: {sorted(unknown)}"})
            current = asdict(self.sandbox.faults)
            self.sandbox.set_faults(FaultConfig(**{
                name: type(current[name])(value) for name, value in {**current, **changes}.items()
            }))
        return Response.json(200, asdict(self.sandbox.faults))
