"""How every front-end reads the replies to an Approve/Reject click (shared by Slack and Teams).

Two questions, answered once so the platforms agree: did the click change nothing (then
only the clicker is told why), and does the approval still wait for decisions (then its
buttons stay)?
"""

from __future__ import annotations

from bot.chat import ChatReply, ReplyKind

FAILED_TEXT = "Sorry, that request failed inside the bot; nothing was changed by this message."


def changed_nothing(replies: list[ChatReply]) -> bool:
    """Whether a click's replies only explain why nothing happened.

    A refusal never changes anything; an error without an approval status (unknown id,
    engine failure) neither. A reply carrying the approval's status updates the message.
    """
    return all(
        reply.kind is ReplyKind.REFUSAL
        or (reply.kind is ReplyKind.ERROR and "status" not in reply.data)
        for reply in replies
    )


def is_pending(reply: ChatReply, approval_id: str) -> bool:
    """Whether this reply says the approval still waits for decisions (buttons stay)."""
    if reply.approval_id != approval_id:
        return False
    return reply.kind is ReplyKind.APPROVAL or reply.data.get("status") == "pending"
