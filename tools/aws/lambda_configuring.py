"""Change a Lambda function's settings (memory, timeout, runtime, handler, env) without new code."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tools.aws.lambda_api import aws_client, aws_errors
from tools.aws.lambda_common import (
    LambdaWriteTool,
    require_configuration,
    view_function,
    wait_updated,
)
from tools.aws.lambda_fields import (
    Description,
    FunctionArgs,
    Handler,
    LambdaEnv,
    LambdaEnvNames,
    LambdaRuntime,
    MemoryMb,
    TimeoutS,
    check_env_size,
)
from tools.base import StrictArgs, ToolError
from tools.context import ToolContext
from tools.kinds import Change
from tools.validation import at_least_one_of


class UpdateConfigArgs(FunctionArgs):
    """Change settings of an existing Lambda function; name at least one."""

    model_config = at_least_one_of(
        "memory_mb", "timeout_s", "runtime", "handler", "description", "env_set", "env_unset"
    )

    memory_mb: MemoryMb | None = None
    """Memory in MB, 128 to 10240 ("1 GB" is 1024)."""
    timeout_s: TimeoutS | None = None
    """Timeout in seconds, 1 to 900."""
    runtime: LambdaRuntime | None = None
    """New runtime such as "python3.13"."""
    handler: Handler | None = None
    """New entry point such as "app.handler"."""
    description: Description | None = None
    """New description of the function."""
    env_set: LambdaEnv = Field(default_factory=dict)
    """Environment variables to add or change; others are kept."""
    env_unset: LambdaEnvNames = Field(default_factory=list)
    """Names of environment variables to remove."""

    @model_validator(mode="after")
    def check_something_changes(self) -> UpdateConfigArgs:
        fields = ("memory_mb", "timeout_s", "runtime", "handler", "description")
        if (
            all(getattr(self, f) is None for f in fields)
            and not self.env_set
            and not self.env_unset
        ):
            raise ValueError("name at least one setting to change")
        both = sorted(set(self.env_set) & set(self.env_unset))
        if both:
            raise ValueError(f"{', '.join(both)} is both set and unset")
        return self


def planned_update(args: UpdateConfigArgs, current: dict[str, Any]) -> dict[str, Any]:
    """The UpdateFunctionConfiguration parameters that actually change something."""
    wanted: dict[str, Any] = {
        "MemorySize": args.memory_mb,
        "Timeout": args.timeout_s,
        "Runtime": args.runtime.value if args.runtime else None,
        "Handler": args.handler,
        "Description": args.description,
    }
    update = {k: v for k, v in wanted.items() if v is not None and current.get(k) != v}
    env = dict((current.get("Environment") or {}).get("Variables") or {})
    new_env = {**env, **args.env_set}
    for name in args.env_unset:
        new_env.pop(name, None)
    if new_env != env:
        try:
            check_env_size(new_env)
        except ValueError as exc:
            raise ToolError(f"Cannot change env of '{args.name}': {exc}.") from None
        update["Environment"] = {"Variables": new_env}
    return update


class LambdaUpdateConfig(LambdaWriteTool):
    name = "lambda_update_config"
    description = (
        "Change an AWS Lambda function's memory, timeout, runtime, handler, description or "
        "env vars (no new code)."
    )
    Args = UpdateConfigArgs
    raise_in_production = True
    examples = (
        "give lambda resize-images 2 GB of memory",
        "set LOG_LEVEL=debug on lambda checkout-api in prod-aws",
        "raise the timeout of lambda nightly-report to 5 minutes",
    )

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, UpdateConfigArgs)
        account = self.scope(args, ctx)
        current = require_configuration(ctx, account, args.name)
        update = planned_update(args, current)
        missing = sorted(
            set(args.env_unset) - set((current.get("Environment") or {}).get("Variables") or {})
        )
        data = {"function": args.name, "changed": sorted(update), "not_set": missing}
        if not update:
            text = f"Lambda function {args.name} in {account.where} already has these settings."
            return Change(planned=f"No change: {text}", done=f"Nothing to do: {text}", data=data)
        after = {**current, **update}
        what = ", ".join(sorted(update))
        change = Change(
            planned=f"Change {what} of Lambda function {args.name} in {account.where}.",
            done=f"Changed {what} of Lambda function {args.name} in {account.where}.",
            diffs=[(f"lambda/{args.name}", view_function(current), view_function(after))],
            data=data,
        )
        if dry_run:
            return change
        wait_updated(ctx, account, args.name)
        client = aws_client(ctx, account, "lambda")
        revision = {"RevisionId": current["RevisionId"]} if current.get("RevisionId") else {}
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            client.update_function_configuration(FunctionName=args.name, **update, **revision)
        wait_updated(ctx, account, args.name)
        return change
