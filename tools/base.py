"""What every tool is: typed arguments, a risk computed by code, a plan and an execution.

A tool call is data (`ToolCall`): a tool name plus arguments validated by that tool's
Pydantic `Args` model. The model only proposes calls; risk, permission and approval are
decided from the validated arguments by code (fail closed: unknown means risky).
"""

from __future__ import annotations

import hashlib
import json
from abc import ABC, abstractmethod
from enum import StrEnum
from typing import Any, ClassVar

from pydantic import BaseModel, ConfigDict, Field


class Risk(StrEnum):
    """How much harm a call can do. Ordered: read < write < destructive."""

    READ = "read"
    WRITE = "write"
    DESTRUCTIVE = "destructive"

    @property
    def rank(self) -> int:
        return {"read": 0, "write": 1, "destructive": 2}[self.value]


class ToolError(Exception):
    """A permanent failure to tell the user as is (not found, conflict, invalid)."""


class InvalidCall(ToolError):
    """The proposed call is not a valid call of any tool (unknown tool or bad arguments)."""


class TemporaryToolError(ToolError):
    """A failure worth retrying after a delay (throttled, peer down, timeout)."""

    def __init__(self, message: str, *, retry_after_s: float = 1.0) -> None:
        super().__init__(message)
        self.retry_after_s = retry_after_s


class StrictArgs(BaseModel):
    """Base of every tool's `Args`: unknown fields are errors, docstrings become schema."""

    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)

    lists: ClassVar[str | None] = None
    """The `x-live` kind of the objects the tool lists (list_deployments: "deployment"). A
    request that names one such object asks about it, not for the list
    (tools/request_schema.py); not part of the args or their schema."""


class Target(BaseModel):
    """Where a call acts. `scope` is a Kubernetes cluster alias or a cloud account alias."""

    model_config = ConfigDict(frozen=True)

    kind: str = Field(description="'kubernetes', 'aws' or 'gcp'")
    scope: str = Field(description="cluster alias or cloud account alias")
    namespace: str | None = Field(default=None, description="namespace or region")


class Plan(BaseModel):
    """What a call would change, shown before anything runs (server-side dry run)."""

    summary: str
    diff: str = ""
    """Readable unified diff of the objects before/after ('' for read tools)."""
    data: dict[str, Any] = Field(default_factory=dict)


class ToolResult(BaseModel):
    """A short human summary plus structured data for programs."""

    summary: str
    data: dict[str, Any] = Field(default_factory=dict)


class ToolCall(BaseModel):
    """One validated call: the unit the policy judges, approvals bind to and audit records."""

    model_config = ConfigDict(frozen=True)

    tool: str
    args: StrictArgs

    def as_dict(self) -> dict[str, Any]:
        return {"tool": self.tool, "args": self.args.model_dump(mode="json", exclude_none=True)}

    def digest(self) -> str:
        """Stable hash of tool + args (target included since it is part of args)."""
        canonical = json.dumps(self.as_dict(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()


class Tool(ABC):
    """One capability. Subclasses set the class attributes and implement the methods.

    `ctx` is a `tools.context.ToolContext`: settings and API clients passed explicitly.
    """

    name: ClassVar[str]
    """Tool name as the model emits it (snake_case, verb_noun)."""
    description: ClassVar[str]
    """One sentence for the model's schema and for `help`."""
    Args: ClassVar[type[StrictArgs]]
    base_risk: ClassVar[Risk]
    """Risk for the typical call; `risk()` may raise it from the arguments."""
    examples: ClassVar[tuple[str, ...]] = ()
    """Example sentences a person might type (shown in help)."""

    def risk(self, args: StrictArgs, ctx: Any) -> Risk:
        """Risk of this exact call. Override to raise it (prod deletes, scale to 0)."""
        return self.base_risk

    @abstractmethod
    def target(self, args: StrictArgs, ctx: Any) -> Target:
        """Where the call acts, after aliases are resolved."""

    @abstractmethod
    def plan(self, args: StrictArgs, ctx: Any) -> Plan:
        """Dry run: what would change. Must not change anything."""

    @abstractmethod
    def execute(self, args: StrictArgs, ctx: Any) -> ToolResult:
        """Do it for real."""
