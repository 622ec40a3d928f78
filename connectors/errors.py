"""Errors a connector raises. Messages carry the API's own words, never a credential."""


class ConnectorError(Exception):
    """Base class for every error a connector raises on purpose."""


class ApiError(ConnectorError):
    """The API answered with an error that retrying cannot fix (or retries ran out)."""

    def __init__(self, api: str, status: int, message: str, url: str) -> None:
        super().__init__(f"{api} API error {status} on {url}: {message}")
        self.api = api
        self.status = status
        self.message = message
        self.url = url


class AuthenticationError(ConnectorError):
    """The credentials were refused."""


class PaginationLoopError(ConnectorError):
    """An API handed back a cursor it had already handed out: paging would never end."""


class QuotaExhaustedError(ConnectorError):
    """An API's daily allowance is (nearly) spent: stop now, keep what was read, resume tomorrow.

    Raised *before* the call that would eat into the reserve, so the records already yielded are
    complete pages. ``resume_cursor`` is set by reads whose records arrive in cursor order (the
    position to commit with them); it stays None where no partial position is safe.
    """

    def __init__(self, message: str, *, used: int | None = None,
                 limit: int | None = None) -> None:
        super().__init__(message)
        self.used = used
        self.limit = limit
        self.resume_cursor: str | None = None
