"""The Slack front-end: a bolt app whose listeners turn payloads into ChatRequests.

Every listener acks at once and hands the slow part (model, policy, tools) to a worker
pool, so Slack always gets its answer well inside 3 seconds. Retried events carry the
same event_id, and the engine acts once per (platform, event_id).

    bot = build_slack_bot(engine=engine, settings=settings.slack)
    SlackHttpServer(bot.app, host=..., port=...).start()    # HTTP mode
    start_socket_mode(bot.app, app_token=...)                 # or Socket Mode
"""

from __future__ import annotations

import logging
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from slack_bolt import App
from slack_sdk import WebClient

from bot.chat import ChatRequest
from bot.settings import SlackSettings
from bot.slack.delivery import PLATFORM, Click, SlackDelivery
from bot.slack.render import APPROVE_ACTION, REJECT_ACTION

if TYPE_CHECKING:
    from bot.engine import Engine

SLACK_API_URL = "https://slack.com/api/"
COMMAND = "/ops"
DEFAULT_WORKERS = 8
_MENTION = re.compile(r"<@([UW][A-Z0-9]+)(?:\|[^>]*)?>")


@dataclass
class SlackBot:
    """The bolt app plus the worker pool that does the slow work after each ack."""

    app: App
    delivery: SlackDelivery
    workers: ThreadPoolExecutor

    def close(self) -> None:
        """Finish queued work, then stop the workers."""
        self.workers.shutdown(wait=True)


def build_slack_bot(
    *,
    engine: Engine,
    settings: SlackSettings,
    workers: int = DEFAULT_WORKERS,
    logger: logging.Logger | None = None,
) -> SlackBot:
    """A bolt app wired to the engine. Needs a bot token; HTTP mode needs the signing secret."""
    logger = logger or logging.getLogger("chatops.slack")
    if settings.bot_token is None:
        raise ValueError("Slack needs a bot token: set CHATOPS_SLACK__BOT_TOKEN (xoxb-...)")
    if settings.mode == "http" and settings.signing_secret is None:
        raise ValueError("Slack HTTP mode needs CHATOPS_SLACK__SIGNING_SECRET to verify requests")
    client = WebClient(
        token=settings.bot_token.get_secret_value(),
        base_url=settings.api_url or SLACK_API_URL,
        logger=logger,
    )
    secret = settings.signing_secret.get_secret_value() if settings.signing_secret else ""
    app = App(
        client=client,
        signing_secret=secret,
        # Socket Mode payloads come over our own authenticated websocket, not signed HTTP.
        request_verification_enabled=settings.mode == "http",
        logger=logger,
        listener_executor=ThreadPoolExecutor(max_workers=4, thread_name_prefix="slack-ack"),
    )
    pool = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="slack-work")
    delivery = SlackDelivery(engine=engine, client=client, logger=logger)
    _register_listeners(app, delivery=delivery, pool=pool)
    return SlackBot(app=app, delivery=delivery, workers=pool)


def strip_mention(text: str, *, bot_user_id: str | None) -> str:
    """The text without the bot's own @-mention (other mentions are kept)."""
    if bot_user_id:
        text = _MENTION.sub(lambda m: "" if m.group(1) == bot_user_id else m.group(0), text)
    return " ".join(text.split())


def request_from_event(event: dict[str, Any], *, event_id: str | None, bot_user_id: str | None):
    """An app_mention or DM event -> ChatRequest (answers go into the event's thread)."""
    return ChatRequest(
        platform=PLATFORM,
        user_id=event["user"],
        channel_id=event["channel"],
        text=strip_mention(event.get("text") or "", bot_user_id=bot_user_id),
        thread_id=event.get("thread_ts") or event["ts"],
        event_id=event_id,
    )


def click_from_action(body: dict[str, Any], *, approve: bool) -> Click:
    """A block_actions payload for one of our buttons -> Click."""
    message = body.get("message") or {}
    container = body.get("container") or {}
    return Click(
        approval_id=body["actions"][0]["value"],
        approve=approve,
        user_id=body["user"]["id"],
        channel_id=(body.get("channel") or {}).get("id") or container["channel_id"],
        message_ts=container.get("message_ts") or message["ts"],
        thread_ts=message.get("thread_ts"),
        message_blocks=list(message.get("blocks") or []),
    )


def _register_listeners(app: App, *, delivery: SlackDelivery, pool: ThreadPoolExecutor) -> None:
    @app.event("app_mention")
    def on_mention(body: dict, event: dict, context: dict) -> None:
        # Events are acked by bolt before this runs; only queue the work here.
        if not event.get("user") or event.get("bot_id"):
            return  # mentions by integrations and bots are not a person's request
        request = request_from_event(
            event, event_id=body.get("event_id"), bot_user_id=context.get("bot_user_id")
        )
        pool.submit(delivery.converse, request)

    @app.event("message")
    def on_message(body: dict, event: dict, context: dict) -> None:
        if event.get("channel_type") != "im" or event.get("subtype") or event.get("bot_id"):
            return  # channel chatter, edits, joins and bots (ourselves included) are not requests
        if not event.get("user"):
            return
        request = request_from_event(
            event, event_id=body.get("event_id"), bot_user_id=context.get("bot_user_id")
        )
        pool.submit(delivery.converse, request)

    @app.command(COMMAND)
    def on_command(ack: Any, command: dict) -> None:
        ack()
        text = " ".join((command.get("text") or "").split())
        request = ChatRequest(
            platform=PLATFORM,
            user_id=command["user_id"],
            channel_id=command["channel_id"],
            text=text,
            event_id=command.get("trigger_id"),
        )
        shown = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        shown = shown.replace("`", "'")
        announce = f"<@{command['user_id']}> asked: `{COMMAND} {shown}`"
        pool.submit(delivery.converse, request, announce=announce)

    @app.action(APPROVE_ACTION)
    def on_approve(ack: Any, body: dict) -> None:
        ack()
        pool.submit(delivery.decide, click_from_action(body, approve=True))

    @app.action(REJECT_ACTION)
    def on_reject(ack: Any, body: dict) -> None:
        ack()
        pool.submit(delivery.decide, click_from_action(body, approve=False))
