"""Keyword-baseline builders for the read tools (lists, describes, events, logs)."""

from __future__ import annotations

import re
from typing import Any

from llm.baseline_args import Missing, Scope, deployment_name
from llm.baseline_extract import Message, find_pod

ALL_NAMESPACES = r"\b(all|every|each|any) namespaces?\b|\bacross\b|\beverywhere\b"


def build_list_deployments(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    if message.has(ALL_NAMESPACES):
        return "list_deployments", {"all_namespaces": True, **scope.where(namespaced=False)}
    return "list_deployments", scope.where()


def build_list_pods(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    args: dict[str, Any] = scope.where()
    if message.has(ALL_NAMESPACES):
        args = {"all_namespaces": True, **scope.where(namespaced=False)}
    if scope.deployments:
        args["deployment"] = scope.deployments[0]
    return "list_pods", args


def build_list_nodes(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    return "list_nodes", scope.where(namespaced=False)


def build_describe_pod(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    pod = find_pod(message)
    if pod is None:
        raise Missing("Which pod do you mean?")
    return "describe_pod", {"name": pod, **scope.where()}


def build_describe_deployment(
    message: Message, scope: Scope, available: set[str]
) -> tuple[str, dict]:
    return "describe_deployment", {"name": deployment_name(message, scope), **scope.where()}


def build_events(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = find_pod(message) or deployment_name(message, scope, "deployment or pod")
    args: dict[str, Any] = {"name": name, **scope.where()}
    limit = re.search(
        r"\b(?:last|just|only|latest|recent)\s+(\d+)\b|\b(\d+)\s+(?:events|most recent)\b",
        message.text,
    )
    if limit:
        args["limit"] = min(100, int(limit.group(1) or limit.group(2)))
    return "get_events", args


def build_logs(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = find_pod(message) or deployment_name(message, scope, "deployment or pod")
    args: dict[str, Any] = {"name": name, **scope.where()}
    lines = re.search(
        r"\b(?:last|tail|latest)\s+(\d+)\b|\b(\d+)\s+(?:log\s+)?lines\b", message.text
    )
    if lines:
        args["tail_lines"] = min(2000, int(lines.group(1) or lines.group(2)))
    quoted = re.search(r"[\"']([^\"']{1,100})[\"']", message.original)
    if quoted and message.has(r"\bgrep\b|\bfor\b|\bmatching\b|\bcontaining\b"):
        args["grep"] = quoted.group(1)
    elif message.has(r"\berrors?\b"):
        args["grep"] = "error"
    if message.has(r"\bprevious\b|\bcrash(ed)?\b|\bbefore (it|the) (crash|restart)"):
        args["previous"] = True
    container = re.search(r"\bcontainer\s+([a-z0-9][a-z0-9-]*)\b", message.text)
    if container:
        args["container"] = container.group(1)
    return "get_pod_logs", args
