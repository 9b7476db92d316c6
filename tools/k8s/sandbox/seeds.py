"""Seeded clusters. Every cluster has the system namespaces, the `kubernetes` Service and
nodes; the `demo` seed adds staging, prod and monitoring workloads with some history.

Seeding goes through the normal API (admission, controllers) on a simulated clock that
starts three hours ago, so revisions, pod ages, restarts and events look lived-in.
"""

from __future__ import annotations

import base64
from typing import Any

from tools.k8s.sandbox.operations import Cluster
from tools.k8s.sandbox.resources import resource_for_plural

HOURS = 3600.0


class SimulatedClock:
    """A clock that only moves when told to (seeding replays the past with it)."""

    def __init__(self, now: float) -> None:
        self.now = now

    def __call__(self) -> float:
        return self.now


def seed_cluster(cluster: Cluster, *, seed: str | None) -> None:
    """Fill an empty cluster: base objects always, the demo workloads for seed "demo"."""
    store = cluster.store
    real_clock, present = store.clock, store.clock()
    clock = SimulatedClock(present - 3 * HOURS)
    store.clock = clock
    try:
        _create_base(cluster, nodes=3 if seed == "demo" else 1)
        if seed == "demo":
            _create_demo(cluster, clock, present)
        advance(cluster, clock, until=present)
    finally:
        store.clock = real_clock
    cluster.controllers.reconcile(force=True)


def advance(cluster: Cluster, clock: SimulatedClock, *, until: float) -> None:
    """Move the simulated clock to `until`, stopping wherever a controller has work due."""
    controllers = cluster.controllers
    while True:
        controllers.reconcile(force=True)
        due = controllers.next_due
        if due is None or due > until:
            break
        clock.now = max(due, clock.now + 0.001)
    clock.now = until
    controllers.reconcile(force=True)


def _create(cluster: Cluster, plural: str, body: dict[str, Any]) -> None:
    rt = resource_for_plural(plural)
    cluster.create(rt, body["metadata"].get("namespace", ""), body)


def _create_base(cluster: Cluster, *, nodes: int) -> None:
    for name in ("default", "kube-system", "kube-public", "kube-node-lease"):
        _create(cluster, "namespaces", {"metadata": {"name": name}})
    _create(
        cluster,
        "services",
        {
            "metadata": {
                "name": "kubernetes",
                "namespace": "default",
                "labels": {"component": "apiserver", "provider": "kubernetes"},
            },
            "spec": {
                "clusterIP": "10.96.0.1",
                "ports": [{"name": "https", "port": 443, "targetPort": 6443}],
            },
        },
    )
    for index in range(1, nodes + 1):
        _create(cluster, "nodes", node_body(index))


def node_body(index: int) -> dict[str, Any]:
    """A Ready worker node `node-INDEX` with 4 CPUs, 16Gi and pod CIDR 10.244.INDEX.0/24."""
    name, stamp = f"node-{index}", "2024-01-01T00:00:00Z"
    condition_types = (
        (
            "MemoryPressure",
            "False",
            "KubeletHasSufficientMemory",
            "kubelet has sufficient memory available",
        ),
        ("DiskPressure", "False", "KubeletHasNoDiskPressure", "kubelet has no disk pressure"),
        ("PIDPressure", "False", "KubeletHasSufficientPID", "kubelet has sufficient PID available"),
        ("Ready", "True", "KubeletReady", "kubelet is posting ready status"),
    )
    return {
        "metadata": {
            "name": name,
            "labels": {
                "kubernetes.io/hostname": name,
                "kubernetes.io/os": "linux",
                "kubernetes.io/arch": "amd64",
                "node.kubernetes.io/instance-type": "standard-4",
                "topology.kubernetes.io/zone": f"zone-{'abc'[(index - 1) % 3]}",
            },
        },
        "spec": {
            "podCIDR": f"10.244.{index}.0/24",
            "podCIDRs": [f"10.244.{index}.0/24"],
            "providerID": f"sandbox://{name}",
        },
        "status": {
            "capacity": {"cpu": "4", "memory": "16Gi", "pods": "110", "ephemeral-storage": "100Gi"},
            "allocatable": {
                "cpu": "3920m",
                "memory": "15Gi",
                "pods": "110",
                "ephemeral-storage": "95Gi",
            },
            "conditions": [
                {
                    "type": kind,
                    "status": status,
                    "reason": reason,
                    "message": message,
                    "lastHeartbeatTime": stamp,
                    "lastTransitionTime": stamp,
                }
                for kind, status, reason, message in condition_types
            ],
            "addresses": [
                {"type": "InternalIP", "address": f"10.0.0.{10 + index}"},
                {"type": "Hostname", "address": name},
            ],
            "daemonEndpoints": {"kubeletEndpoint": {"Port": 10250}},
            "nodeInfo": {
                "architecture": "amd64",
                "bootID": f"00000000-0000-4000-8000-00000000000{index}",
                "containerRuntimeVersion": "containerd://1.7.13",
                "kernelVersion": "6.1.0-18-amd64",
                "kubeProxyVersion": "v1.30.0",
                "kubeletVersion": "v1.30.0",
                "machineID": f"sandbox{index:024d}",
                "operatingSystem": "linux",
                "osImage": "Debian GNU/Linux 12 (bookworm)",
                "systemUUID": f"00000000-0000-4000-9000-00000000000{index}",
            },
        },
    }


def deployment_body(
    name: str,
    namespace: str,
    image: str,
    *,
    replicas: int = 1,
    port: int | None = None,
    env: dict[str, str] | None = None,
    resources: dict[str, Any] | None = None,
    tier: str = "backend",
) -> dict[str, Any]:
    """A typical single-container Deployment labelled app=NAME."""
    container: dict[str, Any] = {"name": name, "image": image}
    if port:
        container["ports"] = [{"containerPort": port, "name": "http"}]
    if env:
        container["env"] = [{"name": key, "value": value} for key, value in env.items()]
    if resources:
        container["resources"] = resources
    labels = {"app": name, "tier": tier}
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": labels},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {"metadata": {"labels": labels}, "spec": {"containers": [container]}},
        },
    }


def _service(name: str, namespace: str, port: int, target: int) -> dict[str, Any]:
    return {
        "metadata": {"name": name, "namespace": namespace, "labels": {"app": name}},
        "spec": {
            "selector": {"app": name},
            "ports": [{"name": "http", "port": port, "targetPort": target}],
        },
    }


def _secret_data(values: dict[str, str]) -> dict[str, str]:
    return {key: base64.b64encode(value.encode()).decode() for key, value in values.items()}


_SMALL = {
    "requests": {"cpu": "100m", "memory": "128Mi"},
    "limits": {"cpu": "500m", "memory": "256Mi"},
}
_MEDIUM = {"requests": {"cpu": "250m", "memory": "512Mi"}, "limits": {"cpu": "1", "memory": "1Gi"}}


def _create_demo(cluster: Cluster, clock: SimulatedClock, present: float) -> None:
    for name, env in (("staging", "staging"), ("prod", "production"), ("monitoring", "ops")):
        _create(cluster, "namespaces", {"metadata": {"name": name, "labels": {"env": env}}})
    for namespace, level in (("staging", "debug"), ("prod", "info")):
        _create(
            cluster,
            "configmaps",
            {
                "metadata": {"name": "app-config", "namespace": namespace},
                "data": {
                    "LOG_LEVEL": level,
                    "FEATURE_FLAGS": "checkout-v2,fast-search",
                    "DATABASE_HOST": f"db.{namespace}.svc.cluster.local",
                },
            },
        )
        _create(
            cluster,
            "secrets",
            {
                "metadata": {"name": "db-credentials", "namespace": namespace},
                "type": "Opaque",
                "data": _secret_data({"username": "app", "password": f"s3cr3t-{namespace}-pw"}),
            },
        )
    deployments = [
        deployment_body(
            "web", "staging", "nginx:1.25.3", replicas=2, port=80, tier="frontend", resources=_SMALL
        ),
        deployment_body(
            "api",
            "staging",
            "ghcr.io/planton/api:1.8.0",
            replicas=2,
            port=8080,
            env={"LOG_LEVEL": "debug"},
            resources=_SMALL,
        ),
        deployment_body(
            "worker", "staging", "ghcr.io/planton/worker:broken", replicas=1, env={"QUEUE": "jobs"}
        ),
        deployment_body(
            "web", "prod", "nginx:1.25.3", replicas=3, port=80, tier="frontend", resources=_SMALL
        ),
        deployment_body(
            "checkout",
            "prod",
            "ghcr.io/planton/checkout:2.3.0",
            replicas=2,
            port=8080,
            resources=_MEDIUM,
        ),
        deployment_body(
            "api",
            "prod",
            "ghcr.io/planton/api:1.7.2",
            replicas=3,
            port=8080,
            env={"LOG_LEVEL": "info"},
            resources=_MEDIUM,
        ),
        deployment_body(
            "prometheus", "monitoring", "prom/prometheus:v2.51.0", port=9090, tier="monitoring"
        ),
    ]
    for body in deployments:
        _create(cluster, "deployments", body)
    for namespace in ("staging", "prod"):
        _create(cluster, "services", _service("web", namespace, 80, 80))
        _create(cluster, "services", _service("api", namespace, 80, 8080))
    _create(cluster, "services", _service("checkout", "prod", 80, 8080))
    advance(cluster, clock, until=present - 2 * HOURS)
    deployments_rt = resource_for_plural("deployments")
    checkout = cluster.get(deployments_rt, "prod", "checkout")
    checkout["metadata"].setdefault("annotations", {})["kubernetes.io/change-cause"] = (
        "release 2.4.0"
    )
    checkout["spec"]["template"]["spec"]["containers"][0]["image"] = (
        "ghcr.io/planton/checkout:2.4.0"
    )
    cluster.update(deployments_rt, "prod", "checkout", checkout)
    advance(cluster, clock, until=present - 1 * HOURS)
    _create(
        cluster,
        "horizontalpodautoscalers",
        {
            "metadata": {"name": "web", "namespace": "prod"},
            "spec": {
                "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "web"},
                "minReplicas": 3,
                "maxReplicas": 10,
                "metrics": [
                    {
                        "type": "Resource",
                        "resource": {
                            "name": "cpu",
                            "target": {"type": "Utilization", "averageUtilization": 70},
                        },
                    }
                ],
            },
        },
    )
