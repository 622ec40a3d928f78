import logging

from connectors.redaction import RedactingFilter, redact


def test_redacts_bearer_tokens_form_secrets_and_session_ids():
    text = ("Authorization: Bearer pat-na1-abc123 client_secret=s3cr3t&x=1 "
            '{"access_token": "00D5g000004xYzE!AQ0AQHf.x"}')
    cleaned = redact(text)
    for secret in ("pat-na1-abc123", "s3cr3t", "00D5g000004xYzE!AQ0AQHf.x"):
        assert secret not in cleaned
    assert "x=1" in cleaned


def test_redacts_known_secrets_anywhere():
    assert redact("token is hunter2-long", secrets=("hunter2-long",)) == "token is [REDACTED]"


def test_logging_filter_redacts_formatted_arguments(caplog):
    logger = logging.getLogger("samepage.test.redaction")
    logger.addFilter(RedactingFilter(secrets=("my-token-value",)))
    with caplog.at_level(logging.INFO, logger=logger.name):
        logger.info("calling with %s", "my-token-value")
    assert "my-token-value" not in caplog.text
    assert "[REDACTED]" in caplog.text
