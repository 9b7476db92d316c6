"""ChatReply -> Slack message (Block Kit). Rendering only: no decisions are made here.

An APPROVAL reply becomes a message with Approve/Reject buttons carrying the approval id;
when someone decides, the same message is rebuilt (chat.update) from its own blocks: the
buttons go away (or stay, while more approvals are needed) and the decision and result
are appended.
"""

from __future__ import annotations

import re
from typing import Any

from bot.approval_display import is_pending
from bot.chat import ChatReply, ReplyKind

APPROVE_ACTION = "chatops_approve"
REJECT_ACTION = "chatops_reject"
ACTIONS_BLOCK = "chatops_approval_actions"
DECISION_BLOCK_PREFIX = "chatops_decision_"
SECTION_LIMIT = 3000  # Slack rejects section text longer than this
FALLBACK_LIMIT = 3500

_BADGES = {
    ReplyKind.ANSWER: "",
    ReplyKind.APPROVAL: ":lock: ",
    ReplyKind.REFUSAL: ":no_entry: ",
    ReplyKind.CLARIFY: ":question: ",
    ReplyKind.INFO: "",
    ReplyKind.ERROR: ":warning: ",
}


def to_mrkdwn(text: str) -> str:
    """Markdown-light -> Slack mrkdwn: **bold**, [text](url), # headings; escapes <, >, &."""
    text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    text = re.sub(r"\*\*(.+?)\*\*", r"*\1*", text)
    text = re.sub(r"\[([^\]\n]+)\]\((https?://[^)\s]+)\)", r"<\2|\1>", text)
    return re.sub(r"(?m)^#{1,6} +(.+)$", r"*\1*", text)


def _clip(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    # Keep code fences balanced when cutting inside one.
    cut = text[: limit - 20].rstrip()
    suffix = "\n```" if cut.count("```") % 2 else ""
    return cut + suffix + "\n… (truncated)"


def _section(text: str, *, block_id: str | None = None) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "section",
        "text": {"type": "mrkdwn", "text": _clip(text, SECTION_LIMIT) or " "},
    }
    if block_id:
        block["block_id"] = block_id
    return block


def _approval_buttons(approval_id: str) -> dict[str, Any]:
    return {
        "type": "actions",
        "block_id": ACTIONS_BLOCK,
        "elements": [
            {
                "type": "button",
                "action_id": APPROVE_ACTION,
                "text": {"type": "plain_text", "text": "Approve"},
                "style": "primary",
                "value": approval_id,
            },
            {
                "type": "button",
                "action_id": REJECT_ACTION,
                "text": {"type": "plain_text", "text": "Reject"},
                "style": "danger",
                "value": approval_id,
            },
        ],
    }


def _diff_text(reply: ChatReply) -> str | None:
    diff = reply.data.get("diff")
    if isinstance(diff, str) and diff.strip() and diff not in reply.text:
        return "```" + diff.replace("```", "'''") + "```"
    return None


def render_reply(reply: ChatReply) -> dict[str, Any]:
    """`text` (notification fallback) and `blocks` for chat.postMessage."""
    text = _BADGES[reply.kind] + to_mrkdwn(reply.text)
    blocks = [_section(text)]
    if reply.kind is ReplyKind.APPROVAL and reply.approval_id:
        diff = _diff_text(reply)
        if diff:
            blocks.append(_section(diff))
        blocks.append(
            {
                "type": "context",
                "elements": [{"type": "mrkdwn", "text": f"approval `{reply.approval_id}`"}],
            }
        )
        blocks.append(_approval_buttons(reply.approval_id))
    return {"text": _clip(text, FALLBACK_LIMIT), "blocks": blocks}


def render_decision(
    *, message_blocks: list[dict[str, Any]], replies: list[ChatReply], approval_id: str
) -> dict[str, Any]:
    """The approval message rebuilt with the decision and result (for chat.update).

    Earlier decision notes are kept (two-approver flows). The buttons stay only while a
    reply says the approval is still pending (`is_pending`).
    """
    kept = [block for block in message_blocks if block.get("block_id") != ACTIONS_BLOCK]
    decided = [b for b in kept if str(b.get("block_id", "")).startswith(DECISION_BLOCK_PREFIX)]
    earlier = sum(b.get("type") == "section" for b in decided)
    pending = any(is_pending(r, approval_id) for r in replies)
    notes = [_BADGES[r.kind] + to_mrkdwn(r.text) for r in replies if r.text.strip()]
    blocks = list(kept)
    if not decided:
        blocks.append({"type": "divider", "block_id": DECISION_BLOCK_PREFIX + "divider"})
    blocks += [
        _section(note, block_id=f"{DECISION_BLOCK_PREFIX}{earlier + i}")
        for i, note in enumerate(notes)
    ]
    if pending:
        blocks.append(_approval_buttons(approval_id))
    fallback = "\n".join(notes) or "Approval decided."
    return {"text": _clip(fallback, FALLBACK_LIMIT), "blocks": blocks}


def render_refusal(replies: list[ChatReply]) -> str:
    """Text of the ephemeral note for someone whose click changed nothing."""
    return "\n".join(_BADGES[r.kind] + to_mrkdwn(r.text) for r in replies) or "Nothing changed."
