"""ChatReply -> Teams activity content: Markdown text, or an Adaptive Card for approvals.

Approve/Reject are `Action.Execute` actions (Universal Actions): a click arrives as an
`adaptiveCard/action` invoke carrying the action data. Teams does not send the card
back with the click, so the data also carries the approval's summary, signed by the bot
(HMAC): when the card is rebuilt with the decision, a summary that was tampered with on
the client is dropped instead of shown as if the bot had written it.
"""

from __future__ import annotations

import hashlib
import hmac
from typing import Any

from bot.approval_display import is_pending
from bot.chat import ChatReply, ReplyKind

CARD_CONTENT_TYPE = "application/vnd.microsoft.card.adaptive"
APPROVE_VERB = "approve"
REJECT_VERB = "reject"
SUMMARY_LIMIT = 4000

_TITLES = {
    ReplyKind.ANSWER: "",
    ReplyKind.APPROVAL: "🔒 ",
    ReplyKind.REFUSAL: "⛔ ",
    ReplyKind.CLARIFY: "❓ ",
    ReplyKind.INFO: "",
    ReplyKind.ERROR: "⚠️ ",
}


def reply_text(reply: ChatReply) -> str:
    """The Markdown text of a reply as Teams shows it."""
    return _TITLES[reply.kind] + reply.text


class CardSigner:
    """Signs and checks the summary carried in card actions (key: the bot's secret)."""

    def __init__(self, key: bytes) -> None:
        self._key = hashlib.sha256(b"chatops-teams-card\0" + key).digest()

    def sign(self, approval_id: str, summary: str) -> str:
        message = f"{approval_id}\0{summary}".encode()
        return hmac.new(self._key, message, hashlib.sha256).hexdigest()

    def verified_summary(self, data: dict[str, Any]) -> str | None:
        """The summary from action data if its signature holds, else None."""
        approval_id, summary, signature = (data.get(k) for k in ("approval_id", "summary", "sig"))
        if not all(isinstance(v, str) for v in (approval_id, summary, signature)):
            return None
        if hmac.compare_digest(self.sign(approval_id, summary), signature):
            return summary
        return None


def _text_block(text: str, **style: Any) -> dict[str, Any]:
    return {"type": "TextBlock", "text": text, "wrap": True, **style}


def _card(body: list[dict[str, Any]], actions: list[dict[str, Any]]) -> dict[str, Any]:
    card = {
        "type": "AdaptiveCard",
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "version": "1.4",
        "body": body,
    }
    if actions:
        card["actions"] = actions
    return card


def _buttons(approval_id: str, summary: str, signer: CardSigner) -> list[dict[str, Any]]:
    data = {
        "approval_id": approval_id,
        "summary": summary,
        "sig": signer.sign(approval_id, summary),
    }
    return [
        {
            "type": "Action.Execute",
            "title": "Approve",
            "verb": APPROVE_VERB,
            "style": "positive",
            "data": data,
        },
        {
            "type": "Action.Execute",
            "title": "Reject",
            "verb": REJECT_VERB,
            "style": "destructive",
            "data": data,
        },
    ]


def _summary(reply: ChatReply) -> str:
    text = reply.text
    dry_run = reply.data.get("dry_run") or reply.data.get("diff")
    if isinstance(dry_run, str) and dry_run.strip() and dry_run not in text:
        text += "\n\n```\n" + dry_run + "\n```"
    if len(text) > SUMMARY_LIMIT:
        text = text[: SUMMARY_LIMIT - 15] + "\n… (truncated)"
    return text


def approval_card(reply: ChatReply, *, signer: CardSigner) -> dict[str, Any]:
    """The Adaptive Card for an APPROVAL reply, with Approve/Reject actions."""
    summary = _summary(reply)
    body = [
        _text_block("Approval needed", weight="Bolder", size="Medium"),
        _text_block(summary),
        _text_block(f"approval {reply.approval_id}", isSubtle=True, size="Small"),
    ]
    return _card(body, _buttons(reply.approval_id or "", summary, signer))


def decided_card(
    *, approval_id: str, summary: str | None, replies: list[ChatReply], signer: CardSigner
) -> dict[str, Any]:
    """The approval card rebuilt with the decision and result; buttons stay while pending."""
    body = [_text_block("Approval", weight="Bolder", size="Medium")]
    if summary is not None:
        body.append(_text_block(summary))
    body.append(_text_block(f"approval {approval_id}", isSubtle=True, size="Small"))
    body += [_text_block(reply_text(r), separator=True) for r in replies if r.text.strip()]
    pending = any(is_pending(r, approval_id) for r in replies)
    actions = _buttons(approval_id, summary or "", signer) if pending else []
    return _card(body, actions)
