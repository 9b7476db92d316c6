"""The Deployment controller: one ReplicaSet per template, revisions, rolling updates.

A template change makes (or re-adopts) the ReplicaSet for that template with the next
revision; the rolling update then moves replicas from old to new ReplicaSets within
maxSurge/maxUnavailable as new pods become Ready, so a broken image stalls the rollout
with the old pods still serving, as on a real cluster.
"""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.deployment_status import report_deployment_status
from tools.k8s.sandbox.events import record_event
from tools.k8s.sandbox.replicas import pods_of, ready_count
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.revisions import (
    HASH_LABEL,
    REVISION,
    fenceposts,
    owned_replicasets,
    revision_of,
    template_hash,
    without_hash,
)
from tools.k8s.sandbox.store import Store, clone

DEPLOYMENTS = resource_for_plural("deployments")
REPLICASETS = resource_for_plural("replicasets")
NOT_COPIED = frozenset(
    {
        "kubectl.kubernetes.io/last-applied-configuration",
        REVISION,
        "deployment.kubernetes.io/revision-history",
        "deployment.kubernetes.io/desired-replicas",
        "deployment.kubernetes.io/max-replicas",
        "deprecated.deployment.rollback.to",
    }
)


def sync_deployment(store: Store, name: str, namespace: str) -> float | None:
    """Drive one deployment one step; returns when its progress deadline falls, if pending."""
    deployment = store.peek("deployments", namespace, name)
    if deployment is None:
        return None
    new_rs = _ensure_new_replicaset(store, deployment)
    if new_rs is not None:
        if (deployment["spec"].get("strategy") or {}).get("type") == "Recreate":
            _recreate(store, deployment, new_rs)
        else:
            _roll(store, deployment, new_rs)
    _prune_history(store, deployment, new_rs)
    return report_deployment_status(store, namespace, name, new_rs)


def _ensure_new_replicaset(store: Store, deployment: dict[str, Any]) -> dict[str, Any] | None:
    owned = owned_replicasets(store, deployment)
    template = deployment["spec"].get("template") or {}
    matching = [
        rs for rs in owned if without_hash(rs["spec"]["template"]) == without_hash(template)
    ]
    top = max((revision_of(rs) for rs in owned), default=0)
    if not matching:
        if deployment["spec"].get("paused") and owned:
            return None
        return _create_replicaset(store, deployment, revision=top + 1)
    rs = matching[-1]
    annotations = dict(rs["metadata"].get("annotations") or {})
    if revision_of(rs) != top:  # a rollback: the old template becomes the newest revision
        history_key = "deployment.kubernetes.io/revision-history"
        history = [h for h in annotations.get(history_key, "").split(",") if h]
        annotations[history_key] = ",".join([*history, str(revision_of(rs))])
        annotations[REVISION] = str(top + 1)
    for key, value in (deployment["metadata"].get("annotations") or {}).items():
        if key not in NOT_COPIED:
            annotations[key] = value
    if annotations == rs["metadata"].get("annotations"):
        return rs
    updated = clone(rs)
    updated["metadata"]["annotations"] = annotations
    return store.replace(REPLICASETS, updated)


def _create_replicaset(
    store: Store, deployment: dict[str, Any], *, revision: int
) -> dict[str, Any]:
    spec, metadata = deployment["spec"], deployment["metadata"]
    namespace = metadata["namespace"]
    collision = 0
    while True:
        suffix = template_hash(spec["template"], collision)
        name = f"{metadata['name']}-{suffix}"
        if store.get("replicasets", namespace, name) is None:
            break
        collision += 1
    template = clone(spec["template"])
    labels = {**(template.get("metadata") or {}).get("labels", {}), HASH_LABEL: suffix}
    template.setdefault("metadata", {})["labels"] = labels
    selector = clone(spec.get("selector") or {})
    selector.setdefault("matchLabels", {})[HASH_LABEL] = suffix
    annotations = {
        k: v for k, v in (metadata.get("annotations") or {}).items() if k not in NOT_COPIED
    }
    surge, _ = fenceposts(deployment)
    annotations.update(
        {
            REVISION: str(revision),
            "deployment.kubernetes.io/desired-replicas": str(spec.get("replicas", 1)),
            "deployment.kubernetes.io/max-replicas": str(int(spec.get("replicas", 1)) + surge),
        }
    )
    rs = {
        "apiVersion": "apps/v1",
        "kind": "ReplicaSet",
        "metadata": {
            "name": name,
            "namespace": namespace,
            "labels": labels,
            "annotations": annotations,
            "ownerReferences": [
                {
                    "apiVersion": "apps/v1",
                    "kind": "Deployment",
                    "name": metadata["name"],
                    "uid": metadata["uid"],
                    "controller": True,
                    "blockOwnerDeletion": True,
                }
            ],
        },
        "spec": {"replicas": 0, "selector": selector, "template": template},
        "status": {"replicas": 0},
    }
    if spec.get("minReadySeconds"):
        rs["spec"]["minReadySeconds"] = spec["minReadySeconds"]
    return store.insert(REPLICASETS, store.stamp_new(REPLICASETS, rs))


def _scale(store: Store, deployment: dict[str, Any], rs: dict[str, Any], replicas: int) -> None:
    current = store.get("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
    if current is None or current["spec"].get("replicas") == replicas:
        return
    before = int(current["spec"].get("replicas", 0))
    current["spec"]["replicas"] = replicas
    surge, _ = fenceposts(deployment)
    desired = int(deployment["spec"].get("replicas", 1))
    current["metadata"].setdefault("annotations", {}).update(
        {
            "deployment.kubernetes.io/desired-replicas": str(desired),
            "deployment.kubernetes.io/max-replicas": str(desired + surge),
        }
    )
    store.replace(REPLICASETS, current)
    direction = "up" if replicas > before else "down"
    record_event(
        store,
        involved=deployment,
        reason="ScalingReplicaSet",
        message=f"Scaled {direction} replica set {current['metadata']['name']} to {replicas}"
        + (f" from {before}" if direction == "down" else ""),
        component="deployment-controller",
    )


def _fresh(store: Store, rs: dict[str, Any]) -> dict[str, Any]:
    return store.get("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"]) or rs


def _recreate(store: Store, deployment: dict[str, Any], new_rs: dict[str, Any]) -> None:
    old = [
        rs
        for rs in owned_replicasets(store, deployment)
        if rs["metadata"]["uid"] != new_rs["metadata"]["uid"]
    ]
    if any(rs["spec"].get("replicas", 0) for rs in old):
        for rs in old:
            _scale(store, deployment, rs, 0)
        return
    if not any(pods_of(store, rs) for rs in old):
        _scale(store, deployment, new_rs, int(deployment["spec"].get("replicas", 1)))


def _roll(store: Store, deployment: dict[str, Any], new_rs: dict[str, Any]) -> None:
    desired = int(deployment["spec"].get("replicas", 1))
    surge, unavailable = fenceposts(deployment)
    new_uid = new_rs["metadata"]["uid"]
    owned = owned_replicasets(store, deployment)
    total = sum(int(rs["spec"].get("replicas", 0)) for rs in owned)
    new_count = int(new_rs["spec"].get("replicas", 0))
    if new_count < desired and desired + surge - total > 0:
        _scale(store, deployment, new_rs, min(desired, new_count + desired + surge - total))
    elif new_count > desired:
        _scale(store, deployment, new_rs, desired)
    new_rs = _fresh(store, new_rs)
    old = [_fresh(store, rs) for rs in owned if rs["metadata"]["uid"] != new_uid]
    old = [rs for rs in old if rs["spec"].get("replicas", 0) > 0]
    if not old:
        return
    everyone = [new_rs, *old]
    min_available = desired - unavailable
    new_unavailable = int(new_rs["spec"].get("replicas", 0)) - ready_count(store, new_rs)
    budget = (
        sum(int(rs["spec"].get("replicas", 0)) for rs in everyone) - min_available - new_unavailable
    )
    for rs in old:  # unhealthy old replicas go first
        unhealthy = int(rs["spec"].get("replicas", 0)) - ready_count(store, rs)
        take = min(budget, unhealthy)
        if take > 0:
            _scale(store, deployment, rs, int(rs["spec"]["replicas"]) - take)
            budget -= take
    old = [_fresh(store, rs) for rs in old]
    spare = sum(ready_count(store, rs) for rs in [new_rs, *old]) - min_available
    for rs in old:
        take = min(int(rs["spec"].get("replicas", 0)), spare)
        if take > 0:
            _scale(store, deployment, rs, int(rs["spec"]["replicas"]) - take)
            spare -= take


def _prune_history(store: Store, deployment: dict[str, Any], new_rs: dict[str, Any] | None) -> None:
    limit = int(deployment["spec"].get("revisionHistoryLimit", 10))
    keep_uid = new_rs["metadata"]["uid"] if new_rs else None
    idle = [
        rs
        for rs in owned_replicasets(store, deployment)
        if rs["metadata"]["uid"] != keep_uid
        and not rs["spec"].get("replicas")
        and not pods_of(store, rs)
    ]
    for rs in idle[: max(0, len(idle) - limit)]:
        store.remove(REPLICASETS, rs["metadata"]["namespace"], rs["metadata"]["name"])
