"""Approval requests and votes, with exactly-once execution.

The state of a request only moves forward through atomic conditional UPDATEs
(`... SET status='executing' WHERE id=? AND status='pending'`): of two approvers
clicking at the same moment, or a bot restarted mid-way, exactly one wins the
transition and executes. A request found in 'executing' after a crash stays there:
at most once beats at least once for changes to production.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from enum import StrEnum
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Engine
from sqlalchemy.exc import IntegrityError

from bot.store.schema import approval_decisions, approvals


class ApprovalStatus(StrEnum):
    """pending -> executing -> executed | failed; pending -> rejected | expired | failed."""

    PENDING = "pending"
    EXECUTING = "executing"
    EXECUTED = "executed"
    FAILED = "failed"
    REJECTED = "rejected"
    EXPIRED = "expired"


@dataclass(frozen=True)
class ApprovalRecord:
    """One approval request as stored."""

    id: str
    digest: str
    """sha256 of the call digest and its resolved target: what the approvers approve."""
    call: dict[str, Any]
    target: dict[str, Any]
    risk: str
    request_id: str
    platform: str
    requester: str
    channel_id: str
    thread_id: str | None
    required: int
    status: ApprovalStatus
    created_at: datetime
    expires_at: datetime
    executed_at: datetime | None = None
    result: dict[str, Any] | None = None


def _as_utc(value: datetime | None) -> datetime | None:
    if value is None:
        return None
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def _record(row: Any) -> ApprovalRecord:
    values = dict(row)
    for key in ("created_at", "expires_at", "executed_at"):
        values[key] = _as_utc(values[key])
    values["status"] = ApprovalStatus(values["status"])
    return ApprovalRecord(**values)


class ApprovalStore:
    """Create approval requests, count votes, and move their status atomically."""

    def __init__(self, engine: Engine) -> None:
        self._engine = engine

    def create(self, **fields: Any) -> ApprovalRecord:
        """Store a new pending request (all ApprovalRecord fields except id and status)."""
        for _ in range(5):
            values = {**fields, "id": secrets.token_hex(4), "status": ApprovalStatus.PENDING.value}
            try:
                with self._engine.begin() as connection:
                    connection.execute(insert(approvals).values(**values))
            except IntegrityError:
                continue  # id collision: draw another
            return self.get(values["id"])
        raise RuntimeError("could not allocate an approval id")

    def get(self, approval_id: str) -> ApprovalRecord | None:
        """The request with this id, or None."""
        with self._engine.connect() as connection:
            row = (
                connection.execute(select(approvals).where(approvals.c.id == approval_id))
                .mappings()
                .first()
            )
        return _record(row) if row else None

    def list_requests(
        self, *, status: ApprovalStatus | None = None, limit: int = 50
    ) -> list[ApprovalRecord]:
        """Requests, newest first, optionally of one status."""
        statement = select(approvals).order_by(approvals.c.created_at.desc()).limit(limit)
        if status is not None:
            statement = statement.where(approvals.c.status == status.value)
        with self._engine.connect() as connection:
            return [_record(row) for row in connection.execute(statement).mappings()]

    def vote(
        self, approval_id: str, *, platform: str, user_id: str, approve: bool, at: datetime
    ) -> bool:
        """Record one person's decision; False if that person already decided."""
        try:
            with self._engine.begin() as connection:
                connection.execute(
                    insert(approval_decisions).values(
                        approval_id=approval_id,
                        platform=platform,
                        user_id=user_id,
                        approve=approve,
                        at=at,
                    )
                )
        except IntegrityError:
            return False
        return True

    def approvers(self, approval_id: str) -> list[str]:
        """'platform:user' of everyone who approved, in order."""
        table = approval_decisions
        statement = (
            select(table.c.platform, table.c.user_id)
            .where(table.c.approval_id == approval_id, table.c.approve.is_(True))
            .order_by(table.c.id)
        )
        with self._engine.connect() as connection:
            return [f"{p}:{u}" for p, u in connection.execute(statement)]

    def count_approvals(self, approval_id: str) -> int:
        """How many distinct people approved."""
        table = approval_decisions
        statement = select(func.count()).where(
            table.c.approval_id == approval_id, table.c.approve.is_(True)
        )
        with self._engine.connect() as connection:
            return int(connection.execute(statement).scalar_one())

    def transition(
        self,
        approval_id: str,
        *,
        from_status: ApprovalStatus,
        to_status: ApprovalStatus,
        unexpired_at: datetime | None = None,
        expired_at: datetime | None = None,
        **values: Any,
    ) -> bool:
        """Atomically move from one status to another; True only for the one winner.

        `unexpired_at`: move only if the request has not expired at that time;
        `expired_at`: move only if it has.
        """
        statement = update(approvals).where(
            approvals.c.id == approval_id, approvals.c.status == from_status.value
        )
        if unexpired_at is not None:
            statement = statement.where(approvals.c.expires_at > unexpired_at)
        if expired_at is not None:
            statement = statement.where(approvals.c.expires_at <= expired_at)
        statement = statement.values(status=to_status.value, **values)
        with self._engine.begin() as connection:
            return connection.execute(statement).rowcount == 1
