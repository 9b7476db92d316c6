"""Writing audit records: one call per step, secrets masked, common fields filled."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from importlib import metadata
from typing import Any

from bot.redaction import redact, redact_text
from bot.store import AuditEntry, Store


def bot_version() -> str:
    """Installed version of this package ('unknown' when run from a bare checkout)."""
    try:
        return metadata.version("planton-chatops")
    except metadata.PackageNotFoundError:
        return "unknown"


class Auditor:
    """Appends audit records to the store's append-only log."""

    def __init__(self, *, store: Store, clock: Callable[[], datetime]) -> None:
        self._store = store
        self._clock = clock
        self._version = bot_version()

    def record(
        self, *, event: str, request_id: str, platform: str, user_id: str, **fields: Any
    ) -> None:
        """Append one record; `call`, `result`, `text`, `dry_run`, `error` are redacted."""
        for key in ("call", "result", "decision"):
            if fields.get(key) is not None:
                fields[key] = redact(fields[key])
        for key in ("text", "dry_run", "error"):
            if fields.get(key) is not None:
                fields[key] = redact_text(fields[key])
        self._store.audit.append(
            AuditEntry(
                at=self._clock(),
                event=event,
                request_id=request_id,
                platform=platform,
                user_id=user_id,
                bot_version=self._version,
                **fields,
            )
        )
