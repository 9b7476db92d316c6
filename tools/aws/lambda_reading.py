"""Read-only Lambda tools: list the functions of an account, describe one function."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tools.aws.lambda_api import aws_client, aws_errors, clean_text
from tools.aws.lambda_common import (
    LambdaReadTool,
    list_versions,
    require_configuration,
    view_function,
)
from tools.aws.lambda_fields import FUNCTION_NAME, FunctionArgs, LambdaArgs
from tools.base import StrictArgs, ToolResult
from tools.context import ToolContext
from tools.validation import MENTIONED, mentioned_with_unit

MAX_SCANNED = 2000
"""Stop listing after this many functions: a chat answer never needs more."""


class ListFunctionsArgs(LambdaArgs):
    """List the Lambda functions of an account."""

    # typed (a word of the request): our model made up "sync" and "img-" for requests that
    # named no prefix (the validation split, 2026-12-07)
    prefix: (
        Annotated[str, Field(pattern=FUNCTION_NAME, max_length=64, json_schema_extra=MENTIONED)]
        | None
    ) = None
    """Only functions whose name starts with this, e.g. "billing-"."""
    limit: int = Field(default=50, ge=1, le=200, json_schema_extra=mentioned_with_unit("items"))
    """At most this many functions in the answer."""


class LambdaListFunctions(LambdaReadTool):
    name = "lambda_list_functions"
    description = "List the AWS Lambda functions of an account with runtime, memory and timeout."
    Args = ListFunctionsArgs
    examples = ("list lambdas in prod-aws", "which lambda functions start with billing-?")

    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        assert isinstance(args, ListFunctionsArgs)
        account = self.scope(args, ctx)
        client = aws_client(ctx, account, "lambda")
        found = []
        with aws_errors(account=account, subject="the function list"):
            pages = client.get_paginator("list_functions").paginate(
                PaginationConfig={"MaxItems": MAX_SCANNED}
            )
            for page in pages:
                found += [
                    f for f in page["Functions"] if f["FunctionName"].startswith(args.prefix or "")
                ]
        found.sort(key=lambda f: f["FunctionName"])
        rows = [
            {
                "name": clean_text(f["FunctionName"]),
                "runtime": clean_text(f.get("Runtime", "")),
                "memory_mb": f.get("MemorySize"),
                "timeout_s": f.get("Timeout"),
                "last_modified": clean_text(f.get("LastModified", "")),
            }
            for f in found[: args.limit]
        ]
        what = f" starting with '{args.prefix}'" if args.prefix else ""
        if not rows:
            return ToolResult(
                summary=f"No Lambda functions{what} in {account.where}.", data={"functions": []}
            )
        lines = [
            f"- {r['name']}: {r['runtime']}, {r['memory_mb']} MB, {r['timeout_s']} s" for r in rows
        ]
        more = f" (showing {len(rows)})" if len(found) > len(rows) else ""
        summary = f"{len(found)} Lambda functions{what} in {account.where}{more}:\n" + "\n".join(
            lines
        )
        return ToolResult(summary=summary, data={"functions": rows, "total": len(found)})


class LambdaDescribeFunction(LambdaReadTool):
    name = "lambda_describe_function"
    description = (
        "Show one Lambda function: runtime, handler, memory, timeout, env names, versions, aliases."
    )
    Args = FunctionArgs
    examples = ("describe the lambda resize-images", "show me lambda checkout-api in prod-aws")

    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        assert isinstance(args, FunctionArgs)
        account = self.scope(args, ctx)
        config = require_configuration(ctx, account, args.name)
        view = view_function(config) or {}
        view["state"] = clean_text(config.get("State", ""))
        view["last_update"] = clean_text(config.get("LastUpdateStatus", ""))
        view["last_modified"] = clean_text(config.get("LastModified", ""))
        client = aws_client(ctx, account, "lambda")
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            aliases = client.list_aliases(FunctionName=args.name).get("Aliases", [])
        view["versions"] = list_versions(ctx, account, args.name)
        view["aliases"] = {clean_text(a["Name"]): clean_text(a["FunctionVersion"]) for a in aliases}
        aliases_text = ", ".join(f"{k} -> {v}" for k, v in view["aliases"].items()) or "none"
        env_names = ", ".join(view["env"]) or "none"
        summary = (
            f"Lambda function {view['name']} in {account.where}: {view['runtime']}, handler "
            f"{view['handler']}, {view['memory_mb']} MB, timeout {view['timeout_s']} s, "
            f"state {view['state']}.\nEnv vars: {env_names}.\n"
            f"Published versions: {', '.join(map(str, view['versions'])) or 'none'}. "
            f"Aliases: {aliases_text}."
        )
        return ToolResult(summary=summary, data={"function": view})
