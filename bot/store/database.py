"""Opening the store: one SQLAlchemy engine, tables created on first use.

SQLite (the default, a file under ./.chatops/) and PostgreSQL are supported. Every
write is its own short transaction so that concurrent approvers on SQLite wait for
each other (busy timeout) instead of deadlocking on a lock upgrade.
"""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Engine, make_url
from sqlalchemy.pool import StaticPool

from bot.store.approvals import ApprovalStore
from bot.store.audit import AuditLog
from bot.store.events import EventLog
from bot.store.schema import SQLITE_GUARDS, metadata


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
    _add_missing_columns(engine)
    if parsed.get_backend_name() == "sqlite":  # guards of a database made by older code
        with engine.begin() as connection:
            for statement in SQLITE_GUARDS:
                connection.execute(text(statement))
    return Store(engine)


def _add_missing_columns(engine: Engine) -> None:
    """Add nullable columns newer code defines to tables an older version created."""
    inspector = inspect(engine)
    for table in metadata.sorted_tables:
        present = {column["name"] for column in inspector.get_columns(table.name)}
        for column in table.columns:
            if column.name in present or not column.nullable:
                continue
            kind = column.type.compile(dialect=engine.dialect)
            with engine.begin() as connection:
                connection.execute(
                    text(f'ALTER TABLE {table.name} ADD COLUMN "{column.name}" {kind}')
                )


def _tune_sqlite(dbapi_connection, _record) -> None:
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA busy_timeout = 30000")
    cursor.execute("PRAGMA journal_mode = WAL")
    cursor.close()
