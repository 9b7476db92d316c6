"""The ReplicaSet controller and the scheduler: the right number of pods, each on a node."""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.conditions import find_condition
from tools.k8s.sandbox.events import record_event
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.selectors import matches_label_selector
from tools.k8s.sandbox.store import Store, clone

PODS = resource_for_plural("pods")
REPLICASETS = resource_for_plural("replicasets")


def controller_uid(obj: dict[str, Any]) -> str | None:
    """uid of the controlling owner (ownerReferences with controller: true), or None."""
    for ref in obj["metadata"].get("ownerReferences") or []:
        if ref.get("controller"):
            return ref.get("uid")
    return None


def is_pod_ready(pod: dict[str, Any]) -> bool:
    """Whether the pod's Ready condition is True."""
    ready = find_condition((pod.get("status") or {}).get("conditions"), "Ready")
    return ready is not None and ready.get("status") == "True"


def pods_of(store: Store, owner: dict[str, Any]) -> list[dict[str, Any]]:
    """Pods controlled by `owner` (read-only)."""
    uid, namespace = owner["metadata"]["uid"], owner["metadata"]["namespace"]
    return [pod for pod in store.items("pods", namespace) if controller_uid(pod) == uid]


def ready_count(store: Store, owner: dict[str, Any]) -> int:
    """How many pods controlled by `owner` are Ready."""
    return sum(is_pod_ready(pod) for pod in pods_of(store, owner))


def sync_replicaset(store: Store, rs: dict[str, Any]) -> None:
    """Create or delete pods until `spec.replicas` exist; then report status."""
    pods = pods_of(store, rs)
    want = int(rs["spec"].get("replicas", 1))
    for _ in range(want - len(pods)):
        pod = create_pod(store, rs)
        record_event(
            store,
            involved=rs,
            reason="SuccessfulCreate",
            message=f"Created pod: {pod['metadata']['name']}",
            component="replicaset-controller",
        )
    if len(pods) > want:
        for pod in sorted(pods, key=lambda pod: _deletion_rank(store, pod))[: len(pods) - want]:
            store.remove(PODS, pod["metadata"]["namespace"], pod["metadata"]["name"])
            record_event(
                store,
                involved=rs,
                reason="SuccessfulDelete",
                message=f"Deleted pod: {pod['metadata']['name']}",
                component="replicaset-controller",
            )
    _report_status(store, rs["metadata"]["namespace"], rs["metadata"]["name"])


def _deletion_rank(store: Store, pod: dict[str, Any]) -> tuple[bool, bool, float]:
    """Unscheduled before scheduled, not ready before ready, newest before oldest."""
    scheduled = bool(pod["spec"].get("nodeName"))
    return scheduled, is_pod_ready(pod), -store.born.get(pod["metadata"]["uid"], 0.0)


def _report_status(store: Store, namespace: str, name: str) -> None:
    rs = store.peek("replicasets", namespace, name)
    if rs is None:
        return
    pods = pods_of(store, rs)
    ready = sum(is_pod_ready(pod) for pod in pods)
    selector = rs["spec"].get("selector")
    labeled = sum(
        matches_label_selector(selector, pod["metadata"].get("labels") or {}) for pod in pods
    )
    status: dict[str, Any] = {"replicas": len(pods)}
    for field, value in (
        ("fullyLabeledReplicas", labeled),
        ("readyReplicas", ready),
        ("availableReplicas", ready),
    ):
        if value:
            status[field] = value
    status["observedGeneration"] = rs["metadata"].get("generation", 1)
    if rs.get("status") != status:
        store.replace(REPLICASETS, {**rs, "status": status})


def create_pod(store: Store, rs: dict[str, Any]) -> dict[str, Any]:
    """A new pod from the ReplicaSet's template, owned by it, scheduled when possible."""
    template = rs["spec"].get("template") or {}
    metadata = template.get("metadata") or {}
    namespace, rs_name = rs["metadata"]["namespace"], rs["metadata"]["name"]
    name = f"{rs_name}-{store.random_suffix()}"
    while store.get("pods", namespace, name) is not None:
        name = f"{rs_name}-{store.random_suffix()}"
    pod = {
        "apiVersion": "v1",
        "kind": "Pod",
        "metadata": {
            "name": name,
            "generateName": f"{rs_name}-",
            "namespace": namespace,
            "labels": clone(metadata.get("labels") or {}),
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "ReplicaSet",
                    "name": rs_name,
                    "uid": rs["metadata"]["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": clone(template.get("spec") or {}),
        "status": {"phase": "Pending"},
    }
    if metadata.get("annotations"):
        pod["metadata"]["annotations"] = clone(metadata["annotations"])
    store.stamp_new(PODS, pod)
    bind_pod(store, pod)
    return store.insert(PODS, pod)


def bind_pod(store: Store, pod: dict[str, Any]) -> bool:
    """Choose a node for an unscheduled pod (in place); False when none fits."""
    if pod["spec"].get("nodeName"):
        store.scheduled.setdefault(pod["metadata"]["uid"], store.now())
        return True
    node, _ = pick_node(store, pod)
    if node is None:
        return False
    pod["spec"]["nodeName"] = node
    store.scheduled[pod["metadata"]["uid"]] = store.now()
    return True


def pick_node(store: Store, pod: dict[str, Any]) -> tuple[str | None, str]:
    """The schedulable node with the fewest pods (ties by name), or None and why not."""
    nodes = store.items("nodes")
    selector = pod["spec"].get("nodeSelector") or {}
    cordoned = [n for n in nodes if n["spec"].get("unschedulable")]
    unmatched = [n for n in nodes if n not in cordoned and not _has_labels(n, selector)]
    fitting = [n for n in nodes if n not in cordoned and n not in unmatched]
    if not fitting:
        reasons = []
        if cordoned:
            reasons.append(f"{len(cordoned)} node(s) were unschedulable")
        if unmatched:
            reasons.append(f"{len(unmatched)} node(s) didn't match Pod's node affinity/selector")
        why = ", ".join(reasons) if reasons else "no nodes available to schedule pods"
        return None, f"0/{len(nodes)} nodes are available: {why}."
    load = {n["metadata"]["name"]: 0 for n in fitting}
    for other in store.items("pods"):
        node_name = other["spec"].get("nodeName")
        if node_name in load:
            load[node_name] += 1
    return min(load, key=lambda name: (load[name], name)), ""


def _has_labels(node: dict[str, Any], selector: dict[str, str]) -> bool:
    labels = node["metadata"].get("labels") or {}
    return all(labels.get(key) == value for key, value in selector.items())
