"""The HorizontalPodAutoscaler controller (autoscaling/v2).

There are no real metrics here: each target reports a steady simulated CPU utilization,
and the controller keeps the target's replicas within [minReplicas, maxReplicas]. A target
scaled to 0 disables autoscaling, as on a real cluster.
"""

from __future__ import annotations

import hashlib
from typing import Any

from tools.k8s.sandbox.conditions import set_condition
from tools.k8s.sandbox.events import record_event
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.store import Store, clone, format_time

HPAS = resource_for_plural("horizontalpodautoscalers")
DEPLOYMENTS = resource_for_plural("deployments")


def simulated_utilization(name: str) -> int:
    """A steady CPU utilization (percent of requests) between 20 and 59 for a target."""
    return 20 + hashlib.sha256(name.encode()).digest()[0] % 40


def sync_hpa(store: Store, name: str, namespace: str) -> None:
    """Clamp the target's replicas into range and report status and conditions."""
    hpa = store.get("horizontalpodautoscalers", namespace, name)
    if hpa is None:
        return
    spec, now = hpa["spec"], store.now()
    old_status = hpa.get("status") or {}
    conditions = clone(old_status.get("conditions") or [])
    ref = spec.get("scaleTargetRef") or {}
    target = (
        store.get("deployments", namespace, ref.get("name", ""))
        if ref.get("kind") == "Deployment"
        else None
    )
    status: dict[str, Any] = {"desiredReplicas": 0}
    if target is None:
        conditions = _set(
            conditions,
            "AbleToScale",
            "False",
            "FailedGetScale",
            "the HPA controller was unable to get the target's current scale:"
            f' deployments.apps "{ref.get("name", "")}" not found',
            now,
        )
        status["conditions"] = conditions
        _save(store, hpa, {**old_status, **status})
        return
    current = int(target["spec"].get("replicas", 1))
    low, high = int(spec.get("minReplicas", 1)), int(spec["maxReplicas"])
    desired = 0 if current == 0 else min(max(current, low), high)
    if desired != current:
        target["spec"]["replicas"] = desired
        store.replace(DEPLOYMENTS, target)
        why = "below Spec.MinReplicas" if desired > current else "above Spec.MaxReplicas"
        record_event(
            store,
            involved=hpa,
            reason="SuccessfulRescale",
            message=f"New size: {desired}; reason: Current number of replicas {why}",
            component="horizontal-pod-autoscaler",
        )
        status["lastScaleTime"] = format_time(now)
    elif old_status.get("lastScaleTime"):
        status["lastScaleTime"] = old_status["lastScaleTime"]
    status["currentReplicas"] = int((target.get("status") or {}).get("replicas", current))
    status["desiredReplicas"] = desired
    status["currentMetrics"] = _metrics(spec, ref.get("name", ""))
    conditions = _set(
        conditions,
        "AbleToScale",
        "True",
        "ReadyForNewScale",
        "recommended size matches current size",
        now,
    )
    if current == 0:
        conditions = _set(
            conditions,
            "ScalingActive",
            "False",
            "ScalingDisabled",
            "scaling is disabled since the replica count of the target is zero",
            now,
        )
    else:
        conditions = _set(
            conditions,
            "ScalingActive",
            "True",
            "ValidMetricFound",
            "the HPA was able to successfully calculate a replica count from cpu"
            " resource utilization (percentage of request)",
            now,
        )
    limited = current != 0 and desired in (low, high) and current != desired
    conditions = _set(
        conditions,
        "ScalingLimited",
        "True" if limited else "False",
        ("TooFewReplicas" if desired == low else "TooManyReplicas")
        if limited
        else "DesiredWithinRange",
        "the desired replica count is out of range"
        if limited
        else "the desired count is within the acceptable range",
        now,
    )
    status["conditions"] = conditions
    status["observedGeneration"] = hpa["metadata"].get("generation", 1)
    _save(store, hpa, status)


def _metrics(spec: dict[str, Any], target_name: str) -> list[dict[str, Any]]:
    current = []
    for metric in spec.get("metrics") or []:
        resource = metric.get("resource") or {}
        if metric.get("type") == "Resource" and resource.get("name") == "cpu":
            utilization = simulated_utilization(target_name)
            current.append(
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "current": {
                            "averageUtilization": utilization,
                            "averageValue": f"{utilization}m",
                        },
                    },
                }
            )
    return current


def _set(
    conditions: list[dict[str, Any]], type: str, status: str, reason: str, message: str, now: float
) -> list[dict[str, Any]]:
    return set_condition(
        conditions, type=type, status=status, reason=reason, message=message, now=now
    )


def _save(store: Store, hpa: dict[str, Any], status: dict[str, Any]) -> None:
    hpa["status"] = status
    store.replace(HPAS, hpa)
