"""Scenario setup, cleanup and state checks, done with the official Kubernetes client.

Deliberately independent of the tools under test: the scenario suite judges what the
assistant did by reading the cluster directly.
"""

from __future__ import annotations

from typing import Any

from kubernetes import client as k8s
from kubernetes.client.exceptions import ApiException
from kubernetes.config.kube_config import new_client_from_config

from evals.matching import values_equal
from evals.scenarios import Channel, Check, Operation


class ClusterAccess:
    """Typed API groups per cluster alias, built from `ToolSettings` (kubeconfig + context)."""

    def __init__(self, tool_settings: Any) -> None:
        self.settings = tool_settings
        self._clients: dict[str, k8s.ApiClient] = {}

    def api_client(self, alias: str) -> k8s.ApiClient:
        if alias not in self._clients:
            cluster = self.settings.clusters[alias]
            self._clients[alias] = new_client_from_config(
                config_file=cluster.kubeconfig, context=cluster.context, persist_config=False
            )
        return self._clients[alias]

    def apps(self, alias: str) -> k8s.AppsV1Api:
        return k8s.AppsV1Api(self.api_client(alias))

    def core(self, alias: str) -> k8s.CoreV1Api:
        return k8s.CoreV1Api(self.api_client(alias))

    def autoscaling(self, alias: str) -> k8s.AutoscalingV2Api:
        return k8s.AutoscalingV2Api(self.api_client(alias))

    def plain(self, alias: str, obj: Any) -> dict[str, Any]:
        return self.api_client(alias).sanitize_for_serialization(obj)

    def close(self) -> None:
        for api_client in self._clients.values():
            api_client.close()
        self._clients.clear()


def _where(item: Operation | Check, channel: Channel) -> tuple[str, str]:
    return item.cluster or channel.cluster, item.namespace or channel.namespace


def _ignore_missing(fn: Any, *args: Any, **kwargs: Any) -> None:
    try:
        fn(*args, **kwargs)
    except ApiException as exc:
        if exc.status != 404:
            raise


def apply_operation(access: ClusterAccess, operation: Operation, channel: Channel) -> None:
    """Do one setup/cleanup action; deleting what is already gone is fine."""
    cluster, namespace = _where(operation, channel)
    name = operation.name
    if operation.action == "create_deployment":
        labels = {"app": name}
        container = k8s.V1Container(name=name, image=operation.image)
        body = k8s.V1Deployment(
            metadata=k8s.V1ObjectMeta(name=name, labels=labels),
            spec=k8s.V1DeploymentSpec(
                replicas=operation.replicas,
                selector=k8s.V1LabelSelector(match_labels=labels),
                template=k8s.V1PodTemplateSpec(
                    metadata=k8s.V1ObjectMeta(labels=labels),
                    spec=k8s.V1PodSpec(containers=[container]),
                ),
            ),
        )
        access.apps(cluster).create_namespaced_deployment(namespace, body)
    elif operation.action == "delete_deployment":
        _ignore_missing(access.apps(cluster).delete_namespaced_deployment, name, namespace)
    elif operation.action == "delete_service":
        _ignore_missing(access.core(cluster).delete_namespaced_service, name, namespace)
    elif operation.action == "delete_hpa":
        api = access.autoscaling(cluster)
        _ignore_missing(api.delete_namespaced_horizontal_pod_autoscaler, name, namespace)
    elif operation.action == "delete_namespace":
        _ignore_missing(access.core(cluster).delete_namespace, name)
    elif operation.action == "uncordon_node":
        access.core(cluster).patch_node(name, {"spec": {"unschedulable": False}})


def _read(access: ClusterAccess, check: Check, cluster: str, namespace: str) -> dict | None:
    readers = {
        "deployment": lambda: access.apps(cluster).read_namespaced_deployment(
            check.name, namespace
        ),
        "service": lambda: access.core(cluster).read_namespaced_service(check.name, namespace),
        "namespace": lambda: access.core(cluster).read_namespace(check.name),
        "node": lambda: access.core(cluster).read_node(check.name),
        "hpa": lambda: access.autoscaling(cluster).read_namespaced_horizontal_pod_autoscaler(
            check.name, namespace
        ),
    }
    try:
        return access.plain(cluster, readers[check.kind]())
    except ApiException as exc:
        if exc.status == 404:
            return None
        raise


def verify_check(access: ClusterAccess, check: Check, channel: Channel) -> list[str]:
    """The ways the cluster differs from the check ([] when it matches)."""
    cluster, namespace = _where(check, channel)
    obj = _read(access, check, cluster, namespace)
    label = f"{check.kind} {check.name}" + (
        f" in {namespace}" if check.kind not in ("namespace", "node") else ""
    )
    if obj is None:
        return [f"{label} does not exist"] if check.exists else []
    if not check.exists:
        return [f"{label} still exists"]
    if obj.get("metadata", {}).get("deletionTimestamp") and check.kind == "namespace":
        return [f"{label} is being deleted"]
    problems: list[str] = []
    spec = obj.get("spec") or {}
    if check.kind == "deployment":
        problems += _deployment_problems(check, spec, label)
    if check.kind == "hpa":
        for field, key in (("min_replicas", "minReplicas"), ("max_replicas", "maxReplicas")):
            want = getattr(check, field)
            if want is not None and spec.get(key) != want:
                problems.append(f"{label}: {key} is {spec.get(key)}, expected {want}")
    if check.kind == "node" and check.unschedulable is not None:
        if bool(spec.get("unschedulable")) != check.unschedulable:
            problems.append(f"{label}: unschedulable is {bool(spec.get('unschedulable'))}")
    return problems


def _deployment_problems(check: Check, spec: dict[str, Any], label: str) -> list[str]:
    problems = []
    if check.replicas is not None and spec.get("replicas") != check.replicas:
        problems.append(f"{label}: replicas {spec.get('replicas')}, expected {check.replicas}")
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or [{}]
    main = containers[0]
    if check.image is not None and main.get("image") != check.image:
        problems.append(f"{label}: image {main.get('image')}, expected {check.image}")
    env = {e["name"]: e.get("value") for e in main.get("env") or []}
    for key, value in (check.env or {}).items():
        if env.get(key) != value:
            problems.append(f"{label}: env {key}={env.get(key)!r}, expected {value!r}")
    for key in check.env_absent or []:
        if key in env:
            problems.append(f"{label}: env {key} is still set")
    resources = main.get("resources") or {}
    for field in ("memory_limit", "memory_request", "cpu_limit", "cpu_request"):
        want = getattr(check, field)
        if want is None:
            continue
        kind, slot = field.split("_")
        have = (resources.get(f"{slot}s") or {}).get(kind)
        if have is None or not values_equal(want, str(have), quantity=True):
            problems.append(f"{label}: {kind} {slot} {have}, expected {want}")
    return problems
