"""Plan-then-execute helper for the tool tests: the plan must leave the cluster as it was."""

from __future__ import annotations

import itertools
import os
import time
import uuid
from typing import Any

from tools.base import Plan, ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis
from tools.registry import ToolRegistry

_ids = itertools.count(1)
APP_IMAGE = "nginx:1.25.3"


def unique(prefix: str) -> str:
    return f"{prefix}-{os.getpid() % 1000}-{next(_ids)}-{uuid.uuid4().hex[:4]}"


def create_app(apis: KubeApis, *, namespace: str, name: str = "app", replicas: int = 2) -> None:
    """A two-replica deployment with resources and env, plus its Service."""
    labels = {"app": name}
    container = {
        "name": name,
        "image": APP_IMAGE,
        "ports": [{"containerPort": 80}],
        "env": [{"name": "MODE", "value": "blue"}],
        "resources": {
            "requests": {"cpu": "100m", "memory": "128Mi"},
            "limits": {"memory": "256Mi"},
        },
    }
    apis.apps.create_namespaced_deployment(
        namespace,
        {
            "metadata": {"name": name, "labels": labels},
            "spec": {
                "replicas": replicas,
                "selector": {"matchLabels": labels},
                "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
            },
        },
    )
    apis.core.create_namespaced_service(
        namespace,
        {
            "metadata": {"name": name},
            "spec": {"selector": labels, "ports": [{"port": 80, "targetPort": 80}]},
        },
    )


# A real cluster pulls images and schedules for real: give it more time.
SLOWER = 12.0 if os.environ.get("CHATOPS_REAL_KUBECONFIG") else 1.0


def wait_for(predicate, *, timeout_s: float = 10.0, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout_s * SLOWER
    while time.monotonic() < deadline:
        value = predicate()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError(f"timed out waiting for {what}")


def ready_pods(apis: KubeApis, namespace: str, selector: str) -> list[dict[str, Any]]:
    pods = apis.to_dict(apis.core.list_namespaced_pod(namespace, label_selector=selector))["items"]
    return [
        p
        for p in pods
        if not p["metadata"].get("deletionTimestamp")
        and all(s.get("ready") for s in p.get("status", {}).get("containerStatuses") or [{}])
    ]


def spec_snapshot(apis: KubeApis, namespace: str) -> dict[str, Any]:
    """What a dry run must not change in a namespace: specs, labels, annotations, names."""

    def keep(items: list[dict[str, Any]]) -> dict[str, Any]:
        return {
            i["metadata"]["name"]: (
                i.get("spec"),
                i["metadata"].get("labels"),
                i["metadata"].get("annotations"),
                sorted((i.get("data") or {}).keys()),
            )
            for i in items
        }

    return {
        "deployments": keep(apis.to_dict(apis.apps.list_namespaced_deployment(namespace))["items"]),
        "services": keep(apis.to_dict(apis.core.list_namespaced_service(namespace))["items"]),
        "secrets": keep(apis.to_dict(apis.core.list_namespaced_secret(namespace))["items"]),
        "hpas": keep(
            apis.to_dict(apis.autoscaling.list_namespaced_horizontal_pod_autoscaler(namespace))[
                "items"
            ]
        ),
        "namespaces": sorted(
            n["metadata"]["name"] for n in apis.to_dict(apis.core.list_namespace())["items"]
        ),
    }


def plan_and_execute(
    registry: ToolRegistry,
    ctx: ToolContext,
    apis: KubeApis,
    *,
    namespace: str,
    tool: str,
    args: dict[str, Any],
    execute: bool = True,
) -> tuple[Plan, ToolResult | None]:
    """Validate the call, plan it (asserting nothing changed), then execute it."""
    call = registry.parse_call({"tool": tool, "args": args})
    implementation = registry.get(tool)
    before = spec_snapshot(apis, namespace)
    plan = implementation.plan(call.args, ctx)
    assert spec_snapshot(apis, namespace) == before, f"plan of {tool} changed the cluster"
    if not execute:
        return plan, None
    return plan, implementation.execute(call.args, ctx)
