"""Keeping secrets out of chat replies and audit records.

Applied to everything a tool returns before it is shown or stored: Secret objects lose
their data, values under secret-looking keys (passwords, tokens, keys) are replaced,
and secret-looking text (KEY=value, bearer tokens, Slack/AWS tokens, private keys,
JWTs) is masked. Redaction is for display; approvals still bind to the real call.
"""

from __future__ import annotations

import re
from typing import Any

REDACTED = "<redacted>"

# Key names whose values are secrets (env var names, dict keys, YAML keys).
SECRET_NAME = r"[A-Za-z0-9_.-]*(?:pass(?:word|wd|phrase)?|secret|token|api[_-]?key|apikey|credentials?|private[_-]?key|access[_-]?key|session[_-]?key)[A-Za-z0-9_.-]*"  # noqa: E501
_SECRET_KEY = re.compile(rf"^{SECRET_NAME}$", re.IGNORECASE)
# KEY=value, KEY: value, "KEY": "value" where KEY looks secret.
_ASSIGNMENT = re.compile(
    rf"""(?P<key>["']?\b{SECRET_NAME}["']?)(?P<sep>\s*[:=]\s*)(?P<value>"[^"\n]*"|'[^'\n]*'|[^\s,;}}\]]+)""",
    re.IGNORECASE,
)
_TEXT_PATTERNS = (
    re.compile(r"-----BEGIN [A-Z ]*PRIVATE KEY-----.*?-----END [A-Z ]*PRIVATE KEY-----", re.DOTALL),
    re.compile(r"\b(?:Bearer|Basic)\s+[A-Za-z0-9._~+/=-]{8,}", re.IGNORECASE),
    re.compile(r"\bxox[abposre]-[A-Za-z0-9-]{8,}"),
    re.compile(r"\bxapp-[A-Za-z0-9-]{8,}"),
    re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b"),
    re.compile(r"\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}"),
    re.compile(r"\bgh[pousr]_[A-Za-z0-9]{20,}\b"),
)


def is_secret_name(name: str) -> bool:
    """Whether a key or variable name looks like it holds a secret."""
    return bool(_SECRET_KEY.match(name))


def redact_text(text: str) -> str:
    """Mask secret-looking assignments and tokens in free text."""
    for pattern in _TEXT_PATTERNS:
        text = pattern.sub(REDACTED, text)

    def mask(match: re.Match[str]) -> str:
        if match.group("value") == REDACTED:
            return match.group(0)
        return f"{match.group('key')}{match.group('sep')}{REDACTED}"

    return _ASSIGNMENT.sub(mask, text)


def redact(value: Any) -> Any:
    """A copy of a JSON-like value with secrets masked (dicts, lists, strings)."""
    if isinstance(value, dict):
        return _redact_mapping(value)
    if isinstance(value, list | tuple):
        return [redact(item) for item in value]
    if isinstance(value, str):
        return redact_text(value)
    return value


def _redact_mapping(mapping: dict[Any, Any]) -> dict[Any, Any]:
    if str(mapping.get("kind", "")).lower() == "secret" or "stringData" in mapping:
        mapping = {**mapping}
        for field in ("data", "stringData", "string_data"):
            if isinstance(mapping.get(field), dict):
                mapping[field] = {key: REDACTED for key in mapping[field]}
    # Kubernetes env entries: {"name": "DB_PASSWORD", "value": "..."}.
    env_like = isinstance(mapping.get("name"), str) and "value" in mapping
    result = {}
    for key, item in mapping.items():
        secret_key = isinstance(key, str) and is_secret_name(key)
        if env_like and key == "value" and is_secret_name(mapping["name"]):
            secret_key = True
        if secret_key and isinstance(item, str) and item not in ("", REDACTED):
            result[key] = REDACTED
        else:
            result[key] = redact(item)
    return result
