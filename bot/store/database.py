"""Opening the store: one SQLAlchemy engine, tables created on first use.

SQLite (the default, a file under ./.chatops/) and PostgreSQL are supported. Every
write is its own short transaction so that concurrent approvers on SQLite wait for
each other (busy timeout) instead of deadlocking on a lock upgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from bot.store.approvals import ApprovalStore
from bot.store.audit import AuditLog
from bot.store.events import EventLog
from bot.store.schema import metadata


def utc_now() -> datetime:
    """The current time, timezone-aware UTC (the store's only time zone)."""
    return datetime.now(UTC)


class Store:
    """The audit log, the approvals and the processed events of one database."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.audit = AuditLog(engine)
        self.approvals = ApprovalStore(engine)
        self.events = EventLog(engine)

    def close(self) -> None:
        """Release the connections."""
        self.engine.dispose()


def open_store(url: str) -> Store:
    """Connect (creating the SQLite folder and the tables if missing)."""
    parsed = make_url(url)
    kwargs: dict = {}
    if parsed.get_backend_name() == "sqlite":
        kwargs["connect_args"] = {"timeout": 30, "check_same_thread": False}
        if parsed.database in (None, "", ":memory:"):
            kwargs["poolclass"] = StaticPool  # one shared in-memory database
        else:
            Path(parsed.database).expanduser().parent.mkdir(parents=True, exist_ok=True)
    engine = create_engine(url, **kwargs)
    if parsed.get_backend_name() == "sqlite":
        event.listen(engine, "connect", _tune_sqlite)
    metadata.create_all(engine)
    return Store(engine)


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
