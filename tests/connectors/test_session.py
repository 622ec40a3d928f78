"""The session's own transport choices: JSON decoding and the environment's proxy settings."""

import pytest

from connectors.session import _decode, build_session


def test_bodies_only_the_standard_library_reads_still_parse():
    assert _decode(b'{"a": [1, "\\u00e9"]}') == {"a": [1, "é"]}
    assert _decode('\ufeff{"a": 1}'.encode()) == {"a": 1}  # a byte order mark
    assert _decode(b'{"a": "\\ud83d"}') == {"a": "\ud83d"}  # a lone surrogate
    with pytest.raises(ValueError):
        _decode(b'{"a": [1, 2')  # cut short: the session retries it


def test_proxy_variables_are_honoured_per_host(monkeypatch):
    monkeypatch.setenv("HTTPS_PROXY", "http://proxy.example:3128")
    monkeypatch.setenv("NO_PROXY", "internal.example")
    session = build_session("Test")

    def proxy(url: str, **given: str) -> str | None:
        settings = session.merge_environment_settings(url, given, None, None, None)
        return settings["proxies"].get("https")

    for _ in range(2):  # the second call per host is answered from what the first read
        assert proxy("https://api.hubapi.com/crm/v3/objects/contacts") == \
            "http://proxy.example:3128"
        assert proxy("https://internal.example/x") is None
    assert proxy("https://api.hubapi.com/x", https="http://other:1") == "http://other:1"
