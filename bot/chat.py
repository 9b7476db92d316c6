"""Platform-neutral chat types: every front-end (Slack, Teams, local chat) speaks these.

Adapters turn a platform event into a `ChatRequest` and a `ChatReply` into a platform
message; they make no decisions.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field


class ChatRequest(BaseModel):
    """One message from a person."""

    model_config = ConfigDict(frozen=True)

    platform: str
    """'slack', 'teams' or 'local'."""
    user_id: str
    """Platform user id (Slack U..., Teams AAD object id, local name)."""
    channel_id: str
    """Channel or conversation id; channel defaults (cluster, namespace) key on it."""
    text: str
    """The message text with bot mentions removed."""
    thread_id: str | None = None
    """Thread to answer in (Slack thread_ts, Teams reply chain)."""
    event_id: str | None = None
    """Platform event id, used to act once when the platform retries."""


class ReplyKind(StrEnum):
    ANSWER = "answer"  # result of a read tool or an executed action
    APPROVAL = "approval"  # an approval request with buttons
    REFUSAL = "refusal"  # policy said no
    CLARIFY = "clarify"  # a question back to the user
    INFO = "info"  # help text, no_action answers, progress notes
    ERROR = "error"  # the request could not be handled


class ChatReply(BaseModel):
    """One message from the bot."""

    kind: ReplyKind
    text: str
    """Plain text (Markdown-light) shown on every platform."""
    thread_id: str | None = None
    approval_id: str | None = None
    """Set for APPROVAL replies: the id the Approve/Reject buttons carry."""
    data: dict[str, Any] = Field(default_factory=dict)
    """Structured details (call, diff, result) for rich rendering."""
