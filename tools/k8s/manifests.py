"""Objects the deploy tools create, as plain dicts (the JSON the API takes).

Kept apart from the tools so that what we create is easy to read and test on its own.
"""

from __future__ import annotations

from typing import Any

MANAGED_BY = {"app.kubernetes.io/managed-by": "planton-chatops"}


def build_resources(
    *,
    cpu_request: str | None = None,
    cpu_limit: str | None = None,
    memory_request: str | None = None,
    memory_limit: str | None = None,
) -> dict[str, dict[str, str]]:
    """A container's `resources` from the four optional quantities (empty parts left out)."""
    requests = {k: v for k, v in (("cpu", cpu_request), ("memory", memory_request)) if v}
    limits = {k: v for k, v in (("cpu", cpu_limit), ("memory", memory_limit)) if v}
    return {k: v for k, v in (("requests", requests), ("limits", limits)) if v}


def build_env(env: dict[str, str]) -> list[dict[str, Any]]:
    """`env` entries in a stable (sorted) order."""
    return [{"name": key, "value": env[key]} for key in sorted(env)]


def build_deployment(
    *,
    name: str,
    namespace: str,
    image: str,
    replicas: int,
    ports: list[int],
    env: list[dict[str, Any]],
    resources: dict[str, dict[str, str]],
    labels: dict[str, str] | None = None,
) -> dict[str, Any]:
    """A one-container Deployment selecting pods by `app: <name>`."""
    pod_labels = {"app": name, **(labels or {})}
    container: dict[str, Any] = {"name": name, "image": image}
    if ports:
        container["ports"] = [{"containerPort": port, "protocol": "TCP"} for port in ports]
    if env:
        container["env"] = env
    if resources:
        container["resources"] = resources
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "namespace": namespace, "labels": {**pod_labels, **MANAGED_BY}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": pod_labels},
                "spec": {"containers": [container]},
            },
        },
    }


def build_service(*, name: str, namespace: str, ports: list[int]) -> dict[str, Any]:
    """A ClusterIP Service for pods labelled `app: <name>`, one port per container port."""
    return {
        "apiVersion": "v1",
        "kind": "Service",
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name, **MANAGED_BY}},
        "spec": {
            "type": "ClusterIP",
            "selector": {"app": name},
            "ports": [
                {"name": f"tcp-{port}", "port": port, "targetPort": port, "protocol": "TCP"}
                for port in ports
            ],
        },
    }


def build_secret(*, name: str, namespace: str, data: dict[str, str]) -> dict[str, Any]:
    """An Opaque Secret from string data."""
    return {
        "apiVersion": "v1",
        "kind": "Secret",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY)},
        "type": "Opaque",
        "stringData": data,
    }


def build_hpa(
    *, name: str, namespace: str, min_replicas: int, max_replicas: int, cpu_percent: int
) -> dict[str, Any]:
    """An autoscaling/v2 HPA on a deployment's average CPU utilization."""
    return {
        "apiVersion": "autoscaling/v2",
        "kind": "HorizontalPodAutoscaler",
        "metadata": {"name": name, "namespace": namespace, "labels": dict(MANAGED_BY)},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": name},
            "minReplicas": min_replicas,
            "maxReplicas": max_replicas,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": cpu_percent},
                    },
                }
            ],
        },
    }
