"""Block Kit rendering and the reading of click outcomes (pure functions)."""

from __future__ import annotations

from bot.approval_display import changed_nothing
from bot.chat import ChatReply, ReplyKind
from bot.slack.render import (
    ACTIONS_BLOCK,
    SECTION_LIMIT,
    render_decision,
    render_reply,
    to_mrkdwn,
)


def _approval() -> ChatReply:
    return ChatReply(
        kind=ReplyKind.APPROVAL,
        text="drain node-1?",
        approval_id="ap-9",
        data={"diff": "- schedulable\n+ drained"},
    )


def _texts(blocks):
    return [b["text"]["text"] for b in blocks if b.get("type") == "section"]


def test_markdown_light_becomes_mrkdwn_and_user_text_cannot_inject_mentions():
    text = "**Done** see [docs](https://example.com/x) <!channel> & <@U1>\n## Result"
    assert to_mrkdwn(text) == (
        "*Done* see <https://example.com/x|docs> &lt;!channel&gt; &amp; &lt;@U1&gt;\n*Result*"
    )


def test_long_text_is_clipped_with_balanced_code_fences():
    reply = ChatReply(kind=ReplyKind.ANSWER, text="```\n" + "x" * 5000 + "\n```")
    [section] = render_reply(reply)["blocks"]
    text = section["text"]["text"]
    assert len(text) <= SECTION_LIMIT and text.count("```") % 2 == 0
    assert text.endswith("(truncated)")


def test_a_pending_decision_keeps_the_buttons_and_every_note():
    blocks = render_reply(_approval())["blocks"]
    first = ChatReply(
        kind=ReplyKind.INFO,
        text="Approved by bob (1 of 2)",
        approval_id="ap-9",
        data={"status": "pending"},
    )
    once = render_decision(message_blocks=blocks, replies=[first], approval_id="ap-9")
    assert [b for b in once["blocks"] if b.get("block_id") == ACTIONS_BLOCK]
    done = ChatReply(
        kind=ReplyKind.ANSWER,
        text="Done (approved by bob, carol)",
        approval_id="ap-9",
        data={"status": "executed"},
    )
    twice = render_decision(message_blocks=once["blocks"], replies=[done], approval_id="ap-9")
    assert not [b for b in twice["blocks"] if b.get("block_id") == ACTIONS_BLOCK]
    texts = _texts(twice["blocks"])
    assert texts[0].endswith("drain node-1?") and "+ drained" in texts[1]
    assert texts[-2:] == ["Approved by bob (1 of 2)", "Done (approved by bob, carol)"]
    block_ids = [b["block_id"] for b in twice["blocks"] if "block_id" in b]
    assert len(block_ids) == len(set(block_ids))  # Slack rejects duplicate block ids


def test_which_click_outcomes_change_nothing():
    refusal = ChatReply(kind=ReplyKind.REFUSAL, text="not an approver")
    unknown = ChatReply(kind=ReplyKind.ERROR, text="No approval request x.")
    failed = ChatReply(kind=ReplyKind.ERROR, text="could not run", data={"status": "failed"})
    expired = ChatReply(kind=ReplyKind.INFO, text="expired", data={"status": "expired"})
    assert changed_nothing([refusal]) and changed_nothing([unknown]) and changed_nothing([])
    assert not changed_nothing([failed]) and not changed_nothing([expired])
