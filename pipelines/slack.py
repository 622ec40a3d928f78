"""Post a message to a Slack incoming webhook (run alerts now, the weekly digest later).

The webhook URL is a secret: whoever holds it can post to the channel. It is therefore never
logged and never put in an error message; errors name only the HTTP status or the exception type,
and the ``requests`` exception (whose text contains the URL) is not chained.
"""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import urlsplit

import requests

from connectors.redaction import RedactingFilter

TIMEOUT_SECONDS = 10
_logger = logging.getLogger(__name__)
# urllib3 logs every request line at DEBUG, and a webhook's path is the secret part of its URL.
_URLLIB3_FILTER = RedactingFilter()


class SlackPostError(Exception):
    """Slack did not accept the message; the text never contains the webhook URL."""


def post_message(webhook_url: str | None, text: str, *, blocks: list[dict[str, Any]] | None = None,
                 log: logging.Logger | None = None, timeout: float = TIMEOUT_SECONDS) -> bool:
    """Post ``text`` (and optional Block Kit ``blocks``); without a webhook only log it.

    Returns whether the message was posted; raises SlackPostError when Slack refused it or could
    not be reached.
    """
    log = log or _logger
    if not webhook_url:
        log.info(f"SLACK_WEBHOOK_URL is not set, so this message is only logged:\n{text}")
        return False
    _hide_from_urllib3_logs(webhook_url)
    payload: dict[str, Any] = {"text": text}
    if blocks:
        payload["blocks"] = blocks
    try:
        response = requests.post(webhook_url, json=payload, timeout=timeout)
    except requests.RequestException as exc:
        raise SlackPostError(f"could not reach the Slack webhook ({type(exc).__name__}); "
                             "check SLACK_WEBHOOK_URL") from None
    if response.status_code != 200:
        # Slack answers with a short reason such as `invalid_payload` or `no_service`.
        raise SlackPostError(f"the Slack webhook answered HTTP {response.status_code} "
                             f"{response.text[:200]!r}; check SLACK_WEBHOOK_URL")
    log.info(f"posted a message to Slack ({len(text)} characters)")
    return True


def _hide_from_urllib3_logs(webhook_url: str) -> None:
    path = urlsplit(webhook_url).path
    secrets = (webhook_url, path) if len(path) > 1 else (webhook_url,)
    _URLLIB3_FILTER.secrets = tuple(dict.fromkeys(_URLLIB3_FILTER.secrets + secrets))
    logger = logging.getLogger("urllib3.connectionpool")
    if _URLLIB3_FILTER not in logger.filters:
        logger.addFilter(_URLLIB3_FILTER)
