"""The conversation engine: one path for every front-end (Slack, Teams, local chat).

ChatRequest -> planner proposal (with live enums) -> channel defaults -> validation ->
policy -> answer now / ask for approval / refuse / suggest / clarify; and approvals
decided through `decide`. Every step is audited. The engine knows nothing of Slack or
Teams: adapters turn platform events into ChatRequests and ChatReplies into messages.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from bot.approvals import ApprovalFlow
from bot.auditing import Auditor
from bot.calls import PreparedCall, fill_defaults, prepare_call
from bot.chat import ChatReply, ChatRequest, ReplyKind
from bot.help_text import render_help
from bot.identity import Identities
from bot.live import LiveValues
from bot.outcomes import Outcomes, Turn
from bot.policy import Decision, DecisionKind, Policy
from bot.redaction import redact
from bot.replies import (
    NON_ACTION_TEXT,
    NOTHING_DONE,
    planner_error_text,
)
from bot.settings import Settings
from bot.store import Store, utc_now
from llm.client import Planner
from llm.errors import PlannerError, RequestTooLong
from tools.base import ToolError
from tools.context import ToolContext
from tools.registry import NON_ACTIONS, ToolRegistry

log = logging.getLogger(__name__)
HELP_WORDS = {"help", "/help", "?", "help me", "what can you do", "what can you do?"}


@dataclass(frozen=True)
class Preview:
    """What would happen to a message, without running or auditing anything."""

    proposal: Any
    prepared: PreparedCall | None
    decision: Decision | None
    error: str | None = None


class Engine:
    """Handles chat requests and approval decisions; safe to call from many threads."""

    def __init__(
        self,
        *,
        settings: Settings,
        planner: Planner,
        registry: ToolRegistry,
        tool_context: ToolContext,
        policy: Policy,
        store: Store,
        identities: Identities | None = None,
        clock: Callable[[], datetime] = utc_now,
        live: LiveValues | None = None,
        model_version: str | None = None,
    ) -> None:
        self.settings, self.planner, self.registry = settings, planner, registry
        self.ctx, self.policy, self.store = tool_context, policy, store
        self.identities = identities or Identities()
        self.clock = clock
        self.model_version = model_version
        self.live = live or LiveValues(registry=registry, tool_context=tool_context)
        self.auditor = Auditor(store=store, clock=clock)
        self.approvals = ApprovalFlow(
            registry=registry,
            tool_context=tool_context,
            policy=policy,
            store=store,
            auditor=self.auditor,
            live=self.live,
            ttl_s=settings.approvals.ttl_s,
            clock=clock,
        )
        self.outcomes = Outcomes(
            tool_context=tool_context,
            approvals=self.approvals,
            auditor=self.auditor,
            live=self.live,
        )
        self.help_text = render_help(registry)

    def handle(self, request: ChatRequest) -> list[ChatReply]:
        """Answer one message. A retried event (same platform and event id) gets []."""
        if request.event_id and not self.store.events.claim(
            platform=request.platform, event_id=request.event_id, at=self.clock()
        ):
            return []
        user = self.identities.resolve(platform=request.platform, user_id=request.user_id).user
        turn = Turn(request=request, request_id=uuid.uuid4().hex, user=user)
        try:
            replies = self._handle(turn)
        except Exception as exc:  # noqa: BLE001 - answer and audit instead of crashing adapters
            log.exception("request %s failed", turn.request_id)
            self._audit(turn, "error", error=f"internal error: {exc!r}")
            text = f"Internal error while handling this (request {turn.request_id[:8]})."
            replies = [ChatReply(kind=ReplyKind.ERROR, text=text)]
        return [
            r.model_copy(update={"thread_id": r.thread_id or request.thread_id}) for r in replies
        ]

    def decide(
        self, approval_id: str, *, platform: str, user_id: str, approve: bool
    ) -> list[ChatReply]:
        """Approve or reject a pending request. Idempotent; the call runs at most once."""
        user = self.identities.resolve(platform=platform, user_id=user_id).user
        try:
            return self.approvals.decide(approval_id, platform=platform, user=user, approve=approve)
        except Exception as exc:  # noqa: BLE001
            log.exception("decision on %s failed", approval_id)
            return [
                ChatReply(
                    kind=ReplyKind.ERROR,
                    approval_id=approval_id,
                    text=f"Internal error while deciding {approval_id}: {exc!r}",
                )
            ]

    def preview(self, request: ChatRequest) -> Preview:
        """The proposed call and the policy decision for a message; nothing runs."""
        user = self.identities.resolve(platform=request.platform, user_id=request.user_id).user
        cluster, namespace = self.settings.channel_defaults(request.channel_id)
        proposal = self._propose(
            request.text, context={"cluster": cluster, "namespace": namespace, "user": user}
        )
        raw_call = proposal.call.as_dict()
        if raw_call["tool"] in NON_ACTIONS:
            return Preview(proposal=proposal, prepared=None, decision=None)
        try:
            prepared = self._prepare(raw_call, cluster=cluster, namespace=namespace)
        except ToolError as exc:
            return Preview(proposal=proposal, prepared=None, decision=None, error=str(exc))
        return Preview(
            proposal=proposal,
            prepared=prepared,
            decision=self._decide(request.platform, user, prepared),
        )

    # --- one request -------------------------------------------------------------------

    def _handle(self, turn: Turn) -> list[ChatReply]:
        text = turn.request.text.strip()
        if text.lower().rstrip(".!") in HELP_WORDS:
            self._audit(turn, "help")
            return [ChatReply(kind=ReplyKind.INFO, text=self.help_text)]
        if not text:
            return [ChatReply(kind=ReplyKind.CLARIFY, text="What should I do? Type `help`.")]
        cluster, namespace = self.settings.channel_defaults(turn.request.channel_id)
        context = {"cluster": cluster, "namespace": namespace, "user": turn.user}
        try:
            proposal = self._propose(text, context=context)
        except PlannerError as exc:
            raw = getattr(exc, "raw", "") or ""
            self._audit(
                turn,
                "planner_error",
                error=f"{type(exc).__name__}: {exc}",
                result={"raw": raw[:2000]} if raw else None,
            )
            return [ChatReply(kind=ReplyKind.ERROR, text=planner_error_text(exc))]
        turn.fields = {
            "model": proposal.model,
            "adapter": proposal.adapter,
            "model_version": self.model_version,
        }
        raw_call = proposal.call.as_dict()
        if raw_call["tool"] in NON_ACTIONS:
            return self._non_action(turn, raw_call)
        try:
            prepared = self._prepare(raw_call, cluster=cluster, namespace=namespace)
        except ToolError as exc:
            self._audit(turn, "invalid_call", call=raw_call, tool=raw_call["tool"], error=str(exc))
            text = f"That request cannot run: {exc} {NOTHING_DONE}"
            return [ChatReply(kind=ReplyKind.ERROR, text=text, data={"call": redact(raw_call)})]
        decision = self._decide(turn.request.platform, turn.user, prepared)
        handlers = {
            DecisionKind.ALLOW: self.outcomes.run_now,
            DecisionKind.REFUSE: self.outcomes.refuse,
            DecisionKind.SUGGEST_ONLY: self.outcomes.suggest,
            DecisionKind.NEEDS_APPROVAL: self.outcomes.ask_approval,
        }
        return handlers[decision.kind](turn, prepared, decision)

    def _propose(self, text: str, *, context: dict[str, Any]) -> Any:
        """The planner's proposal for a message it can read; RequestTooLong otherwise (a
        chat message can be a 40,000-character paste: settings' `max_request_chars`)."""
        limit = self.settings.model.max_request_chars
        if len(text) > limit:
            raise RequestTooLong(
                f"it has {len(text):,} characters and I read up to {limit:,}; send the "
                "command on its own, without pasted logs or files"
            )
        return self.planner.propose(text, context=context, live=self.live.collect())

    def _prepare(
        self, raw_call: dict[str, Any], *, cluster: str | None, namespace: str
    ) -> PreparedCall:
        filled = fill_defaults(
            raw_call, registry=self.registry, cluster=cluster, namespace=namespace
        )
        return prepare_call(filled, registry=self.registry, tool_context=self.ctx)

    def _decide(self, platform: str, user: str, prepared: PreparedCall) -> Decision:
        return self.policy.decide(
            platform=platform,
            user_id=user,
            tool=prepared.call.tool,
            risk=prepared.risk,
            cluster=prepared.target.scope,
            namespace=prepared.target.namespace,
            production=prepared.production,
        )

    def _non_action(self, turn: Turn, raw_call: dict[str, Any]) -> list[ChatReply]:
        self._audit(turn, raw_call["tool"], call=raw_call, tool=raw_call["tool"])
        if raw_call["tool"] == "clarify":
            return [ChatReply(kind=ReplyKind.CLARIFY, text=raw_call["args"]["question"])]
        reason = raw_call["args"]["reason"]
        return [
            ChatReply(kind=ReplyKind.INFO, text=NON_ACTION_TEXT[reason], data={"reason": reason})
        ]

    def _audit(self, turn: Turn, event: str, **fields: Any) -> None:
        self.outcomes.audit(turn, event, **fields)
