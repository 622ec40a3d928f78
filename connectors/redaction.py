"""Keep credentials out of logs, exceptions and metadata."""

from __future__ import annotations

import logging
import re

# Bearer tokens, Salesforce session ids, and secrets in form bodies or query strings.
_PATTERNS = (
    re.compile(r"(?i)(bearer\s+)[^\s'\",]+"),
    re.compile(r"(?i)((?:access_token|refresh_token|client_secret|client_id|password)[\"']?\s*[=:]\s*[\"']?)"
               r"[^&\s'\",}]+"),
    re.compile(r"\b00D[A-Za-z0-9]{12,15}![A-Za-z0-9._]+"),  # Salesforce session id shape
)


def redact(text: str, secrets: tuple[str, ...] = ()) -> str:
    """Replace known secrets and anything shaped like a credential with ``[REDACTED]``."""
    for secret in secrets:
        if secret:
            text = text.replace(secret, "[REDACTED]")
    for pattern in _PATTERNS:
        text = pattern.sub(lambda m: (m.group(1) if m.groups() else "") + "[REDACTED]", text)
    return text


class RedactingFilter(logging.Filter):
    """A logging filter that redacts every record passing through a handler or logger."""

    def __init__(self, secrets: tuple[str, ...] = ()) -> None:
        super().__init__()
        self.secrets = secrets

    def filter(self, record: logging.LogRecord) -> bool:
        record.msg = redact(record.getMessage(), self.secrets)
        record.args = None
        return True


_SHARED_FILTER = RedactingFilter()


def protect_logs(secrets: tuple[str, ...], loggers: tuple[str, ...]) -> None:
    """Redact ``secrets`` (and anything credential-shaped) in every record these loggers emit.

    One shared filter per process, so building many sessions does not stack filters. Logger
    filters see only records created on that very logger, hence the explicit names (urllib3
    logs whole URLs at DEBUG, where a legacy API key in a query string would show).
    """
    known = _SHARED_FILTER.secrets + tuple(s for s in secrets if s)
    _SHARED_FILTER.secrets = tuple(dict.fromkeys(known))
    for name in loggers:
        logger = logging.getLogger(name)
        if _SHARED_FILTER not in logger.filters:
            logger.addFilter(_SHARED_FILTER)
