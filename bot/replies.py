"""Texts of the engine's replies (platform-neutral, Markdown-light)."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from bot.calls import PreparedCall, place_of
from bot.chat import ChatReply, ReplyKind
from bot.redaction import redact, redact_text
from bot.store import ApprovalRecord, ApprovalStatus
from llm.errors import (
    AdapterMissing,
    ModelTimeout,
    ModelUnavailable,
    PlannerError,
    RequestTooLong,
    UnusableOutput,
)
from tools.base import Plan, ToolCall, ToolResult

NOTHING_DONE = "Nothing was done."
NON_ACTION_TEXT = {
    "out_of_scope": "That is not something I can do. Type `help` to see what I can do.",
    "chit_chat": "Hello! Ask me about deployments, pods, logs, or to change something. "
    "Type `help` for the list.",
    "unsafe": "I won't do that: it is unsafe or asks me to bypass the rules. " + NOTHING_DONE,
}


def format_call(call: ToolCall | dict[str, Any]) -> str:
    """The exact call as compact JSON (secret-looking values masked for display)."""
    data = call.as_dict() if isinstance(call, ToolCall) else call
    return json.dumps(redact(data), separators=(", ", ": "))


def planner_error_text(exc: PlannerError) -> str:
    """A clear answer for a failed proposal."""
    if isinstance(exc, RequestTooLong):
        why = "That message is too long to plan"
    elif isinstance(exc, ModelUnavailable):
        why = "The model server cannot be reached right now"
    elif isinstance(exc, ModelTimeout):
        why = "The model took too long to answer"
    elif isinstance(exc, AdapterMissing):
        why = "The model server does not serve our model adapter"
    elif isinstance(exc, UnusableOutput):
        why = "I could not turn that into a valid command (the model's answer was invalid)"
    else:
        why = "I could not plan that request"
    return f"{why}: {redact_text(str(exc))[:300]}. {NOTHING_DONE} Try again or rephrase."


def plan_text(plan: Plan) -> str:
    """Dry-run summary plus the diff in a code block."""
    text = redact_text(plan.summary)
    if plan.diff:
        text += "\n```\n" + redact_text(plan.diff) + "\n```"
    return text


def approval_text(
    prepared: PreparedCall,
    plan: Plan,
    *,
    requester: str,
    required: int,
    approval_id: str,
    expires_at: datetime,
) -> str:
    """Text of an approval request: who, what exactly, where, dry run, expiry."""
    where = place_of(prepared.target)
    production = " (production)" if prepared.production else ""
    return (
        f"Approval {approval_id}: {requester} asks to run a {prepared.risk} action "
        f"in {where}{production}:\n`{format_call(prepared.call)}`\n"
        f"Dry run: {plan_text(plan)}\n"
        f"Needs {required} approval(s) from an approver other than {requester}; "
        f"expires {expires_at:%Y-%m-%d %H:%M} UTC."
    )


def approval_reply(record: ApprovalRecord, prepared: PreparedCall, plan: Plan) -> ChatReply:
    """The approval request: exact call, dry run, who may decide, expiry; data for buttons."""
    text = approval_text(
        prepared,
        plan,
        requester=record.requester,
        required=record.required,
        approval_id=record.id,
        expires_at=record.expires_at,
    )
    data = {
        "call": redact(record.call),
        "digest": record.digest,
        "risk": record.risk,
        "target": record.target,
        "required": record.required,
        "requester": record.requester,
        "expires_at": record.expires_at.isoformat(),
        "dry_run": plan_text(plan),
        "diff": redact_text(plan.diff),
    }
    return ChatReply(
        kind=ReplyKind.APPROVAL,
        text=text,
        thread_id=record.thread_id,
        approval_id=record.id,
        data=data,
    )


def result_text(result: ToolResult) -> str:
    """A tool result's summary, secrets masked."""
    return redact_text(result.summary)


def status_text(record: ApprovalRecord) -> str:
    """Why a request can no longer be decided."""
    texts = {
        ApprovalStatus.EXECUTING: "is being executed now",
        ApprovalStatus.EXECUTED: "was already approved and executed",
        ApprovalStatus.FAILED: "failed and will not run",
        ApprovalStatus.REJECTED: "was rejected; nothing was done",
        ApprovalStatus.EXPIRED: "expired; nothing was done",
        ApprovalStatus.PENDING: "is still waiting for approval",
    }
    return f"Approval {record.id} {texts[record.status]}."
