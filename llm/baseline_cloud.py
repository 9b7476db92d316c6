"""Keyword-baseline builders for the cloud tools: AWS Lambda and Google Cloud Functions.

One builder per provider picks the operation from the verbs, then fills the arguments the
tool has (read from the registry's argument models, so a field the provider's tools do not
define is never sent).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from llm.baseline_args import Missing, Scope
from llm.baseline_extract import Message, find_env_names, find_env_pairs, find_known

FUNCTION = r"[a-z0-9][a-z0-9_-]{0,62}"
NOT_NAMES = {
    "function", "functions", "the", "a", "an", "in", "on", "to", "from", "of", "for",
    "version", "alias", "code", "with", "and", "is", "called", "named", "lambda",
}  # fmt: skip
LAMBDA_RUNTIME = r"\b(nodejs\d+\.x|python3\.\d+|java\d+|dotnet\d+|ruby3\.\d|provided\.al2023)\b"
GCF_RUNTIME = r"\b(nodejs\d+|python3\d+|go1\d+|java\d+|ruby3\d+|php8\d|dotnet\d+)\b"


def _operation(message: Message) -> str:
    checks = (
        ("delete", r"\b(delete|remove|tear down|destroy|get rid of)\b"),
        ("rollback_alias", r"roll ?back|\brevert\b|\bundo\b"),
        ("move_alias", r"\balias\b.*\b(point|move|switch|shift|to version|at version|v\d+)"),
        ("move_alias", r"\b(point|move|switch|shift)\b.*\balias\b"),
        ("publish_version", r"\bpublish\b|\bcut (a )?(new )?version\b|\bnew version\b"),
        ("deploy", r"s3://|gs://|\b(deploy|ship|upload|create|new code|release)\b"),
        (
            "update_config",
            r"\b(memory|timeout|env|environment|runtime|handler|entry ?point|description)\b"
            r"|[a-z_]+=\S",
        ),
        ("describe", r"\b(describe|details?|show|status|info|config(uration)?)\b.*\b" + FUNCTION),
        ("list", r"\b(list|which|what|all|show)\b"),
    )
    for name, pattern in checks:
        if message.has(pattern):
            return name
    return "describe"


def _function_name(message: Message, *, required: bool = True) -> str | None:
    patterns = (
        rf"\b(?:lambda|function|functions?|gcf)\s+(?:called\s+|named\s+)?({FUNCTION})",
        rf"\b({FUNCTION})\s+(?:lambda|function|cloud function)\b",
        rf"\b(?:of|for|on)\s+({FUNCTION})\b",
    )
    for pattern in patterns:
        for match in re.finditer(pattern, message.text):
            name = match.group(1)
            if name not in NOT_NAMES and not name.isdigit():
                return name
    if required:
        raise Missing("Which function do you mean?")
    return None


def _memory_mb(message: Message) -> int | None:
    match = re.search(r"\b(\d+(?:\.\d+)?)\s*(gb|gi|gib|gigs?|mb|mi|mib|megs?)\b", message.text)
    if not match:
        return None
    value = float(match.group(1)) * (1024 if match.group(2).startswith("g") else 1)
    return int(value)


def _timeout_s(message: Message) -> int | None:
    match = re.search(r"\b(\d+)\s*(s|sec|secs|seconds?|m|min|mins|minutes?)\b", message.text)
    if not match or not message.has(r"timeout|time out|run for|seconds|minutes"):
        return None
    value = int(match.group(1))
    return value * 60 if match.group(2).startswith("m") else value


def _fill(args: dict[str, Any], fields: dict[str, Any], message: Message) -> None:
    """Optional settings every deploy/update tool may take, when the tool has the field."""
    memory = _memory_mb(message)
    if memory and "memory_mb" in fields:
        args["memory_mb"] = memory
    elif memory and "memory" in fields:
        args["memory"] = f"{memory // 1024}Gi" if memory % 1024 == 0 else f"{memory}Mi"
    timeout = _timeout_s(message)
    if timeout and "timeout_s" in fields:
        args["timeout_s"] = timeout
    runtime = re.search(LAMBDA_RUNTIME if "handler" in fields else GCF_RUNTIME, message.text)
    if runtime and "runtime" in fields:
        args["runtime"] = runtime.group(1)
    handler = re.search(
        r"\b(?:handler|entry ?point)\s+([A-Za-z0-9_$][A-Za-z0-9_$./:-]*)", message.original, re.I
    )
    for key in ("handler", "entry_point"):
        if handler and key in fields:
            args[key] = handler.group(1).rstrip(".,")
    pairs = find_env_pairs(message)
    for key in ("env", "env_set", "set_env"):
        if pairs and key in fields:
            args[key] = pairs
    unset = [n for n in find_env_names(message) if n not in pairs]
    for key in ("env_unset", "unset_env"):
        if unset and key in fields and message.has(r"\b(unset|remove|drop|delete)\b"):
            args[key] = unset


def build_cloud(
    prefix: str, scope_field: str, live_kind: str, uri: str
) -> Callable[..., tuple[str, dict]]:
    """Builder for one provider: `prefix` "lambda_" or "gcf_", `scope_field` account/project."""

    def build(
        message: Message, scope: Scope, available: set[str], *, live=None, fields_of=None
    ) -> tuple[str, dict]:
        operation = _operation(message)
        tool = (
            f"{prefix}{operation}"
            if operation not in ("list", "describe", "deploy", "delete")
            else (
                f"{prefix}{operation}_functions"
                if operation == "list"
                else f"{prefix}{operation}_function"
            )
        )
        if tool not in available:
            raise Missing("I cannot do that with this provider. What exactly should I do?")
        fields = fields_of(tool) if fields_of else {}
        args: dict[str, Any] = {}
        where = find_known(message, (live or {}).get(live_kind, []))
        if where and scope_field in fields:
            args[scope_field] = where[0]
        if operation == "list":
            prefix_match = re.search(
                rf"\b(?:start(?:ing)? with|prefix(?:ed)?)\s+({FUNCTION})", message.text
            )
            if prefix_match and "prefix" in fields:
                args["prefix"] = prefix_match.group(1).rstrip("-_") or prefix_match.group(1)
            return tool, args
        args["name"] = _function_name(message)
        if operation == "deploy":
            code = re.search(rf"\b{uri}://[^\s,]+\.zip\b", message.original)
            if not code:
                raise Missing(f"Where is the code bundle ({uri}://bucket/key.zip)?")
            args["source" if "source" in fields else "code"] = code.group(0)
        if operation in ("deploy", "update_config"):
            _fill(args, fields, message)
        if operation in ("move_alias", "rollback_alias"):
            alias = re.search(
                r"\balias\s+([a-z][a-z0-9_-]*)|\b([a-z][a-z0-9_-]*)\s+alias\b", message.text
            )
            if not alias:
                raise Missing("Which alias?")
            args["alias"] = alias.group(1) or alias.group(2)
        if operation == "move_alias":
            version = re.search(r"\b(?:version|v)\s*(\d+)\b", message.text)
            if not version:
                raise Missing("Which version should the alias point at?")
            args["version"] = int(version.group(1))
        return tool, args

    return build


def cloud_builders() -> dict[str, Callable[..., tuple[str, dict]]]:
    """Builders keyed by the rule prefixes of llm.baseline."""
    return {
        "lambda": build_cloud("lambda_", "account", "aws_account", "s3"),
        "gcf": build_cloud("gcf_", "project", "gcp_project", "gs"),
    }
