"""The slow half of the Slack adapter: runs the engine after the ack and posts what it says.

Runs on a worker thread. Replies go into the request's thread (chat.postMessage);
a decision updates the approval message in place (chat.update); a click that changed
nothing (refused, unknown approval) is answered only to the clicker (chat.postEphemeral).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_sdk import WebClient
from slack_sdk.errors import SlackApiError

from bot.approval_display import FAILED_TEXT, changed_nothing
from bot.chat import ChatReply, ChatRequest, ReplyKind
from bot.slack.render import render_decision, render_refusal, render_reply

if TYPE_CHECKING:
    from bot.engine import Engine

PLATFORM = "slack"


@dataclass(frozen=True)
class Click:
    """An Approve/Reject button press, as the adapter read it from block_actions."""

    approval_id: str
    approve: bool
    user_id: str
    channel_id: str
    message_ts: str
    thread_ts: str | None
    message_blocks: list[dict[str, Any]]


class SlackDelivery:
    """Engine calls and the Web API calls that follow them."""

    def __init__(self, *, engine: Engine, client: WebClient, logger: logging.Logger) -> None:
        self.engine = engine
        self.client = client
        self.logger = logger

    def converse(self, request: ChatRequest, *, announce: str | None = None) -> None:
        """Answer one message; `announce` first posts a thread root (slash commands)."""
        try:
            if announce is not None:
                root = self.client.chat_postMessage(channel=request.channel_id, text=announce)
                request = request.model_copy(update={"thread_id": root["ts"]})
            replies = self._handle(request)
            for reply in replies:
                self.client.chat_postMessage(
                    channel=request.channel_id,
                    thread_ts=reply.thread_id or request.thread_id,
                    **render_reply(reply),
                )
        except SlackApiError as exc:
            self.logger.error("Slack refused a reply in %s: %s", request.channel_id, exc)

    def _handle(self, request: ChatRequest) -> list[ChatReply]:
        try:
            return self.engine.handle(request)
        except Exception:  # the person must hear back even when the engine breaks
            self.logger.exception("engine failed on Slack event %s", request.event_id)
            return [ChatReply(kind=ReplyKind.ERROR, text=FAILED_TEXT)]

    def decide(self, click: Click) -> None:
        """Record a decision; update the approval message or tell the clicker why not."""
        try:
            replies = self.engine.decide(
                click.approval_id, platform=PLATFORM, user_id=click.user_id, approve=click.approve
            )
        except Exception:
            self.logger.exception("engine failed deciding approval %s", click.approval_id)
            replies = [ChatReply(kind=ReplyKind.ERROR, text=FAILED_TEXT)]
        try:
            if changed_nothing(replies):
                self.client.chat_postEphemeral(
                    channel=click.channel_id,
                    user=click.user_id,
                    thread_ts=click.thread_ts,
                    text=render_refusal(replies),
                )
                return
            self.client.chat_update(
                channel=click.channel_id,
                ts=click.message_ts,
                **render_decision(
                    message_blocks=click.message_blocks,
                    replies=replies,
                    approval_id=click.approval_id,
                ),
            )
        except SlackApiError as exc:
            self.logger.error("Slack refused the decision update in %s: %s", click.channel_id, exc)
