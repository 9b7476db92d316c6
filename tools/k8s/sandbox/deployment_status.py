"""Deployment status: replica counts and the Available/Progressing conditions.

Progress is measured the way the deployment controller does: any change in the counts
moves Progressing's lastUpdateTime; no change for progressDeadlineSeconds turns it into
ProgressDeadlineExceeded (a stuck rollout, e.g. a crash-looping new image).
"""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.conditions import find_condition, set_condition
from tools.k8s.sandbox.replicas import pods_of, ready_count
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.revisions import REVISION, fenceposts, owned_replicasets, revision_of
from tools.k8s.sandbox.store import Store, clone, parse_time

DEPLOYMENTS = resource_for_plural("deployments")


def report_deployment_status(
    store: Store, namespace: str, name: str, new_rs: dict[str, Any] | None
) -> float | None:
    """Write the deployment's status; returns when its progress deadline falls, if pending."""
    deployment = store.peek("deployments", namespace, name)
    if deployment is None:
        return None
    spec, now = deployment["spec"], store.now()
    desired = int(spec.get("replicas", 1))
    owned = owned_replicasets(store, deployment)
    new_rs = next(
        (rs for rs in owned if new_rs and rs["metadata"]["uid"] == new_rs["metadata"]["uid"]), None
    )
    replicas = sum(len(pods_of(store, rs)) for rs in owned)
    updated = len(pods_of(store, new_rs)) if new_rs else 0
    ready = sum(ready_count(store, rs) for rs in owned)
    _, max_unavailable = fenceposts(deployment)
    old_status = deployment.get("status") or {}
    counts = {
        "replicas": replicas,
        "updatedReplicas": updated,
        "readyReplicas": ready,
        "availableReplicas": ready,
        "unavailableReplicas": max(0, desired - ready),
    }
    status: dict[str, Any] = {"observedGeneration": deployment["metadata"].get("generation", 1)}
    status.update({key: value for key, value in counts.items() if value})
    conditions = clone(old_status.get("conditions") or [])
    available = ready >= desired - max_unavailable
    conditions = set_condition(
        conditions,
        type="Available",
        status="True" if available else "False",
        reason="MinimumReplicasAvailable" if available else "MinimumReplicasUnavailable",
        message="Deployment has minimum availability."
        if available
        else "Deployment does not have minimum availability.",
        now=now,
        update_time=True,
    )
    rs_name = new_rs["metadata"]["name"] if new_rs else name
    complete = (
        new_rs is not None
        and updated == desired
        and replicas == desired
        and (ready_count(store, new_rs) == desired)
    )
    progressed = any(old_status.get(key, 0) != value for key, value in counts.items())
    previous = find_condition(conditions, "Progressing")
    due = None
    if complete:
        conditions = _progressing(
            conditions,
            "True",
            "NewReplicaSetAvailable",
            f'ReplicaSet "{rs_name}" has successfully progressed.',
            now,
        )
    elif progressed or previous is None or previous.get("reason") == "NewReplicaSetAvailable":
        conditions = _progressing(
            conditions,
            "True",
            "ReplicaSetUpdated",
            f'ReplicaSet "{rs_name}" is progressing.',
            now,
            touch=True,
        )
        due = now + int(spec.get("progressDeadlineSeconds", 600))
    elif previous.get("reason") != "ProgressDeadlineExceeded":
        deadline = parse_time(previous["lastUpdateTime"]) + int(
            spec.get("progressDeadlineSeconds", 600)
        )
        if now >= deadline:
            conditions = _progressing(
                conditions,
                "False",
                "ProgressDeadlineExceeded",
                f'ReplicaSet "{rs_name}" has timed out progressing.',
                now,
            )
        else:
            due = deadline
    status["conditions"] = conditions
    annotations = dict(deployment["metadata"].get("annotations") or {})
    if new_rs is not None:
        annotations[REVISION] = str(revision_of(new_rs))
    if status != old_status or annotations != deployment["metadata"].get("annotations"):
        changed = clone(deployment)
        changed["status"] = status
        changed["metadata"]["annotations"] = annotations
        store.replace(DEPLOYMENTS, changed)
    return due


def _progressing(
    conditions: list[dict[str, Any]],
    status: str,
    reason: str,
    message: str,
    now: float,
    *,
    touch: bool = False,
) -> list[dict[str, Any]]:
    return set_condition(
        conditions,
        type="Progressing",
        status=status,
        reason=reason,
        message=message,
        now=now,
        update_time=True,
        touch=touch,
    )
