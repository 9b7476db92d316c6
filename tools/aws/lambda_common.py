"""What the Lambda tools share: tool bases, views of a function, readable diffs.

Write tools implement `change(args, ctx, *, dry_run)`: it reads the current state,
computes the planned state and, only when `dry_run` is false, writes. `plan()` and
`execute()` therefore run the same code, so a plan shows exactly what execute will do.
Lambda has no server-side dry run: plans read and never write.
"""

from __future__ import annotations

import hashlib
from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any, ClassVar

from tools.aws.lambda_api import Account, aws_client, aws_errors, clean_text, resolve_account
from tools.aws.lambda_fields import LambdaArgs
from tools.base import Plan, Risk, StrictArgs, Target, Tool, ToolResult
from tools.context import ToolContext
from tools.diffing import render_diff as shared_render_diff

WAIT = {"Delay": 2, "MaxAttempts": 60}
"""Waiter budget for a function to finish an update: about two minutes."""


def mask_value(value: str) -> str:
    """An env value as shown in chat: never the value, a short fingerprint to spot changes."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    return f"hidden ({len(value)} chars, sha256 {digest})"


def view_function(config: dict[str, Any] | None) -> dict[str, Any] | None:
    """The settings of a function a reviewer cares about (env values masked)."""
    if config is None:
        return None
    env = (config.get("Environment") or {}).get("Variables") or {}
    return {
        "name": clean_text(config.get("FunctionName", "")),
        "runtime": clean_text(config.get("Runtime", "")),
        "handler": clean_text(config.get("Handler", "")),
        "memory_mb": config.get("MemorySize"),
        "timeout_s": config.get("Timeout"),
        "role": clean_text(str(config.get("Role", "")).rsplit("/", 1)[-1]),
        "code": f"sha256:{clean_text(config.get('CodeSha256', ''))}",
        "description": clean_text(config.get("Description", "")),
        "env": {clean_text(k, limit=128): mask_value(str(v)) for k, v in sorted(env.items())},
    }


def find_configuration(ctx: ToolContext, account: Account, name: str) -> dict[str, Any] | None:
    """Configuration of a function, None when it does not exist."""
    client = aws_client(ctx, account, "lambda")
    with aws_errors(account=account, subject=f"Lambda function '{name}'"):
        try:
            return client.get_function_configuration(FunctionName=name)
        except client.exceptions.ResourceNotFoundException:
            return None


def require_configuration(
    ctx: ToolContext, account: Account, name: str, *, version: int | None = None
) -> dict[str, Any]:
    """Configuration of an existing function (or version); missing is a clear ToolError."""
    client = aws_client(ctx, account, "lambda")
    extra = {"Qualifier": str(version)} if version is not None else {}
    subject = f"Lambda function '{name}'" + (f" version {version}" if version is not None else "")
    with aws_errors(account=account, subject=subject):
        return client.get_function_configuration(FunctionName=name, **extra)


def wait_updated(ctx: ToolContext, account: Account, name: str) -> None:
    """Block until the function's last update finished (Lambda refuses overlapping updates)."""
    client = aws_client(ctx, account, "lambda")
    with aws_errors(account=account, subject=f"Lambda function '{name}'"):
        client.get_waiter("function_updated_v2").wait(FunctionName=name, WaiterConfig=WAIT)


def list_versions(ctx: ToolContext, account: Account, name: str) -> list[int]:
    """Published version numbers of a function, ascending ($LATEST left out)."""
    client = aws_client(ctx, account, "lambda")
    versions: list[int] = []
    with aws_errors(account=account, subject=f"Lambda function '{name}'"):
        for page in client.get_paginator("list_versions_by_function").paginate(FunctionName=name):
            versions += [int(v["Version"]) for v in page["Versions"] if v["Version"].isdigit()]
    return sorted(versions)


@dataclass
class Change:
    """Outcome of a write, planned or done: summaries, before/after views, data."""

    planned: str
    done: str
    diffs: list[tuple[str, Any, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class LambdaTool(Tool):
    """A Lambda tool: acts in one AWS account/region chosen by alias."""

    raise_in_production: ClassVar[bool] = False
    """True for writes that change what production traffic runs: destructive there."""

    def account(self, args: StrictArgs, ctx: ToolContext) -> Account:
        assert isinstance(args, LambdaArgs)
        return resolve_account(ctx, args.account)

    def target(self, args: StrictArgs, ctx: ToolContext) -> Target:
        account = self.account(args, ctx)
        return Target(kind="aws", scope=account.alias, namespace=account.settings.region)

    def risk(self, args: StrictArgs, ctx: ToolContext) -> Risk:
        production = self.account(args, ctx).settings.production  # unknown alias: raises
        return Risk.DESTRUCTIVE if self.raise_in_production and production else self.base_risk


class LambdaReadTool(LambdaTool):
    """A read-only tool: its plan says what it reads; execute reads."""

    base_risk = Risk.READ

    def plan(self, args: StrictArgs, ctx: ToolContext) -> Plan:
        account = self.account(args, ctx)
        return Plan(summary=f"Read only: {self.name} in {account.where}.", data={"read_only": True})

    def execute(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        return self.read(args, ctx)

    @abstractmethod
    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        """Do the read and summarize it."""


class LambdaWriteTool(LambdaTool):
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


def render_diff(title: str, before: Any, after: Any) -> str:
    """Cloud function views are short: show them with generous context."""
    return shared_render_diff(title, before, after, context_lines=20)
