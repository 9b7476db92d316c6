"""Tables of the bot's store: append-only audit records, approvals, processed events.

Append-only is enforced twice: the Python API has no update or delete for audit
records, and the database itself rejects UPDATE and DELETE on them (a trigger on
SQLite and on PostgreSQL; TRUNCATE too on PostgreSQL).
"""

from __future__ import annotations

from sqlalchemy import (
    DDL,
    JSON,
    Boolean,
    Column,
    DateTime,
    Integer,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
    event,
)

metadata = MetaData()

audit_records = Table(
    "audit_records",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("at", DateTime(timezone=True), nullable=False, index=True),
    Column("event", String(32), nullable=False),
    Column("request_id", String(64), nullable=False, index=True),
    Column("approval_id", String(32), index=True),
    Column("platform", String(32), nullable=False),
    Column("user_id", String(128), nullable=False, index=True),
    Column("channel_id", String(128)),
    Column("text", Text),
    Column("model", String(200)),
    Column("adapter", String(200)),
    Column("model_version", String(300)),
    Column("bot_version", String(64)),
    Column("tool", String(64), index=True),
    Column("call", JSON),
    Column("call_digest", String(64)),
    Column("risk", String(16)),
    Column("decision", JSON),
    Column("approvers", JSON),
    Column("dry_run", Text),
    Column("result", JSON),
    Column("error", Text),
)

approvals = Table(
    "approvals",
    metadata,
    Column("id", String(32), primary_key=True),
    Column("digest", String(64), nullable=False),
    Column("call", JSON, nullable=False),
    Column("target", JSON, nullable=False),
    Column("risk", String(16), nullable=False),
    Column("request_id", String(64), nullable=False),
    Column("platform", String(32), nullable=False),
    Column("requester", String(128), nullable=False),
    Column("channel_id", String(128), nullable=False),
    Column("thread_id", String(128)),
    Column("required", Integer, nullable=False),
    Column("status", String(16), nullable=False, index=True),
    Column("created_at", DateTime(timezone=True), nullable=False),
    Column("expires_at", DateTime(timezone=True), nullable=False),
    Column("executed_at", DateTime(timezone=True)),
    Column("result", JSON),
)

approval_decisions = Table(
    "approval_decisions",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("approval_id", String(32), nullable=False, index=True),
    Column("platform", String(32), nullable=False),
    Column("user_id", String(128), nullable=False),
    Column("approve", Boolean, nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    # One vote per person: a retried click or a second click does not count twice.
    UniqueConstraint("approval_id", "platform", "user_id", name="uq_one_decision_per_user"),
)

processed_events = Table(
    "processed_events",
    metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("platform", String(32), nullable=False),
    Column("event_id", String(200), nullable=False),
    Column("at", DateTime(timezone=True), nullable=False),
    UniqueConstraint("platform", "event_id", name="uq_event_once"),
)

SQLITE_GUARDS = [
    f"CREATE TRIGGER IF NOT EXISTS audit_no_{op.lower()} BEFORE {op} ON audit_records "
    "BEGIN SELECT RAISE(ABORT, 'audit records are append-only'); END"
    for op in ("UPDATE", "DELETE")
]
_POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION chatops_audit_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'audit records are append-only'; END; $$ LANGUAGE plpgsql",
    "CREATE TRIGGER audit_no_update_delete BEFORE UPDATE OR DELETE ON audit_records "
    "FOR EACH ROW EXECUTE FUNCTION chatops_audit_append_only()",
    "CREATE TRIGGER audit_no_truncate BEFORE TRUNCATE ON audit_records "
    "FOR EACH STATEMENT EXECUTE FUNCTION chatops_audit_append_only()",
]
for _statement in SQLITE_GUARDS:
    event.listen(audit_records, "after_create", DDL(_statement).execute_if(dialect="sqlite"))
for _statement in _POSTGRES_GUARDS:
    event.listen(audit_records, "after_create", DDL(_statement).execute_if(dialect="postgresql"))
