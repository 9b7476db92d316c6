"""Argument builders of the keyword baseline: one per Kubernetes tool (cloud: baseline_cloud).

A builder takes the normalized message, the scope found in it (cluster, namespace, known
deployments) and the available tool names, and returns `(tool, args)`; it raises `Missing`
with a question when a required argument is not in the message.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from llm.baseline_extract import (
    Message,
    find_after,
    find_cpu,
    find_env_names,
    find_env_pairs,
    find_images,
    find_integers,
    find_known,
    find_memory,
    find_node,
)

NAME = r"[a-z0-9][a-z0-9-]{0,62}"
STOP_NAMES = {"it", "the", "a", "an", "for", "to", "in", "on", "and", "of", "with", "my", "our"}


class Missing(Exception):
    """A required argument is not in the message; `question` asks for it."""

    def __init__(self, question: str) -> None:
        super().__init__(question)
        self.question = question


@dataclass
class Scope:
    """Cluster, namespace and known deployments named in a message."""

    cluster: str | None = None
    namespace: str | None = None
    deployments: list[str] = field(default_factory=list)

    @classmethod
    def from_message(cls, message: Message, live: dict[str, list[str]]) -> Scope:
        clusters = find_known(message, live.get("cluster", []))
        namespaces = [
            ns
            for ns in find_known(message, live.get("namespace", []))
            if ns != "default" or message.has(r"\b(in|ns|namespace|to|into) default\b")
        ]
        if (
            not namespaces
            and "prod" in live.get("namespace", [])
            and message.has(r"\bproduction\b")
        ):
            namespaces = ["prod"]
        return cls(
            cluster=clusters[0] if clusters else None,
            namespace=namespaces[0] if namespaces else None,
            deployments=find_known(message, live.get("deployment", [])),
        )

    def where(self, *, namespaced: bool = True) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.cluster:
            out["cluster"] = self.cluster
        if namespaced and self.namespace:
            out["namespace"] = self.namespace
        return out


def deployment_name(message: Message, scope: Scope, what: str = "deployment") -> str:
    """A known deployment, or the name after "deployment"/before "deployment"; else ask."""
    if scope.deployments:
        return scope.deployments[0]
    after = find_after(message, r"deployment|deploy|app|service|svc", NAME)
    before = re.search(rf"\b({NAME}) (?:deployment|service|svc)\b", message.text)
    for candidate in (after, before.group(1) if before else None):
        if (
            candidate
            and candidate not in STOP_NAMES
            and candidate not in (scope.namespace, scope.cluster)
        ):
            return candidate
    raise Missing(f"Which {what} do you mean?")


def new_name(message: Message) -> str | None:
    """A name the person gives a new thing: "as echo", "named x", "call it x"."""
    name = find_after(message, r"as|named|called|call it|name it", NAME)
    return name if name and name not in STOP_NAMES else None


def _first_int_after(message: Message, keywords: str) -> int | None:
    match = re.search(rf"\b(?:{keywords})\s+(?:of\s+|to\s+|is\s+)?(\d+)\b", message.text)
    return int(match.group(1)) if match else None


def build_scale(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = deployment_name(message, scope)
    replicas = _first_int_after(message, r"to|at") or _count_before(
        message, r"replicas?|instances|pods|copies"
    )
    if replicas is None:
        numbers = find_integers(message)
        if not numbers:
            raise Missing(f"How many replicas should {name} have?")
        replicas = numbers[-1]
    return "scale_deployment", {"name": name, "replicas": replicas, **scope.where()}


def _count_before(message: Message, nouns: str) -> int | None:
    match = re.search(rf"\b(\d+)\s+(?:{nouns})\b", message.text)
    return int(match.group(1)) if match else None


def build_simple(tool: str) -> Callable[..., tuple[str, dict]]:
    def build(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
        return tool, {"name": deployment_name(message, scope), **scope.where()}

    return build


def build_rollback(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    args = {"name": deployment_name(message, scope), **scope.where()}
    revision = _first_int_after(message, r"revision|rev|version")
    if revision:
        args["revision"] = revision
    return "rollback_deployment", args


def build_set_image(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = deployment_name(message, scope)
    images = find_images(message)
    if not images:
        raise Missing(f"Which image (with its tag) should {name} run?")
    args = {"name": name, "image": images[-1], **scope.where()}
    container = _container(message)
    if container:
        args["container"] = container
    return "set_image", args


def _container(message: Message) -> str | None:
    match = re.search(rf"\bcontainer ({NAME})\b|\b({NAME}) container\b", message.text)
    name = match and (match.group(1) or match.group(2))
    return name if name and name not in STOP_NAMES else None


def build_set_env(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = deployment_name(message, scope)
    pairs = find_env_pairs(message)
    unset = []
    if message.has(r"\b(unset|remove|delete|drop)\b"):
        unset = [n for n in find_env_names(message) if n not in pairs]
    if not pairs and not unset:
        raise Missing(f"Which environment variables should I set (NAME=value) or remove on {name}?")
    args: dict[str, Any] = {"name": name, **scope.where()}
    if pairs:
        args["set"] = pairs
    if unset:
        args["unset"] = unset
    return "set_env", args


def build_set_resources(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = deployment_name(message, scope)
    args: dict[str, Any] = {"name": name, **scope.where()}
    for kind, pattern, default_slot in SIZE_PATTERNS:
        for match in re.finditer(pattern, message.text):
            part = Message(original=f"{match.group(0)} {kind}", text=f"{match.group(0)} {kind}")
            value = find_memory(part) if kind == "memory" else find_cpu(part)
            if value:
                slot = nearest_slot(message.text, match.start(), match.end()) or default_slot
                args.setdefault(f"{kind}_{slot}", value)
    if not any(key.startswith(("memory_", "cpu_")) for key in args):
        raise Missing(f"Which CPU or memory request/limit should {name} get?")
    container = _container(message)
    if container:
        args["container"] = container
    return "set_resources", args


SIZE_PATTERNS = (
    ("memory", r"\d+(?:\.\d+)?\s*(?:gi|gb|gigs?|mi|mb)\b", "limit"),
    (
        "cpu",
        r"\d+(?:\.\d+)?\s*(?:m|cores?|cpus?)\b(?!\s*(?:memory|mem))|(?<=cpu limit )\d+\b",
        "request",
    ),
)


def nearest_slot(text: str, start: int, end: int) -> str | None:
    """ "request" or "limit", whichever word is closest to the size (within 25 chars)."""
    best: tuple[int, str] | None = None
    for match in re.finditer(r"requests?|limits?", text):
        distance = start - match.end() if match.end() <= start else match.start() - end
        if 0 <= distance <= 25 and (best is None or distance < best[0]):
            best = (distance, "request" if match.group(0).startswith("request") else "limit")
    return best[1] if best else None


def build_hpa(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = deployment_name(message, scope)
    args: dict[str, Any] = {"name": name, **scope.where()}
    between = re.search(r"\b(?:between|from) (\d+) (?:and|to|up to) (\d+)", message.text)
    high = _first_int_after(message, r"max|maximum|up to|at most")
    low = _first_int_after(message, r"min|minimum|at least")
    if between:
        low, high = int(between.group(1)), int(between.group(2))
    if high is None:
        raise Missing(f"What is the maximum number of replicas for {name}?")
    args["max_replicas"] = high
    if low is not None:
        args["min_replicas"] = low
    percent = re.search(r"(\d+)\s*(?:%|percent)", message.text)
    if percent:
        args["cpu_percent"] = int(percent.group(1))
    return "create_hpa", args


def build_create_namespace(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    name = new_name(message) or find_after(message, r"namespace", NAME)
    if not name or name in STOP_NAMES:
        raise Missing("What should the new namespace be called?")
    return "create_namespace", {"name": name, **scope.where(namespaced=False)}


def build_node(tool: str) -> Callable[..., tuple[str, dict]]:
    def build(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
        node = find_node(message)
        if node is None:
            raise Missing("Which node do you mean?")
        return tool, {"node": node, **scope.where(namespaced=False)}

    return build


def kubernetes_builders() -> dict[str, Callable[..., tuple[str, dict]]]:
    """Builders of every Kubernetes tool, by tool name."""
    from llm import baseline_deploys as deploys
    from llm import baseline_reads as reads

    return {
        "list_deployments": reads.build_list_deployments,
        "describe_deployment": reads.build_describe_deployment,
        "list_pods": reads.build_list_pods,
        "describe_pod": reads.build_describe_pod,
        "get_events": reads.build_events,
        "get_pod_logs": reads.build_logs,
        "list_nodes": reads.build_list_nodes,
        "deploy_app": deploys.build_deploy_app,
        "deploy_service": deploys.build_deploy_service,
        "scale_deployment": build_scale,
        "restart_deployment": build_simple("restart_deployment"),
        "rollback_deployment": build_rollback,
        "set_image": build_set_image,
        "set_env": build_set_env,
        "set_resources": build_set_resources,
        "create_hpa": build_hpa,
        "create_namespace": build_create_namespace,
        "delete_deployment": build_simple("delete_deployment"),
        "delete_service": build_simple("delete_service"),
        "cordon_node": build_node("cordon_node"),
        "uncordon_node": build_node("uncordon_node"),
        "drain_node": build_node("drain_node"),
    }
