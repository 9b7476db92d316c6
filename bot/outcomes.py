"""What the engine does with a judged call: refuse, suggest, ask for approval, or run it.

Each outcome answers in chat and leaves an audit record.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from bot.approvals import ApprovalFlow, Requester
from bot.auditing import Auditor
from bot.calls import PreparedCall, place_of
from bot.chat import ChatReply, ChatRequest, ReplyKind
from bot.live import LiveValues
from bot.policy import Decision
from bot.redaction import redact
from bot.replies import NOTHING_DONE, format_call, plan_text, result_text
from tools.base import Risk, TemporaryToolError, ToolError
from tools.context import ToolContext


@dataclass
class Turn:
    """One request being handled, and what the audit should say about it."""

    request: ChatRequest
    request_id: str
    user: str
    """Policy name of the sender (platform id when unmapped)."""
    fields: dict[str, Any] = field(default_factory=dict)
    """Model and adapter of the proposal, added to every audit record of the turn."""


class Outcomes:
    """Carries out a policy decision for one turn."""

    def __init__(
        self,
        *,
        tool_context: ToolContext,
        approvals: ApprovalFlow,
        auditor: Auditor,
        live: LiveValues,
    ) -> None:
        self.ctx, self.approvals, self.auditor, self.live = tool_context, approvals, auditor, live

    def refuse(self, turn: Turn, prepared: PreparedCall, decision: Decision) -> list[ChatReply]:
        """Say no, with the policy's reason."""
        self.audit(turn, "refused", **_call_fields(prepared, decision))
        text = f"Refused: {decision.reason} {NOTHING_DONE}"
        return [
            ChatReply(
                kind=ReplyKind.REFUSAL,
                text=text,
                data={"call": redact(prepared.call.as_dict()), "reason": decision.reason},
            )
        ]

    def suggest(self, turn: Turn, prepared: PreparedCall, decision: Decision) -> list[ChatReply]:
        """Show the call and its dry run; run nothing (suggest-only places)."""
        try:
            plan = prepared.tool.plan(prepared.call.args, self.ctx)
        except ToolError as exc:
            return self.tool_failed(turn, prepared, decision, exc, stage="dry run")
        self.audit(turn, "suggested", dry_run=plan_text(plan), **_call_fields(prepared, decision))
        text = f"{decision.reason}\n`{format_call(prepared.call)}`\nDry run: {plan_text(plan)}"
        return [
            ChatReply(
                kind=ReplyKind.INFO,
                text=text,
                data={"call": redact(prepared.call.as_dict()), "dry_run": plan.diff},
            )
        ]

    def ask_approval(
        self, turn: Turn, prepared: PreparedCall, decision: Decision
    ) -> list[ChatReply]:
        """Dry-run the call, store an approval request bound to it, and show both."""
        try:
            plan = prepared.tool.plan(prepared.call.args, self.ctx)
        except ToolError as exc:
            return self.tool_failed(turn, prepared, decision, exc, stage="dry run")
        request = turn.request
        who = Requester(
            request_id=turn.request_id,
            platform=request.platform,
            user=turn.user,
            channel_id=request.channel_id,
            thread_id=request.thread_id,
        )
        reply = self.approvals.request(who, prepared, decision, plan)
        self.audit(
            turn,
            "approval_requested",
            approval_id=reply.approval_id,
            dry_run=plan_text(plan),
            **_call_fields(prepared, decision),
        )
        return [reply]

    def run_now(self, turn: Turn, prepared: PreparedCall, decision: Decision) -> list[ChatReply]:
        """Run an allowed call at once (a change still gets its dry run first)."""
        dry_run = None
        try:
            if prepared.risk is not Risk.READ:  # a change allowed without approval: dry run first
                dry_run = plan_text(prepared.tool.plan(prepared.call.args, self.ctx))
            result = prepared.tool.execute(prepared.call.args, self.ctx)
        except ToolError as exc:
            return self.tool_failed(turn, prepared, decision, exc, stage="run")
        finally:
            if prepared.risk is not Risk.READ:
                self.live.forget()
        shown = redact(result.model_dump(mode="json"))
        self.audit(
            turn, "executed", dry_run=dry_run, result=shown, **_call_fields(prepared, decision)
        )
        text = result_text(result) if dry_run is None else f"{dry_run}\nDone: {result_text(result)}"
        return [ChatReply(kind=ReplyKind.ANSWER, text=text, data={"result": shown})]

    def tool_failed(
        self, turn: Turn, prepared: PreparedCall, decision: Decision, exc: ToolError, *, stage: str
    ) -> list[ChatReply]:
        """Audit and explain a tool failure (temporary ones suggest a retry)."""
        self.audit(turn, "failed", error=f"{stage}: {exc}", **_call_fields(prepared, decision))
        retry = ""
        if isinstance(exc, TemporaryToolError):
            retry = f" This looks temporary; try again in {exc.retry_after_s:.0f} s."
        where = place_of(prepared.target)
        why = str(exc).rstrip(".")
        text = f"The {stage} of {prepared.call.tool} in {where} failed: {why}."
        return [ChatReply(kind=ReplyKind.ERROR, text=text + retry)]

    def audit(self, turn: Turn, event: str, **fields: Any) -> None:
        """Append an audit record about this turn."""
        request = turn.request
        self.auditor.record(
            event=event,
            request_id=turn.request_id,
            platform=request.platform,
            user_id=turn.user,
            channel_id=request.channel_id,
            text=request.text,
            **turn.fields,
            **fields,
        )


def _call_fields(prepared: PreparedCall, decision: Decision) -> dict[str, Any]:
    return {
        "call": prepared.call.as_dict(),
        "call_digest": prepared.digest,
        "tool": prepared.call.tool,
        "risk": prepared.risk.value,
        "decision": decision.as_dict(),
    }
