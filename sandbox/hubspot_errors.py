"""HubSpot's error bodies, as the real API sends them (see sandbox/README.md for the sources)."""

from __future__ import annotations

import uuid
from typing import Any

from sandbox.http import Request, Response

AUTH_MESSAGE = ("Authentication credentials not found. This API supports OAuth 2.0 authentication "
                "and you can find more details at "
                "https://developers.hubspot.com/docs/methods/auth/oauth-overview")


class HubSpotError(Exception):
    """Raised inside a handler to answer with HubSpot's error envelope."""

    def __init__(self, status: int, message: str, category: str | None = None,
                 **extra: Any) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.category = category
        self.extra = extra

    def response(self) -> Response:
        return error_response(self.status, self.message, self.category, **self.extra)


def correlation_id() -> str:
    return str(uuid.uuid4())


def error_response(status: int, message: str, category: str | None = None,
                   headers: dict[str, str] | None = None, **extra: Any) -> Response:
    # Key order as HubSpot sends it: status, message, correlationId, then the rest.
    cid = correlation_id()
    body: dict[str, Any] = {"status": "error", "message": message, "correlationId": cid}
    body.update(extra)
    if category is not None:
        body["category"] = category
    return Response.json(status, body, {"X-HubSpot-Correlation-Id": cid, **(headers or {})})


def not_found() -> HubSpotError:
    # A numeric id or a route that does not exist: no category, as captured from the real API.
    return HubSpotError(404, "resource not found")


def invalid(message: str) -> HubSpotError:
    return HubSpotError(400, message, "VALIDATION_ERROR")


def rate_limited(policy: str, headers: dict[str, str] | None = None) -> Response:
    """429 body of the legacy 'working within the rate limits' page; message names the policy."""
    message = ("You have reached your secondly limit." if policy == "SECONDLY"
               else f"You have reached your {policy.lower()} limit.")
    return error_response(429, message, None, headers=headers, errorType="RATE_LIMIT",
                          policyName=policy, requestId=correlation_id())


def json_body(request: Request) -> dict[str, Any]:
    """A request's JSON object, or the 400 HubSpot answers for anything else."""
    try:
        body = request.json()
    except (ValueError, UnicodeDecodeError) as exc:
        raise HubSpotError(400, f"Invalid input JSON: {exc}") from None
    if not isinstance(body, dict):
        raise invalid("Invalid input JSON: expected an object")
    return body
