"""The append-only audit log: every step of every request, never changed afterwards.

There is deliberately no update or delete here; the database rejects them as well
(see `bot.store.schema`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.engine import Engine

from bot.store.schema import audit_records


@dataclass(frozen=True)
class AuditEntry:
    """One audit record. `event` says which step: request, approval_vote, executed ..."""

    at: datetime
    event: str
    request_id: str
    platform: str
    user_id: str
    channel_id: str | None = None
    text: str | None = None
    approval_id: str | None = None
    model: str | None = None
    adapter: str | None = None
    model_version: str | None = None
    """The served artifact (name, creation time, data and schema hashes) when known."""
    bot_version: str | None = None
    tool: str | None = None
    call: dict[str, Any] | None = None
    call_digest: str | None = None
    risk: str | None = None
    decision: dict[str, Any] | None = None
    approvers: list[str] | None = None
    dry_run: str | None = None
    result: dict[str, Any] | None = None
    error: str | None = None
    id: int | None = None
    """Set on records read back; ignored on append."""


def _as_utc(value: datetime) -> datetime:
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


class AuditLog:
    """Append and query audit records."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def append(self, entry: AuditEntry) -> int:
        """Store one record; returns its id."""
        values = asdict(entry)
        values.pop("id")
        values["at"] = _as_utc(entry.at)
        with self._engine.begin() as connection:
            result = connection.execute(insert(audit_records).values(**values))
        return int(result.inserted_primary_key[0])

    def query(
        self,
        *,
        user_id: str | None = None,
        tool: str | None = None,
        since: datetime | None = None,
        request_id: str | None = None,
        approval_id: str | None = None,
        limit: int = 100,
    ) -> list[AuditEntry]:
        """Records matching every given filter, oldest first (the newest `limit`)."""
        table = audit_records
        statement = select(table).order_by(table.c.id.desc()).limit(limit)
        filters = {
            table.c.user_id: user_id,
            table.c.tool: tool,
            table.c.request_id: request_id,
            table.c.approval_id: approval_id,
        }
        for column, value in filters.items():
            if value is not None:
                statement = statement.where(column == value)
        if since is not None:
            statement = statement.where(table.c.at >= _as_utc(since))
        with self._engine.connect() as connection:
            rows = connection.execute(statement).mappings().all()
        entries = [AuditEntry(**{**row, "at": _as_utc(row["at"])}) for row in rows]
        return list(reversed(entries))
