"""Keyword-baseline builders for new workloads: deploy_app and deploy_service."""

from __future__ import annotations

import re
from typing import Any

from llm.baseline_args import NAME, Missing, Scope, nearest_slot, new_name
from llm.baseline_extract import (
    Message,
    find_cpu,
    find_env_pairs,
    find_images,
    find_memory,
)

SERVICES = {"redis": "redis", "postgres": "postgres", "postgresql": "postgres", "nginx": "nginx"}


def _replicas(message: Message) -> int | None:
    match = re.search(r"\b(\d+)\s+(?:replicas?|instances|copies|pods)\b", message.text)
    return int(match.group(1)) if match else None


def build_deploy_service(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    match = re.search(
        r"\b(redis|postgresql|postgres|nginx)(?::([a-z0-9_][a-z0-9_.-]*)| (\d+(?:\.\d+)*)\b)?",
        message.text,
    )
    if match is None:
        raise Missing("Which service: redis, postgres or nginx?")
    service = SERVICES[match.group(1)]
    args: dict[str, Any] = {"service": service, **scope.where()}
    version = match.group(2) or match.group(3)
    if version and not re.match(
        rf"{re.escape(match.group(0))}\s*(?:gb|gi|mb|mi|gigs?|replicas?|instances)",
        message.text[match.start() :],
    ):
        args["version"] = version
    name = new_name(message)
    if name and name != service:
        args["name"] = name
    memory = find_memory(message)
    if memory:
        args["memory"] = memory
    cpu = find_cpu(message)
    if cpu:
        args["cpu"] = cpu
    replicas = _replicas(message)
    if replicas:
        args["replicas"] = replicas
    return "deploy_service", args


def build_deploy_app(message: Message, scope: Scope, available: set[str]) -> tuple[str, dict]:
    images = find_images(message)
    if not images:
        raise Missing("Which image (with its tag) should I deploy?")
    image = images[0]
    name = new_name(message) or _name_from_image(image)
    args: dict[str, Any] = {"name": name, "image": image, **scope.where()}
    replicas = _replicas(message)
    if replicas:
        args["replicas"] = replicas
    ports = _ports(message)
    if ports:
        args["ports"] = ports
    env = {k: v for k, v in find_env_pairs(message).items()}
    if env:
        args["env"] = env
    for match in re.finditer(r"\d+(?:\.\d+)?\s*(?:gi|gb|gigs?|mi|mb)\b", message.text):
        value = find_memory(Message(original=match.group(0), text=match.group(0)))
        slot = nearest_slot(message.text, match.start(), match.end()) or "limit"
        if value:
            args.setdefault(f"memory_{slot}", value)
    if message.has(r"\bexpose\b|\bservice\b|\bpublic(ly)?\b"):
        args["expose"] = True
    return "deploy_app", args


def _name_from_image(image: str) -> str:
    repository = image.split("@")[0].rsplit(":", 1)[0].rsplit("/", 1)[-1]
    name = re.sub(r"[^a-z0-9-]", "-", repository.lower()).strip("-")[:63]
    if not re.fullmatch(NAME, name or ""):
        raise Missing("What should the new deployment be called?")
    return name


def _ports(message: Message) -> list[int]:
    match = re.search(r"\bports?\s+((?:\d{1,5}(?:\s*(?:,|and|&)\s*)?)+)", message.text)
    if not match:
        return []
    return [int(p) for p in re.findall(r"\d{1,5}", match.group(1)) if 0 < int(p) < 65536][:10]
