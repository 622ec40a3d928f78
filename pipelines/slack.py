"""Post a message to a Slack incoming webhook (run alerts now, the weekly digest later).

The webhook URL is a secret: whoever holds it can post to the channel. It is therefore never
logged and never put in an error message; errors name only the HTTP status or the exception type,
and the ``requests`` exception (whose text contains the URL) is not chained.
"""

from __future__ import annotations

import logging
from typing import Any

import requests

TIMEOUT_SECONDS = 10
_logger = logging.getLogger(__name__)


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
