"""The bot's state: append-only audit log, approvals (executed once) and processed events."""

from bot.store.approvals import ApprovalRecord, ApprovalStatus, ApprovalStore
from bot.store.audit import AuditEntry, AuditLog
from bot.store.database import Store, open_store, utc_now
from bot.store.events import EventLog

__all__ = [
    "ApprovalRecord",
    "ApprovalStatus",
    "ApprovalStore",
    "AuditEntry",
    "AuditLog",
    "EventLog",
    "Store",
    "open_store",
    "utc_now",
]
