"""Revisions of a deployment: template hashes, revision numbers, owned ReplicaSets."""

from __future__ import annotations

import hashlib
import json
import math
from typing import Any

from tools.k8s.sandbox.replicas import controller_uid
from tools.k8s.sandbox.store import Store, clone

REVISION = "deployment.kubernetes.io/revision"
HASH_LABEL = "pod-template-hash"
_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


def template_hash(template: dict[str, Any], collision: int = 0) -> str:
    """A stable 10-character name suffix for a pod template (its hash label excluded)."""
    text = json.dumps(without_hash(template), sort_keys=True) + f"/{collision}"
    return "".join(
        _ALPHABET[byte % len(_ALPHABET)] for byte in hashlib.sha256(text.encode()).digest()[:10]
    )


def without_hash(template: dict[str, Any]) -> dict[str, Any]:
    """The template minus the pod-template-hash label (how templates are compared)."""
    clean = clone(template)
    labels = (clean.get("metadata") or {}).get("labels")
    if labels is not None:
        labels.pop(HASH_LABEL, None)
    return clean


def revision_of(rs: dict[str, Any]) -> int:
    """The deployment.kubernetes.io/revision annotation of a ReplicaSet (0 if none)."""
    try:
        return int((rs["metadata"].get("annotations") or {}).get(REVISION, "0"))
    except ValueError:
        return 0


def owned_replicasets(store: Store, deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """ReplicaSets the deployment controls, oldest revision first (read-only)."""
    uid, namespace = deployment["metadata"]["uid"], deployment["metadata"]["namespace"]
    owned = [rs for rs in store.items("replicasets", namespace) if controller_uid(rs) == uid]
    return sorted(owned, key=revision_of)


def fenceposts(deployment: dict[str, Any]) -> tuple[int, int]:
    """(maxSurge, maxUnavailable) as pod counts for the desired replicas."""
    spec = deployment["spec"]
    desired = int(spec.get("replicas", 1))
    strategy = spec.get("strategy") or {}
    if strategy.get("type") == "Recreate":
        return 0, desired
    rolling = strategy.get("rollingUpdate") or {}
    surge = _count(rolling.get("maxSurge", "25%"), desired, round_up=True)
    unavailable = _count(rolling.get("maxUnavailable", "25%"), desired, round_up=False)
    if surge == 0 and unavailable == 0:
        unavailable = 1
    return surge, unavailable


def _count(value: Any, total: int, *, round_up: bool) -> int:
    if isinstance(value, str) and value.endswith("%"):
        share = int(value[:-1]) * total / 100
        return math.ceil(share) if round_up else math.floor(share)
    return int(value)
