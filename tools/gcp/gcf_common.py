"""What the Cloud Functions tools share: tool bases, views of a function, readable diffs.

Write tools implement `change(args, ctx, *, dry_run)`: read the current function, build
the planned one and, only when `dry_run` is false, send it. Cloud Functions has no
server-side dry run: plans read and never write.
"""

from __future__ import annotations

import hashlib
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tools.base import Plan, Risk, StrictArgs, Target, Tool, ToolResult
from tools.context import ToolContext
from tools.diffing import render_diff as shared_render_diff
from tools.gcp.gcf_api import (
    REQUEST_TIMEOUT_S,
    Project,
    clean_text,
    functions_client,
    gcp_errors,
    resolve_project,
)
from tools.gcp.gcf_fields import GcfArgs


def mask_value(value: str) -> str:
    """An env value as shown in chat: never the value, a short fingerprint to spot changes."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    return f"hidden ({len(value)} chars, sha256 {digest})"


def source_uri(function: Any) -> str:
    """Where the function's source comes from, as gs://bucket/object (or a short note)."""
    storage = function.build_config.source.storage_source
    if storage.bucket:
        return f"gs://{clean_text(storage.bucket)}/{clean_text(storage.object_)}"
    return "other source (repository or upload)"


def view_function(function: Any | None) -> dict[str, Any] | None:
    """The settings of a function a reviewer cares about (env values masked)."""
    if function is None:
        return None
    service = function.service_config
    env = dict(service.environment_variables)
    return {
        "name": clean_text(function.name.rsplit("/", 1)[-1]),
        "runtime": clean_text(function.build_config.runtime),
        "entry_point": clean_text(function.build_config.entry_point),
        "source": source_uri(function),
        "memory": clean_text(service.available_memory),
        "timeout_s": service.timeout_seconds,
        "env": {clean_text(k, limit=128): mask_value(v) for k, v in sorted(env.items())},
    }


def find_function(ctx: ToolContext, project: Project, name: str) -> Any | None:
    """A function, None when it does not exist."""
    from google.api_core.exceptions import NotFound

    client = functions_client(ctx, project)
    with gcp_errors(project=project, subject=f"Cloud Function '{name}'"):
        try:
            return client.get_function(name=project.function_path(name), timeout=REQUEST_TIMEOUT_S)
        except NotFound:
            return None


def require_function(ctx: ToolContext, project: Project, name: str) -> Any:
    """An existing function; a missing one is a clear ToolError."""
    client = functions_client(ctx, project)
    with gcp_errors(project=project, subject=f"Cloud Function '{name}'"):
        return client.get_function(name=project.function_path(name), timeout=REQUEST_TIMEOUT_S)


@dataclass
class Change:
    """Outcome of a write, planned or done: summaries, before/after views, data."""

    planned: str
    done: str
    diffs: list[tuple[str, Any, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class GcfTool(Tool):
    """A Cloud Functions tool: acts in one GCP project/region chosen by alias."""

    raise_in_production: ClassVar[bool] = False
    """True for writes that change what production traffic runs: destructive there."""

    def project(self, args: StrictArgs, ctx: ToolContext) -> Project:
        assert isinstance(args, GcfArgs)
        return resolve_project(ctx, args.project)

    def target(self, args: StrictArgs, ctx: ToolContext) -> Target:
        project = self.project(args, ctx)
        return Target(kind="gcp", scope=project.alias, namespace=project.settings.region)

    def risk(self, args: StrictArgs, ctx: ToolContext) -> Risk:
        production = self.project(args, ctx).settings.production  # unknown alias: raises
        return Risk.DESTRUCTIVE if self.raise_in_production and production else self.base_risk


class GcfReadTool(GcfTool):
    """A read-only tool: its plan says what it reads; execute reads."""

    base_risk = Risk.READ

    def plan(self, args: StrictArgs, ctx: ToolContext) -> Plan:
        project = self.project(args, ctx)
        return Plan(summary=f"Read only: {self.name} in {project.where}.", data={"read_only": True})

    def execute(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        return self.read(args, ctx)

    @abstractmethod
    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        """Do the read and summarize it."""


class GcfWriteTool(GcfTool):
    """A tool that changes a function; plan = read current state and show the diff."""

    base_risk = Risk.WRITE

    def plan(self, args: StrictArgs, ctx: ToolContext) -> Plan:
        change = self.change(args, ctx, dry_run=True)
        diff = "\n".join(
            text for title, old, new in change.diffs if (text := render_diff(title, old, new))
        )
        return Plan(summary=change.planned, diff=diff, data=change.data)

    def execute(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        change = self.change(args, ctx, dry_run=False)
        return ToolResult(summary=change.done, data=change.data)

    @abstractmethod
    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        """Read, compute the planned state and (unless dry_run) write it."""


def pending_note(done: bool) -> str:
    """Suffix of a result whose operation may still be running."""
    return (
        "" if done else " The operation is still running; check again with gcf_describe_function."
    )


def render_diff(title: str, before: Any, after: Any) -> str:
    """Cloud function views are short: show them with generous context."""
    return shared_render_diff(title, before, after, context_lines=20)
