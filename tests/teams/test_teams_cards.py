"""Adaptive Cards for approvals and the signed summary they carry (pure functions)."""

from __future__ import annotations

from bot.chat import ChatReply, ReplyKind
from bot.teams.cards import CardSigner, approval_card, decided_card


def _reply() -> ChatReply:
    return ChatReply(
        kind=ReplyKind.APPROVAL,
        text="restart api?",
        approval_id="ap-3",
        data={"dry_run": "rollout restart deployment/api"},
    )


def test_card_data_carries_a_summary_only_this_bot_can_sign():
    signer = CardSigner(b"password")
    data = approval_card(_reply(), signer=signer)["actions"][0]["data"]
    assert signer.verified_summary(data).startswith("restart api?")
    assert "rollout restart" in data["summary"]
    assert CardSigner(b"other").verified_summary(data) is None
    assert signer.verified_summary({**data, "approval_id": "ap-4"}) is None
    assert signer.verified_summary({**data, "summary": data["summary"] + "!"}) is None
    assert signer.verified_summary({"approval_id": "ap-3"}) is None


def test_decided_card_keeps_actions_only_while_pending():
    signer = CardSigner(b"k")
    pending = ChatReply(
        kind=ReplyKind.INFO, text="1 of 2", approval_id="ap-3", data={"status": "pending"}
    )
    card = decided_card(
        approval_id="ap-3", summary="restart api?", replies=[pending], signer=signer
    )
    assert [a["verb"] for a in card["actions"]] == ["approve", "reject"]
    assert signer.verified_summary(card["actions"][0]["data"]) == "restart api?"
    done = ChatReply(
        kind=ReplyKind.ANSWER, text="Done", approval_id="ap-3", data={"status": "executed"}
    )
    final = decided_card(approval_id="ap-3", summary=None, replies=[done], signer=signer)
    assert "actions" not in final
    assert [b["text"] for b in final["body"]] == ["Approval", "approval ap-3", "Done"]
