"""Delete a Lambda function with all its versions and aliases (destructive)."""

from __future__ import annotations

from tools.aws.lambda_api import aws_client, aws_errors, clean_text
from tools.aws.lambda_common import (
    LambdaWriteTool,
    list_versions,
    require_configuration,
    view_function,
)
from tools.aws.lambda_fields import FunctionArgs
from tools.base import Risk, StrictArgs
from tools.context import ToolContext
from tools.kinds import Change


class LambdaDeleteFunction(LambdaWriteTool):
    name = "lambda_delete_function"
    description = (
        "Delete an AWS Lambda function with all its versions and aliases (cannot be undone)."
    )
    Args = FunctionArgs
    base_risk = Risk.DESTRUCTIVE
    examples = ("delete the lambda old-report", "remove lambda function test-hook from dev-aws")

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, FunctionArgs)
        account = self.scope(args, ctx)
        current = require_configuration(ctx, account, args.name)
        versions = list_versions(ctx, account, args.name)
        client = aws_client(ctx, account, "lambda")
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            aliases = [
                clean_text(a["Name"])
                for a in client.list_aliases(FunctionName=args.name)["Aliases"]
            ]
        extent = f"{len(versions)} published versions and {len(aliases)} aliases"
        if aliases:
            extent += f" ({', '.join(aliases)})"
        change = Change(
            planned=(
                f"DELETE Lambda function {args.name} in {account.where} with {extent}. "
                "This cannot be undone."
            ),
            done=f"Deleted Lambda function {args.name} in {account.where} with {extent}.",
            diffs=[(f"lambda/{args.name}", view_function(current), None)],
            data={"function": args.name, "versions": versions, "aliases": aliases},
        )
        if not dry_run:
            with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
                client.delete_function(FunctionName=args.name)
        return change
