"""The Teams front-end: Bot Framework activities -> ChatRequest, ChatReply -> activities.

Messages (1:1, group chats, channel @mentions) are answered in their conversation;
in a channel the conversation id names the thread, so answers stay in it. A message's
HTTP request returns at once and the answer follows as a proactive message: the model
may take longer than Teams waits (about 15 s) before it retries. Approvals are
Adaptive Cards; a click is an `adaptiveCard/action` invoke, answered with an
`InvokeResponse` built here (botbuilder's `on_adaptive_card_invoke` serializes its answer
twice and Teams gets HTTP 500, so `on_invoke_activity` is overridden instead).
"""

from __future__ import annotations

import asyncio
import logging
from concurrent.futures import Executor
from http import HTTPStatus
from typing import TYPE_CHECKING, Any

from botbuilder.core import (
    ActivityHandler,
    BotAdapter,
    InvokeResponse,
    MessageFactory,
    TurnContext,
)
from botbuilder.schema import Activity, ActivityTypes, Attachment, ConversationReference
from msrest.serialization import Model

from bot.approval_display import FAILED_TEXT, changed_nothing
from bot.chat import ChatReply, ChatRequest, ReplyKind
from bot.teams.cards import (
    APPROVE_VERB,
    CARD_CONTENT_TYPE,
    REJECT_VERB,
    CardSigner,
    approval_card,
    decided_card,
    reply_text,
)

if TYPE_CHECKING:
    from bot.engine import Engine

PLATFORM = "teams"
CARD_ACTION = "adaptiveCard/action"
MESSAGE_TYPE = "application/vnd.microsoft.activity.message"


def strip_bot_mention(activity: Activity) -> str:
    """The message text without the <at>bot</at> mention(s) of the recipient."""
    text = activity.text or ""
    for entity in activity.entities or []:
        props = entity.additional_properties or {}
        mentioned = props.get("mentioned") or {}
        if entity.type == "mention" and mentioned.get("id") == activity.recipient.id:
            text = text.replace(props.get("text") or f"<at>{mentioned.get('name')}</at>", " ")
    return " ".join(text.split())


def request_from_activity(activity: Activity) -> ChatRequest:
    """A message activity -> ChatRequest. The user is their AAD object id when Teams sends it."""
    conversation_id = activity.conversation.id
    channel_data = activity.channel_data or {}
    channel = (
        (channel_data.get("channel") or {}).get("id") if isinstance(channel_data, dict) else None
    )
    base_id, _, thread = conversation_id.partition(";messageid=")
    sender = activity.from_property
    return ChatRequest(
        platform=PLATFORM,
        user_id=sender.aad_object_id or sender.id,
        channel_id=channel or base_id,
        text=strip_bot_mention(activity),
        thread_id=thread or None,
        # Activity ids are unique per conversation only.
        event_id=f"{base_id}/{activity.id}" if activity.id else None,
    )


class CardActionResponse(Model):
    """The body of an `adaptiveCard/action` answer.

    CloudAdapter serializes invoke bodies with msrest, so the body must be a msrest Model
    (a dict fails). botbuilder's own AdaptiveCardInvokeResponse types `value` as a dict,
    which rules out the plain-text message answer; this one takes either.
    """

    _attribute_map = {
        "status_code": {"key": "statusCode", "type": "int"},
        "type": {"key": "type", "type": "str"},
        "value": {"key": "value", "type": "object"},
    }

    def __init__(self, *, status_code: int, type: str, value: Any) -> None:  # noqa: A002
        super().__init__()
        self.status_code, self.type, self.value = status_code, type, value


def _invoke(status: HTTPStatus, kind: str, value: Any) -> InvokeResponse:
    body = CardActionResponse(status_code=int(status), type=kind, value=value)
    return InvokeResponse(status=int(HTTPStatus.OK), body=body)


class TeamsBot(ActivityHandler):
    """Runs the (blocking) engine on `workers` so the event loop keeps serving."""

    def __init__(
        self,
        *,
        engine: Engine,
        adapter: BotAdapter,
        app_id: str,
        workers: Executor,
        signer: CardSigner,
        logger: logging.Logger | None = None,
    ) -> None:
        self.engine, self.adapter, self.app_id = engine, adapter, app_id
        self.workers = workers
        self.signer = signer
        self.logger = logger or logging.getLogger("chatops.teams")
        self.answering: set[asyncio.Task] = set()
        """Answers still being worked on (kept referenced until done)."""

    async def on_message_activity(self, turn_context: TurnContext) -> None:
        request = request_from_activity(turn_context.activity)
        reference = TurnContext.get_conversation_reference(turn_context.activity)
        task = asyncio.create_task(self._answer(reference, request))
        self.answering.add(task)
        task.add_done_callback(self.answering.discard)

    async def _answer(self, reference: ConversationReference, request: ChatRequest) -> None:
        loop = asyncio.get_running_loop()
        try:
            replies = await loop.run_in_executor(self.workers, self.engine.handle, request)
        except Exception:  # the person must hear back even when the engine breaks
            self.logger.exception("engine failed on Teams activity %s", request.event_id)
            replies = [ChatReply(kind=ReplyKind.ERROR, text=FAILED_TEXT)]
        if not replies:
            return  # a redelivered activity: the first delivery answers

        async def send(turn_context: TurnContext) -> None:
            # Answer the person's message, not the synthetic continuation event.
            turn_context.activity.id = reference.activity_id
            for reply in replies:
                await turn_context.send_activity(self._render(reply))

        try:
            await self.adapter.continue_conversation(reference, send, self.app_id)
        except Exception:
            self.logger.exception("could not answer Teams activity %s", request.event_id)

    async def drain(self, *, timeout_s: float = 30.0) -> None:
        """Wait for answers in progress (before shutting down)."""
        if self.answering:
            await asyncio.wait(set(self.answering), timeout=timeout_s)

    def _render(self, reply: ChatReply) -> Activity:
        if reply.kind is ReplyKind.APPROVAL and reply.approval_id:
            card = approval_card(reply, signer=self.signer)
            attachment = Attachment(content_type=CARD_CONTENT_TYPE, content=card)
            return MessageFactory.attachment(attachment, text=None)
        activity = MessageFactory.text(reply_text(reply))
        activity.text_format = "markdown"
        return activity

    async def on_invoke_activity(self, turn_context: TurnContext) -> InvokeResponse:
        activity = turn_context.activity
        if activity.name != CARD_ACTION:
            return InvokeResponse(status=int(HTTPStatus.NOT_IMPLEMENTED))
        action = (activity.value or {}).get("action") or {}
        data = action.get("data") or {}
        verb, approval_id = action.get("verb"), data.get("approval_id")
        if verb not in (APPROVE_VERB, REJECT_VERB) or not isinstance(approval_id, str):
            error = {"code": "BadRequest", "message": "not an approval action of this bot"}
            return _invoke(HTTPStatus.BAD_REQUEST, "application/vnd.microsoft.error", error)
        user_id = activity.from_property.aad_object_id or activity.from_property.id
        replies = await self._decide(approval_id, user_id=user_id, approve=verb == APPROVE_VERB)
        if changed_nothing(replies):
            text = "\n".join(reply_text(r) for r in replies) or "Nothing changed."
            return _invoke(HTTPStatus.OK, MESSAGE_TYPE, text)  # shown to the clicker only
        card = decided_card(
            approval_id=approval_id,
            summary=self.signer.verified_summary(data),
            replies=replies,
            signer=self.signer,
        )
        await self._update_card(turn_context, card)
        return _invoke(HTTPStatus.OK, CARD_CONTENT_TYPE, card)

    async def _decide(self, approval_id: str, *, user_id: str, approve: bool) -> list[ChatReply]:
        loop = asyncio.get_running_loop()

        def decide() -> list[ChatReply]:
            return self.engine.decide(
                approval_id, platform=PLATFORM, user_id=user_id, approve=approve
            )

        try:
            return await loop.run_in_executor(self.workers, decide)
        except Exception:
            self.logger.exception("engine failed deciding approval %s", approval_id)
            return [ChatReply(kind=ReplyKind.ERROR, text=FAILED_TEXT)]

    async def _update_card(self, turn_context: TurnContext, card: dict[str, Any]) -> None:
        """Replace the card message for everyone (the invoke answer covers the clicker)."""
        card_message_id = turn_context.activity.reply_to_id
        if not card_message_id:
            return
        update = Activity(
            type=ActivityTypes.message,
            id=card_message_id,
            attachments=[Attachment(content_type=CARD_CONTENT_TYPE, content=card)],
        )
        try:
            await turn_context.update_activity(update)
        except Exception:  # the decision stands; only the shared card stays stale
            self.logger.exception("could not update the approval card %s", card_message_id)
