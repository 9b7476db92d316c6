"""What Teams POSTs to a bot's /api/messages: message and Adaptive Card invoke activities."""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import httpx

BOT_ID = "28:chatops-bot"
BOT_NAME = "ChatOps"
TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47"
CHANNEL = "19:ops@thread.tacv2"
AAD_ALICE = "5f2b9c1e-3d4a-4b5c-8d6e-7f8091a2b3c4"
AAD_BOB = "0b0b0b0b-1111-4222-8333-444455556666"
AAD_MALLORY = "deadbeef-0000-4000-8000-000000000bad"
_ids = itertools.count(1_700_000_000_000)


def _base(*, service_url: str, user: str, aad: str | None, conversation: dict) -> dict:
    sender = {"id": f"29:{user}", "name": user.title()}
    if aad:
        sender["aadObjectId"] = aad
    return {
        "id": str(next(_ids)),
        "timestamp": datetime.now(UTC).isoformat(),
        "serviceUrl": service_url,
        "channelId": "msteams",
        "from": sender,
        "recipient": {"id": BOT_ID, "name": BOT_NAME},
        "conversation": {"tenantId": TENANT, **conversation},
        "channelData": {"tenant": {"id": TENANT}},
        "locale": "en-US",
    }


def personal_message(*, service_url: str, user: str, aad: str | None, text: str) -> dict:
    """A 1:1 chat message to the bot."""
    conversation = {"conversationType": "personal", "id": f"a:1-{user}"}
    activity = _base(service_url=service_url, user=user, aad=aad, conversation=conversation)
    activity.update(type="message", text=text, textFormat="plain")
    return activity


def channel_mention(
    *, service_url: str, user: str, aad: str | None, text: str, thread: str | None = None
) -> dict:
    """A channel message that @-mentions the bot; `thread` is the root message id."""
    root = thread or str(next(_ids))
    conversation = {
        "conversationType": "channel",
        "isGroup": True,
        "id": f"{CHANNEL};messageid={root}",
    }
    activity = _base(service_url=service_url, user=user, aad=aad, conversation=conversation)
    mention = f"<at>{BOT_NAME}</at>"
    activity.update(
        type="message",
        text=f"{mention} {text}",
        textFormat="plain",
        entities=[
            {"type": "mention", "text": mention, "mentioned": {"id": BOT_ID, "name": BOT_NAME}}
        ],
        channelData={
            "tenant": {"id": TENANT},
            "teamsChannelId": CHANNEL,
            "channel": {"id": CHANNEL},
            "team": {"id": "19:team@thread.tacv2"},
        },
    )
    return activity


def card_action(
    *,
    service_url: str,
    user: str,
    aad: str | None,
    card_activity: dict[str, Any],
    conversation_id: str,
    verb: str,
) -> dict:
    """The invoke Teams sends when `user` presses the card's Action.Execute with `verb`."""
    card = card_activity["attachments"][0]["content"]
    [action] = [a for a in card["actions"] if a["verb"] == verb]
    conversation = {"conversationType": "channel", "id": conversation_id}
    activity = _base(service_url=service_url, user=user, aad=aad, conversation=conversation)
    activity.update(
        type="invoke",
        name="adaptiveCard/action",
        replyToId=card_activity["id"],
        value={
            "action": {"type": "Action.Execute", "verb": verb, "data": action["data"]},
            "trigger": "manual",
        },
    )
    return activity


@dataclass
class Answer:
    status: int
    body: Any


class TeamsSender:
    """POSTs activities to the bot like the Bot Framework channel does."""

    def __init__(self, *, url: str) -> None:
        self.url = url
        self.http = httpx.Client(timeout=120.0)  # first requests warm up the whole stack

    def close(self) -> None:
        self.http.close()

    def post(self, activity: dict[str, Any], *, token: str | None = None) -> Answer:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        response = self.http.post(self.url, json=activity, headers=headers)
        body = (
            response.json()
            if response.content and "json" in response.headers.get("content-type", "")
            else response.text
        )
        return Answer(response.status_code, body)
