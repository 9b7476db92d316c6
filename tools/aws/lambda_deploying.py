"""Deploy a Lambda function from a zip in S3: create it, or update its code and settings."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.aws.lambda_api import Account, aws_client, aws_errors
from tools.aws.lambda_common import (
    WAIT,
    LambdaWriteTool,
    find_configuration,
    view_function,
    wait_updated,
)
from tools.aws.lambda_fields import (
    FunctionArgs,
    Handler,
    LambdaEnv,
    LambdaRuntime,
    MemoryMb,
    RoleName,
    S3ZipUri,
    TimeoutS,
    split_s3_uri,
)
from tools.base import StrictArgs, ToolError
from tools.context import ToolContext
from tools.kinds import Change

DEFAULT_MEMORY_MB, DEFAULT_TIMEOUT_S = 128, 3
"""What Lambda uses when a new function names no memory or timeout."""


class DeployFunctionArgs(FunctionArgs):
    """Create a Lambda function from a zip in S3, or update an existing one's code."""

    code: S3ZipUri
    """Code bundle, e.g. "s3://my-bucket/builds/resize-1.4.zip"."""
    runtime: LambdaRuntime | None = None
    """Runtime such as "python3.12"; needed to create, omit to keep the current one."""
    handler: Handler | None = None
    """Entry point such as "app.handler"; needed to create, omit to keep the current one."""
    memory_mb: MemoryMb | None = None
    """Memory in MB, 128 to 10240 ("2 GB" is 2048); omit to keep the current value."""
    timeout_s: TimeoutS | None = None
    """Timeout in seconds, 1 to 900; omit to keep the current value."""
    env: LambdaEnv = Field(default_factory=dict)
    """Environment variables to set; variables not named here are kept."""
    role: RoleName | None = None
    """IAM execution role name; needed to create, omit to keep the current one."""


def check_bundle(ctx: ToolContext, account: Account, uri: str) -> dict[str, Any]:
    """Size and ETag of the code bundle; a missing bundle is a clear error before any change."""
    bucket, key = split_s3_uri(uri)
    with aws_errors(account=account, subject=f"Code bundle {uri}"):
        head = aws_client(ctx, account, "s3").head_object(Bucket=bucket, Key=key)
    return {
        "uri": uri,
        "bytes": head.get("ContentLength"),
        "etag": str(head.get("ETag", "")).strip('"'),
    }


def resolve_role_arn(ctx: ToolContext, account: Account, role: str) -> str:
    """ARN of an execution role by name (IAM lookup; the caller's account when IAM is closed)."""
    from botocore.exceptions import ClientError

    iam = aws_client(ctx, account, "iam")
    with aws_errors(account=account, subject=f"IAM role '{role}'"):
        try:
            return iam.get_role(RoleName=role)["Role"]["Arn"]
        except ClientError as exc:
            if "AccessDenied" not in exc.response.get("Error", {}).get("Code", ""):
                raise
        caller = aws_client(ctx, account, "sts").get_caller_identity()
    partition = caller["Arn"].split(":")[1]
    return f"arn:{partition}:iam::{caller['Account']}:role/{role}"


def planned_settings(args: DeployFunctionArgs, current: dict[str, Any] | None) -> dict[str, Any]:
    """Runtime, handler, memory, timeout and env after the deploy (None = Lambda's default)."""
    current = current or {}
    env = dict((current.get("Environment") or {}).get("Variables") or {})
    env.update(args.env)
    return {
        "Runtime": args.runtime.value if args.runtime else current.get("Runtime"),
        "Handler": args.handler or current.get("Handler"),
        "MemorySize": args.memory_mb or current.get("MemorySize") or DEFAULT_MEMORY_MB,
        "Timeout": args.timeout_s or current.get("Timeout") or DEFAULT_TIMEOUT_S,
        "Environment": {"Variables": env},
    }


class LambdaDeployFunction(LambdaWriteTool):
    name = "lambda_deploy_function"
    description = (
        "Deploy an AWS Lambda function from a zip in S3: create it, or update its code "
        "(and runtime, handler, memory, timeout, env vars)."
    )
    Args = DeployFunctionArgs
    raise_in_production = True
    examples = (
        "deploy lambda resize-images from s3://builds/resize.zip, python3.12, handler app.handler",
        "update the code of lambda checkout-api to s3://builds/checkout-2.zip in prod-aws",
    )

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, DeployFunctionArgs)
        account = self.scope(args, ctx)
        current = find_configuration(ctx, account, args.name)
        bundle = check_bundle(ctx, account, args.code)
        if current is None:
            return self.create(args, ctx, account, bundle, dry_run=dry_run)
        return self.update(args, ctx, account, current, bundle, dry_run=dry_run)

    def create(
        self,
        args: DeployFunctionArgs,
        ctx: ToolContext,
        account: Account,
        bundle: dict,
        *,
        dry_run: bool,
    ) -> Change:
        missing = [f for f in ("runtime", "handler", "role") if getattr(args, f) is None]
        if missing:
            raise ToolError(
                f"Lambda function '{args.name}' does not exist in {account.where}; creating it "
                f"needs {', '.join(missing)}."
            )
        assert args.role is not None
        settings = planned_settings(args, None)
        role_arn = resolve_role_arn(ctx, account, args.role)
        after = {**settings, "FunctionName": args.name, "Role": role_arn, "CodeSha256": ""}
        view = view_function(after) or {}
        view["code"] = f"{bundle['uri']} ({bundle['bytes']} bytes)"
        change = Change(
            planned=f"Create Lambda function {args.name} in {account.where} from {args.code}.",
            done=f"Created Lambda function {args.name} in {account.where} from {args.code}.",
            diffs=[(f"lambda/{args.name}", None, view)],
            data={"function": args.name, "created": True, "bundle": bundle},
        )
        if dry_run:
            return change
        bucket, key = split_s3_uri(args.code)
        client = aws_client(ctx, account, "lambda")
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            client.create_function(
                FunctionName=args.name,
                Role=role_arn,
                Code={"S3Bucket": bucket, "S3Key": key},
                Publish=False,
                **settings,
            )
            waiter = client.get_waiter("function_active_v2")
            waiter.wait(FunctionName=args.name, WaiterConfig=WAIT)
        return change

    def update(
        self,
        args: DeployFunctionArgs,
        ctx: ToolContext,
        account: Account,
        current: dict[str, Any],
        bundle: dict,
        *,
        dry_run: bool,
    ) -> Change:
        settings = planned_settings(args, current)
        role_arn = resolve_role_arn(ctx, account, args.role) if args.role else current.get("Role")
        after = {**current, **settings, "Role": role_arn}
        config_update = {k: v for k, v in settings.items() if v != _current(current, k)}
        if role_arn != current.get("Role"):
            config_update["Role"] = role_arn
        view = view_function(after) or {}
        view["code"] = f"{bundle['uri']} ({bundle['bytes']} bytes)"
        settings_note = f" and {', '.join(sorted(config_update))}" if config_update else ""
        what = (
            f"Lambda function {args.name} in {account.where}: code from {args.code}{settings_note}"
        )
        change = Change(
            planned=f"Update {what}.",
            done=f"Updated {what}.",
            diffs=[(f"lambda/{args.name}", view_function(current), view)],
            data={
                "function": args.name,
                "created": False,
                "bundle": bundle,
                "settings": sorted(config_update),
            },
        )
        if dry_run:
            return change
        bucket, key = split_s3_uri(args.code)
        client = aws_client(ctx, account, "lambda")
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            # RevisionId: refuse to overwrite a change someone made since we read the function.
            revision = {"RevisionId": current["RevisionId"]} if current.get("RevisionId") else {}
            client.update_function_code(
                FunctionName=args.name, S3Bucket=bucket, S3Key=key, **revision
            )
        wait_updated(ctx, account, args.name)
        if config_update:
            with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
                client.update_function_configuration(FunctionName=args.name, **config_update)
            wait_updated(ctx, account, args.name)
        return change


def _current(config: dict[str, Any], key: str) -> Any:
    """A setting of the current configuration in the shape the update API takes."""
    if key == "Environment":
        return {"Variables": dict((config.get("Environment") or {}).get("Variables") or {})}
    return config.get(key)
