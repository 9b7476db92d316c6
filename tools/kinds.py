"""The two kinds of tool, whatever the provider: read tools and write tools.

A read tool changes nothing: its risk is READ, its plan only says what it would read,
and execute reads. A write tool implements one method, `change(args, ctx, *, dry_run)`,
that does the work with or without writing (a server-side dry run where the provider has
one, otherwise reading only); `plan()` renders the dry run's before/after views as one
diff and `execute()` reports what was done, so a plan shows exactly what execute will do.

A provider (tools/k8s, tools/aws, tools/gcp) combines a kind with a base of its own that
knows where a call lands (`target`, `location`). Clients, API calls and the translation
of provider failures into `ToolError`/`TemporaryToolError` stay in the provider modules:
each API call is wrapped where the provider knows what it was about, and the kinds let
those errors through unchanged.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar, Protocol

from tools.base import Plan, Risk, StrictArgs, Target, Tool, ToolResult
from tools.diffing import render_diff


@dataclass
class Change:
    """Outcome of a write, planned or done: two summaries, before/after views, data."""

    planned: str
    """Summary as a plan ("Scale deployment web in staging on us-central from 2 to 5.")."""
    done: str
    """Summary once done ("Scaled deployment web ... from 2 to 5 replicas.")."""
    diffs: list[tuple[str, Any, Any]] = field(default_factory=list)
    """(title, before view, after view) per object; None stands for absent."""
    data: dict[str, Any] = field(default_factory=dict)


class ReadTool(Tool):
    """A read-only tool: its plan says what it reads and touches nothing; execute reads."""

    base_risk = Risk.READ

    def plan(self, args: StrictArgs, ctx: Any) -> Plan:
        return Plan(
            summary=f"Read only: {self.name} {self.location(args, ctx)}.",
            data={"read_only": True},
        )

    def execute(self, args: StrictArgs, ctx: Any) -> ToolResult:
        return self.read(args, ctx)

    @abstractmethod
    def location(self, args: StrictArgs, ctx: Any) -> str:
        """Where the call acts, worded to follow a verb ("in staging on us-central")."""

    @abstractmethod
    def read(self, args: StrictArgs, ctx: Any) -> ToolResult:
        """Do the read and summarize it."""


class WriteTool(Tool):
    """A tool that changes something; plan = the change as a dry run, shown as a diff."""

    base_risk = Risk.WRITE
    diff_context_lines: ClassVar[int] = 3
    """Unchanged lines shown around each change in the plan's diff."""

    def plan(self, args: StrictArgs, ctx: Any) -> Plan:
        change = self.change(args, ctx, dry_run=True)
        diff = "\n".join(
            text
            for title, before, after in change.diffs
            if (text := render_diff(title, before, after, context_lines=self.diff_context_lines))
        )
        return Plan(summary=change.planned, diff=diff, data=change.data)

    def execute(self, args: StrictArgs, ctx: Any) -> ToolResult:
        change = self.change(args, ctx, dry_run=False)
        return ToolResult(summary=change.done, data=change.data)

    @abstractmethod
    def change(self, args: StrictArgs, ctx: Any, *, dry_run: bool) -> Change:
        """Compute the change; write it only when `dry_run` is false."""


class ScopeSettings(Protocol):
    """What a cloud tool needs of an account's or project's settings."""

    @property
    def region(self) -> str: ...

    @property
    def production(self) -> bool: ...


class CloudScope(Protocol):
    """A resolved cloud alias: an AWS account or a GCP project."""

    @property
    def alias(self) -> str: ...

    @property
    def where(self) -> str:
        """Human location: "AWS account 'dev-aws' (us-east-1)"."""

    @property
    def settings(self) -> ScopeSettings: ...


class CloudTool(Tool):
    """A tool acting in one cloud account or project (and its region) chosen by alias."""

    target_kind: ClassVar[str]
    """`Target.kind` of the provider: "aws" or "gcp"."""
    raise_in_production: ClassVar[bool] = False
    """True for writes that change what production traffic runs: destructive there."""

    @abstractmethod
    def scope(self, args: StrictArgs, ctx: Any) -> CloudScope:
        """The account or project the call names; an unknown alias raises ToolError."""

    def target(self, args: StrictArgs, ctx: Any) -> Target:
        scope = self.scope(args, ctx)
        return Target(kind=self.target_kind, scope=scope.alias, namespace=scope.settings.region)

    def location(self, args: StrictArgs, ctx: Any) -> str:
        return f"in {self.scope(args, ctx).where}"

    def risk(self, args: StrictArgs, ctx: Any) -> Risk:
        production = self.scope(args, ctx).settings.production  # unknown alias: raises
        return Risk.DESTRUCTIVE if self.raise_in_production and production else self.base_risk
