"""What the Lambda tools share: tool bases, views of a function, reading a function.

The tool bases are the shared kinds (tools/kinds.py) in one AWS account: a write tool's
`change(args, ctx, *, dry_run)` reads the current state, computes the planned state and,
only when `dry_run` is false, writes. Lambda has no server-side dry run: plans read and
never write.
"""

from __future__ import annotations

from typing import Any

from tools.aws.lambda_api import Account, aws_client, aws_errors, clean_text, resolve_account
from tools.aws.lambda_fields import LambdaArgs
from tools.base import StrictArgs
from tools.context import ToolContext
from tools.diffing import mask_value
from tools.kinds import CloudTool, ReadTool, WriteTool

WAIT = {"Delay": 2, "MaxAttempts": 60}
"""Waiter budget for a function to finish an update: about two minutes."""


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


class LambdaTool(CloudTool):
    """A Lambda tool: acts in one AWS account/region chosen by alias."""

    target_kind = "aws"

    def scope(self, args: StrictArgs, ctx: ToolContext) -> Account:
        assert isinstance(args, LambdaArgs)
        return resolve_account(ctx, args.account)


class LambdaReadTool(LambdaTool, ReadTool):
    """A read-only Lambda tool."""


class LambdaWriteTool(LambdaTool, WriteTool):
    """A tool that changes a function; its plan reads the current state and shows the diff."""

    diff_context_lines = 20
    """Function views are short: show them whole."""
