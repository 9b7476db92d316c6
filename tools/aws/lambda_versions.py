"""Lambda versions and aliases: publish a version, point an alias at one, roll an alias back.

An alias remembers the version it pointed at before each move in its description
("... [previous=3]"), so a rollback goes back to what was live before, not merely to
the next lower number. Without that note (alias made elsewhere) a rollback takes the
highest published version below the current one.
"""

from __future__ import annotations

import re
from typing import Any

from tools.aws.lambda_api import Account, aws_client, aws_errors, clean_text
from tools.aws.lambda_common import (
    LambdaWriteTool,
    list_versions,
    require_configuration,
    wait_updated,
)
from tools.aws.lambda_fields import AliasName, Description, FunctionArgs, VersionNumber
from tools.base import StrictArgs, ToolError
from tools.context import ToolContext
from tools.kinds import Change

PREVIOUS_NOTE = re.compile(r"\s*\[previous=(\d+)\]\s*$")
MAX_DESCRIPTION = 256
COMPARED = ("CodeSha256", "Runtime", "Handler", "MemorySize", "Timeout", "Environment", "Role")


def previous_from(description: str) -> int | None:
    """The version an alias pointed at before its last move, from its description note."""
    match = PREVIOUS_NOTE.search(description or "")
    return int(match.group(1)) if match else None


def with_previous(description: str, previous: str) -> str:
    """The alias description with its note replaced by `[previous=N]` (kept within 256 chars)."""
    text = PREVIOUS_NOTE.sub("", description or "")
    if not previous.isdigit():
        return text[:MAX_DESCRIPTION]
    note = f" [previous={previous}]"
    return (text[: MAX_DESCRIPTION - len(note)] + note).strip()


def find_alias(ctx: ToolContext, account: Account, name: str, alias: str) -> dict[str, Any] | None:
    """An alias of a function, None when it does not exist."""
    client = aws_client(ctx, account, "lambda")
    with aws_errors(account=account, subject=f"Alias '{alias}' of Lambda function '{name}'"):
        try:
            return client.get_alias(FunctionName=name, Name=alias)
        except client.exceptions.ResourceNotFoundException:
            return None


def point_alias(
    ctx: ToolContext, account: Account, name: str, alias: str, current: dict | None, version: int
) -> None:
    """Create or move an alias to `version`, noting the version it leaves."""
    client = aws_client(ctx, account, "lambda")
    with aws_errors(account=account, subject=f"Alias '{alias}' of Lambda function '{name}'"):
        if current is None:
            client.create_alias(FunctionName=name, Name=alias, FunctionVersion=str(version))
            return
        description = with_previous(current.get("Description", ""), current["FunctionVersion"])
        revision = {"RevisionId": current["RevisionId"]} if current.get("RevisionId") else {}
        client.update_alias(
            FunctionName=name,
            Name=alias,
            FunctionVersion=str(version),
            Description=description,
            **revision,
        )


def alias_change(
    *,
    account: Account,
    name: str,
    alias: str,
    current: dict | None,
    version: int,
    verbs: tuple[str, str],
) -> Change:
    """Plan/result texts and diff of moving an alias."""
    old = (
        None
        if current is None
        else {"alias": alias, "version": clean_text(current["FunctionVersion"])}
    )
    new = {"alias": alias, "version": str(version)}
    where = f"of Lambda function {name} in {account.where}"
    if current is None:
        planned, done = (
            f"Create alias {alias} {where} -> version {version}.",
            f"Created alias {alias} {where} -> version {version}.",
        )
    else:
        frm = clean_text(current["FunctionVersion"])
        planned = f"{verbs[0]} alias {alias} {where}: version {frm} -> {version}."
        done = f"{verbs[1]} alias {alias} {where}: version {frm} -> {version}."
    data = {"function": name, "alias": alias, "version": version, "from": old and old["version"]}
    return Change(
        planned=planned, done=done, diffs=[(f"lambda/{name}:{alias}", old, new)], data=data
    )


class PublishVersionArgs(FunctionArgs):
    """Publish the function's current code and settings as a numbered version."""

    description: Description | None = None
    """Note kept with the version, e.g. "release 1.4"."""


class LambdaPublishVersion(LambdaWriteTool):
    name = "lambda_publish_version"
    description = (
        "Publish an AWS Lambda function's current code and settings as a new numbered version."
    )
    Args = PublishVersionArgs
    examples = ("publish a new version of lambda checkout-api", "cut a version of resize-images")

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, PublishVersionArgs)
        account = self.scope(args, ctx)
        latest = require_configuration(ctx, account, args.name)
        versions = list_versions(ctx, account, args.name)
        where = f"of Lambda function {args.name} in {account.where}"
        if versions:
            last = require_configuration(ctx, account, args.name, version=versions[-1])
            if all(last.get(k) == latest.get(k) for k in COMPARED):
                text = f"version {versions[-1]} {where} already has the current code and settings."
                data = {"function": args.name, "version": versions[-1], "published": False}
                return Change(
                    planned=f"No change: {text}", done=f"Nothing to publish: {text}", data=data
                )
        sha = latest.get("CodeSha256", "")
        old = {"versions": versions}
        new = {"versions": [*versions, "new"]}
        change = Change(
            planned=f"Publish a new version {where} (code sha256:{clean_text(sha)}).",
            done="",
            diffs=[(f"lambda/{args.name}", old, new)],
            data={"function": args.name, "published": not dry_run},
        )
        if dry_run:
            return change
        wait_updated(ctx, account, args.name)
        extra = {"Description": args.description} if args.description else {}
        with aws_errors(account=account, subject=f"Lambda function '{args.name}'"):
            result = aws_client(ctx, account, "lambda").publish_version(
                FunctionName=args.name, **extra
            )
        change.done = f"Published version {clean_text(result['Version'])} {where}."
        change.data["version"] = int(result["Version"])
        return change


class MoveAliasArgs(FunctionArgs):
    """Point an alias (e.g. "live") at a published version."""

    alias: AliasName
    """Alias name, e.g. "live" or "prod"; created when missing."""
    version: VersionNumber
    """Published version number the alias should point at."""


class LambdaMoveAlias(LambdaWriteTool):
    name = "lambda_move_alias"
    description = "Point an AWS Lambda alias (e.g. live) at a published version (made if missing)."
    Args = MoveAliasArgs
    raise_in_production = True
    examples = ("point alias live of checkout-api at version 7", "move prod of resize-images to v3")

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, MoveAliasArgs)
        account = self.scope(args, ctx)
        versions = list_versions(ctx, account, args.name)
        if args.version not in versions:
            known = ", ".join(map(str, versions)) or "none published yet"
            raise ToolError(
                f"Lambda function '{args.name}' has no version {args.version} in {account.where} "
                f"(versions: {known})."
            )
        current = find_alias(ctx, account, args.name, args.alias)
        if current is not None and current["FunctionVersion"] == str(args.version):
            text = f"alias {args.alias} of {args.name} already points at version {args.version}."
            data = {"function": args.name, "alias": args.alias, "version": args.version}
            return Change(planned=f"No change: {text}", done=f"Nothing to do: {text}", data=data)
        change = alias_change(
            account=account,
            name=args.name,
            alias=args.alias,
            current=current,
            version=args.version,
            verbs=("Move", "Moved"),
        )
        if not dry_run:
            point_alias(ctx, account, args.name, args.alias, current, args.version)
        return change


class RollbackAliasArgs(FunctionArgs):
    """Point an alias back at the version it pointed at before."""

    alias: AliasName
    """Alias name, e.g. "live"."""


class LambdaRollbackAlias(LambdaWriteTool):
    name = "lambda_rollback_alias"
    description = "Roll an AWS Lambda alias back to the version it pointed at before its last move."
    Args = RollbackAliasArgs
    # A rollback restores what was live before: it stays a write even in production so an
    # incident's fix does not wait for the strictest approval (raise_in_production False).
    examples = (
        "roll back checkout-api live",
        "undo the last release of lambda resize-images alias prod",
    )

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, RollbackAliasArgs)
        account = self.scope(args, ctx)
        current = find_alias(ctx, account, args.name, args.alias)
        if current is None:
            subject = f"Alias '{args.alias}' of Lambda function '{args.name}'"
            raise ToolError(f"{subject} was not found in {account.where}.")
        versions = list_versions(ctx, account, args.name)
        target = pick_previous(current, versions)
        if target is None:
            now = clean_text(current["FunctionVersion"])
            raise ToolError(
                f"Alias {args.alias} of {args.name} points at version {now}; "
                "there is no earlier published version to roll back to."
            )
        change = alias_change(
            account=account,
            name=args.name,
            alias=args.alias,
            current=current,
            version=target,
            verbs=("Roll back", "Rolled back"),
        )
        if not dry_run:
            point_alias(ctx, account, args.name, args.alias, current, target)
        return change


def pick_previous(alias: dict[str, Any], versions: list[int]) -> int | None:
    """Version to roll back to: the noted previous one if it still exists, else the next lower."""
    current = alias["FunctionVersion"]
    noted = previous_from(alias.get("Description", ""))
    if noted is not None and noted in versions and str(noted) != current:
        return noted
    if not current.isdigit():
        return None
    lower = [v for v in versions if v < int(current)]
    return lower[-1] if lower else None
