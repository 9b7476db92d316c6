"""Approval requests: bound to one exact call and target, expiring, decided by an allowed
approver who is not the requester, re-validated right before running, executed once.

Exactly once rests on the store's atomic transition pending -> executing: whichever
approval (or retry, or restarted bot) wins it executes; every other one is told the
current status.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.auditing import Auditor
from bot.calls import PreparedCall, StaleApproval, revalidate
from bot.chat import ChatReply, ReplyKind
from bot.live import LiveValues
from bot.policy import Decision, Policy
from bot.redaction import redact
from bot.replies import NOTHING_DONE, approval_reply, result_text, status_text
from bot.store import ApprovalRecord, ApprovalStatus, Store
from tools.base import Plan, ToolError
from tools.context import ToolContext
from tools.registry import ToolRegistry

PENDING, EXECUTING = ApprovalStatus.PENDING, ApprovalStatus.EXECUTING


@dataclass(frozen=True)
class Requester:
    """Who asked, where, and the request the approval belongs to."""

    request_id: str
    platform: str
    user: str
    channel_id: str
    thread_id: str | None


class ApprovalFlow:
    """Creates approval requests and decides them."""

    def __init__(
        self,
        *,
        registry: ToolRegistry,
        tool_context: ToolContext,
        policy: Policy,
        store: Store,
        auditor: Auditor,
        live: LiveValues,
        ttl_s: int,
        clock: Callable[[], datetime],
    ) -> None:
        self.registry, self.ctx, self.policy = registry, tool_context, policy
        self.store, self.auditor, self.live = store, auditor, live
        self.ttl = timedelta(seconds=ttl_s)
        self.clock = clock

    def request(
        self, who: Requester, prepared: PreparedCall, decision: Decision, plan: Plan
    ) -> ChatReply:
        """Store a pending request for this exact call and show it with its dry run."""
        now = self.clock()
        record = self.store.approvals.create(
            digest=prepared.digest,
            call=prepared.call.as_dict(),
            target=prepared.target.model_dump(mode="json"),
            risk=prepared.risk.value,
            request_id=who.request_id,
            platform=who.platform,
            requester=who.user,
            channel_id=who.channel_id,
            thread_id=who.thread_id,
            required=decision.approvals,
            created_at=now,
            expires_at=now + self.ttl,
        )
        return approval_reply(record, prepared, plan)

    def decide(
        self, approval_id: str, *, platform: str, user: str, approve: bool
    ) -> list[ChatReply]:
        """One person's approve/reject click. Idempotent; executes at most once."""
        record = self.store.approvals.get(approval_id)
        if record is None:
            return [ChatReply(kind=ReplyKind.ERROR, text=f"No approval request {approval_id}.")]
        now = self.clock()
        refusal = self._check_decider(record, platform=platform, user=user, approve=approve)
        if refusal is not None:
            self._audit(record, "approval_refused", platform, user, error=refusal)
            return [self._reply(record, ReplyKind.REFUSAL, refusal)]
        if record.status is not PENDING:
            return [self._reply(record, ReplyKind.INFO, status_text(record))]
        if record.expires_at <= now:
            return self._expire(record, platform=platform, user=user, now=now)
        if not approve:
            return self._reject(record, platform=platform, user=user)
        return self._approve(record, platform=platform, user=user, now=now)

    def _check_decider(
        self, record: ApprovalRecord, *, platform: str, user: str, approve: bool
    ) -> str | None:
        if user == record.requester:
            if approve:
                return f"{user}, you asked for this; another approver must approve it."
            return None  # the requester may withdraw their own request
        target = record.target
        if not self.policy.may_approve(
            platform=platform,
            user_id=user,
            cluster=target["scope"],
            namespace=target.get("namespace"),
        ):
            where = target.get("namespace") or target["scope"]
            return f"{user} is not an approver for {where}; nothing changed."
        return None

    def _expire(
        self, record: ApprovalRecord, *, platform: str, user: str, now: datetime
    ) -> list[ChatReply]:
        self.store.approvals.transition(
            record.id, from_status=PENDING, to_status=ApprovalStatus.EXPIRED, expired_at=now
        )
        self._audit(record, "expired", platform, user, error="approval expired")
        text = f"Approval {record.id} expired at {record.expires_at:%H:%M} UTC. {NOTHING_DONE}"
        return [self._reply(record, ReplyKind.INFO, text)]

    def _reject(self, record: ApprovalRecord, *, platform: str, user: str) -> list[ChatReply]:
        moved = self.store.approvals.transition(
            record.id, from_status=PENDING, to_status=ApprovalStatus.REJECTED
        )
        if not moved:
            return [self._reply(record, ReplyKind.INFO, status_text(self._reload(record)))]
        self.store.approvals.vote(
            record.id, platform=platform, user_id=user, approve=False, at=self.clock()
        )
        self._audit(record, "rejected", platform, user, approvers=[f"{platform}:{user}"])
        text = f"Approval {record.id} rejected by {user}. {NOTHING_DONE}"
        return [self._reply(record, ReplyKind.INFO, text)]

    def _approve(
        self, record: ApprovalRecord, *, platform: str, user: str, now: datetime
    ) -> list[ChatReply]:
        first = self.store.approvals.vote(
            record.id, platform=platform, user_id=user, approve=True, at=now
        )
        approvals = self.store.approvals.count_approvals(record.id)
        if not first:
            text = f"You already approved {record.id} ({approvals} of {record.required})."
            return [self._reply(record, ReplyKind.INFO, text)]
        approvers = self.store.approvals.approvers(record.id)
        self._audit(record, "approved", platform, user, approvers=approvers)
        if approvals < record.required:
            text = (
                f"Approved by {user} ({approvals} of {record.required}); waiting for "
                f"{record.required - approvals} more approver(s)."
            )
            return [self._reply(record, ReplyKind.INFO, text)]
        return self._execute(record, platform=platform, user=user, now=now)

    def _execute(
        self, record: ApprovalRecord, *, platform: str, user: str, now: datetime
    ) -> list[ChatReply]:
        try:
            prepared = revalidate(
                record, registry=self.registry, tool_context=self.ctx, policy=self.policy
            )
        except StaleApproval as exc:
            return self._fail(record, platform, user, from_status=PENDING, error=str(exc))
        if not self.store.approvals.transition(
            record.id, from_status=PENDING, to_status=EXECUTING, unexpired_at=now
        ):
            current = self._reload(record)
            if current.status is PENDING:  # lost only to the clock: it expired meanwhile
                return self._expire(current, platform=platform, user=user, now=now)
            return [self._reply(record, ReplyKind.INFO, status_text(current))]
        approvers = self.store.approvals.approvers(record.id)
        try:
            result = prepared.tool.execute(prepared.call.args, self.ctx)
        except Exception as exc:  # noqa: BLE001 - any failure ends the request as failed
            error = str(exc) if isinstance(exc, ToolError) else f"internal error: {exc!r}"
            return self._fail(record, platform, user, from_status=EXECUTING, error=error)
        finally:
            self.live.forget()
        shown = redact(result.model_dump(mode="json"))
        self.store.approvals.transition(
            record.id,
            from_status=EXECUTING,
            to_status=ApprovalStatus.EXECUTED,
            executed_at=self.clock(),
            result=shown,
        )
        self._audit(record, "executed", platform, user, approvers=approvers, result=shown)
        text = (
            f"Done ({record.id}, approved by {', '.join(a.split(':', 1)[1] for a in approvers)}"
            f"): {result_text(result)}"
        )
        return [self._reply(record, ReplyKind.ANSWER, text, result=shown)]

    def _fail(
        self,
        record: ApprovalRecord,
        platform: str,
        user: str,
        *,
        from_status: ApprovalStatus,
        error: str,
    ) -> list[ChatReply]:
        self.store.approvals.transition(
            record.id,
            from_status=from_status,
            to_status=ApprovalStatus.FAILED,
            result={"error": error},
        )
        self._audit(
            record,
            "failed",
            platform,
            user,
            error=error,
            approvers=self.store.approvals.approvers(record.id),
        )
        text = f"Approval {record.id} could not run: {error}"
        return [self._reply(record, ReplyKind.ERROR, text)]

    def _reload(self, record: ApprovalRecord) -> ApprovalRecord:
        return self.store.approvals.get(record.id) or record

    def _reply(
        self, record: ApprovalRecord, kind: ReplyKind, text: str, **data: object
    ) -> ChatReply:
        return ChatReply(
            kind=kind,
            text=text,
            thread_id=record.thread_id,
            approval_id=record.id,
            data={
                "status": self._reload(record).status.value,
                "place": place_of_record(record),
                **data,
            },
        )

    def _audit(
        self, record: ApprovalRecord, event: str, platform: str, user: str, **fields: object
    ) -> None:
        self.auditor.record(
            event=event,
            request_id=record.request_id,
            platform=platform,
            user_id=user,
            channel_id=record.channel_id,
            approval_id=record.id,
            tool=record.call.get("tool"),
            call=record.call,
            call_digest=record.digest,
            risk=record.risk,
            **fields,
        )


def place_of_record(record: ApprovalRecord) -> str:
    """'staging on us-central' or 'us-central' for a stored request."""
    scope, namespace = record.target["scope"], record.target.get("namespace")
    return f"{namespace} on {scope}" if namespace else scope
