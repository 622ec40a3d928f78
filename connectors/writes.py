"""What a write of one record came to: the result type every client's write method yields."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class WriteResult:
    """The outcome of writing one record, in the API's own terms.

    ``error_code`` is the API's code (HubSpot's error or category, Salesforce's ``statusCode``)
    and ``fields`` the fields the error names; both are empty when ``ok``.
    """

    record_id: str
    ok: bool
    error_code: str | None = None
    message: str | None = None
    fields: tuple[str, ...] = ()
