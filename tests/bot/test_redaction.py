"""Redaction of secrets in text and structured tool results."""

from __future__ import annotations

import pytest

from bot.redaction import REDACTED, redact, redact_text


@pytest.mark.parametrize(
    ("text", "secret"),
    [
        ("DB_PASSWORD=hunter2 LOG_LEVEL=debug", "hunter2"),
        ("env:\n  API_KEY: abc123xyz\n", "abc123xyz"),
        ('{"client_secret": "s3cr3t-value"}', "s3cr3t-value"),
        ("Authorization: Bearer eyJhbGciOiJIUzI1NiJ9.payloadpart.signature", "payloadpart"),
        ("token xoxb-1234567890-abcdefghij leaked", "xoxb-1234567890"),
        ("aws AKIAABCDEFGHIJKLMNOP here", "AKIAABCDEFGHIJKLMNOP"),
        ("-----BEGIN RSA PRIVATE KEY-----\nMIIEow\n-----END RSA PRIVATE KEY-----", "MIIEow"),
        ("password: 'with spaces inside'", "with spaces"),
    ],
)
def test_secret_text_is_masked(text, secret):
    shown = redact_text(text)
    assert secret not in shown and REDACTED in shown


def test_ordinary_text_is_kept():
    text = "web: 2/2 ready, nginx:1.27, LOG_LEVEL=debug, tokens used 12"
    assert redact_text(text) == text


def test_structures():
    value = {
        "kind": "Secret",
        "data": {"user": "YWRtaW4=", "pass": "aHVudGVy"},
        "metadata": {"name": "db-creds"},
    }
    assert redact(value)["data"] == {"user": REDACTED, "pass": REDACTED}
    assert redact(value)["metadata"] == {"name": "db-creds"}
    env = [{"name": "DB_PASSWORD", "value": "hunter2"}, {"name": "MODE", "value": "fast"}]
    assert redact({"env": env})["env"] == [
        {"name": "DB_PASSWORD", "value": REDACTED},
        {"name": "MODE", "value": "fast"},
    ]
    assert redact({"github_token": "ghp_x", "replicas": 3}) == {
        "github_token": REDACTED,
        "replicas": 3,
    }
