"""What Slack sends to a bot: event, slash-command and button payloads, signed as Slack signs.

`SlackSender(url=..., signing_secret=...)` POSTs them to the bot's HTTP endpoint with
X-Slack-Signature / X-Slack-Request-Timestamp (and X-Slack-Retry-Num for retries).
The same payload builders feed the Socket Mode emulator.
"""

from __future__ import annotations

import itertools
import json
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

TEAM_ID = "T0TEST"
_counter = itertools.count(1)


def next_ts() -> str:
    """A fresh Slack message timestamp."""
    return f"{1600000000 + next(_counter)}.000200"


def event_callback(event: dict[str, Any], *, event_id: str | None = None) -> dict[str, Any]:
    """Wrap an event the way the Events API delivers it."""
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "api_app_id": "A0TEST",
        "event": event,
        "type": "event_callback",
        "event_id": event_id or f"Ev{next(_counter):08d}",
        "event_time": int(time.time()),
        "authorizations": [{"team_id": TEAM_ID, "user_id": "UBOT", "is_bot": True}],
    }


def app_mention(*, user: str, channel: str, text: str, thread_ts: str | None = None) -> dict:
    """An @-mention of the bot in a channel (text includes the `<@UBOT>` mention)."""
    event = {"type": "app_mention", "user": user, "channel": channel, "text": text}
    event.update(ts=next_ts(), event_ts=next_ts(), channel_type="channel")
    if thread_ts:
        event["thread_ts"] = thread_ts
    return event


def direct_message(*, user: str, channel: str, text: str, **extra: Any) -> dict:
    """A message in the bot's DM (message.im)."""
    event = {"type": "message", "channel_type": "im", "user": user, "channel": channel}
    event.update(text=text, ts=next_ts(), event_ts=next_ts(), **extra)
    return event


def slash_command(*, user: str, channel: str, text: str, command: str = "/ops") -> dict:
    """The form fields of a slash command invocation."""
    return {
        "token": "legacy",
        "team_id": TEAM_ID,
        "channel_id": channel,
        "user_id": user,
        "user_name": user.lower(),
        "command": command,
        "text": text,
        "trigger_id": f"trig.{next(_counter)}",
        "response_url": "https://hooks.slack.invalid/commands/1",
        "api_app_id": "A0TEST",
    }


def button_click(*, user: str, message: dict[str, Any], channel: str, action_id: str) -> dict:
    """A block_actions payload for pressing the button `action_id` on `message`."""
    button = _find_button(message.get("blocks") or [], action_id)
    return {
        "type": "block_actions",
        "team": {"id": TEAM_ID, "domain": "test"},
        "user": {"id": user, "team_id": TEAM_ID},
        "api_app_id": "A0TEST",
        "trigger_id": f"trig.{next(_counter)}",
        "container": {"type": "message", "message_ts": message["ts"], "channel_id": channel},
        "channel": {"id": channel},
        "message": message,
        "actions": [
            {
                "type": "button",
                "action_id": action_id,
                "block_id": button["block_id"],
                "value": button["value"],
                "action_ts": str(time.time()),
            }
        ],
    }


def _find_button(blocks: list[dict[str, Any]], action_id: str) -> dict[str, Any]:
    for block in blocks:
        for element in block.get("elements", []):
            if element.get("action_id") == action_id:
                return {"block_id": block.get("block_id", ""), "value": element.get("value")}
    raise AssertionError(f"no button {action_id!r} in message blocks")


@dataclass
class SignedResponse:
    status: int
    body: str
    elapsed_s: float


class SlackSender:
    """POSTs payloads to the bot's /slack/events endpoint, signed with the signing secret."""

    def __init__(self, *, url: str, signing_secret: str, timeout_s: float = 10.0):
        self.url = url
        self.verifier = SignatureVerifier(signing_secret)
        self.http = httpx.Client(timeout=timeout_s)

    def close(self) -> None:
        self.http.close()

    def send_event(self, envelope: dict, *, retry_num: int | None = None, **kw) -> SignedResponse:
        headers = {"X-Slack-Retry-Num": str(retry_num), "X-Slack-Retry-Reason": "http_timeout"}
        extra = headers if retry_num is not None else {}
        return self.post(json.dumps(envelope), "application/json", extra_headers=extra, **kw)

    def send_command(self, fields: dict[str, str], **kw: Any) -> SignedResponse:
        return self.post(urlencode(fields), "application/x-www-form-urlencoded", **kw)

    def send_action(self, payload: dict[str, Any], **kw: Any) -> SignedResponse:
        body = urlencode({"payload": json.dumps(payload)})
        return self.post(body, "application/x-www-form-urlencoded", **kw)

    def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        extra_headers: dict[str, str] | None = None,
    ) -> SignedResponse:
        """POST `body`; sign it unless `signature` is given (tests pass a bad one)."""
        ts = str(timestamp if timestamp is not None else int(time.time()))
        headers = {
            "Content-Type": content_type,
            "X-Slack-Request-Timestamp": ts,
            "X-Slack-Signature": signature
            or self.verifier.generate_signature(timestamp=ts, body=body),
            **(extra_headers or {}),
        }
        started = time.perf_counter()
        response = self.http.post(self.url, content=body.encode(), headers=headers)
        return SignedResponse(response.status_code, response.text, time.perf_counter() - started)
