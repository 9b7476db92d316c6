"""PodDisruptionBudgets: their status, and the check an eviction must pass."""

from __future__ import annotations

import math
from typing import Any

from tools.k8s.sandbox.errors import ApiError
from tools.k8s.sandbox.replicas import is_pod_ready
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.selectors import matches_label_selector
from tools.k8s.sandbox.store import Store

PDBS = resource_for_plural("poddisruptionbudgets")


class TooManyRequests(ApiError):
    """429: an eviction that a disruption budget does not allow right now."""

    code = 429
    reason = "TooManyRequests"


def budget_status(store: Store, pdb: dict[str, Any]) -> dict[str, Any]:
    """currentHealthy, desiredHealthy, disruptionsAllowed, expectedPods for one budget."""
    spec, namespace = pdb.get("spec") or {}, pdb["metadata"]["namespace"]
    selector = spec.get("selector")
    pods = [
        pod
        for pod in store.items("pods", namespace)
        if selector and matches_label_selector(selector, pod["metadata"].get("labels") or {})
    ]
    expected, healthy = len(pods), sum(is_pod_ready(pod) for pod in pods)
    if "minAvailable" in spec:
        desired = _count(spec["minAvailable"], expected)
    elif "maxUnavailable" in spec:
        desired = max(0, expected - _count(spec["maxUnavailable"], expected))
    else:
        desired = 0
    return {
        "observedGeneration": pdb["metadata"].get("generation", 1),
        "currentHealthy": healthy,
        "desiredHealthy": desired,
        "disruptionsAllowed": max(0, healthy - desired),
        "expectedPods": expected,
    }


def sync_budget(store: Store, name: str, namespace: str) -> None:
    """Keep one budget's status current."""
    pdb = store.peek("poddisruptionbudgets", namespace, name)
    if pdb is None:
        return
    status = budget_status(store, pdb)
    if pdb.get("status") != status:
        store.replace(PDBS, {**pdb, "status": status})


def check_eviction(store: Store, pod: dict[str, Any]) -> None:
    """429 when evicting this (ready) pod would break a disruption budget that covers it."""
    if not is_pod_ready(pod):
        return  # evicting an unhealthy pod never reduces availability
    labels = pod["metadata"].get("labels") or {}
    for pdb in store.items("poddisruptionbudgets", pod["metadata"]["namespace"]):
        selector = (pdb.get("spec") or {}).get("selector")
        if selector and matches_label_selector(selector, labels):
            if budget_status(store, pdb)["disruptionsAllowed"] < 1:
                raise TooManyRequests(
                    "Cannot evict pod as it would violate the pod's disruption budget.",
                    details={
                        "causes": [
                            {
                                "reason": "DisruptionBudget",
                                "message": (
                                    f"The disruption budget {pdb['metadata']['name']} needs"
                                    f" {budget_status(store, pdb)['desiredHealthy']} healthy pods"
                                ),
                            }
                        ]
                    },
                )


def _count(value: Any, total: int) -> int:
    if isinstance(value, str) and value.endswith("%"):
        return math.ceil(int(value[:-1]) * total / 100)
    return int(value)
