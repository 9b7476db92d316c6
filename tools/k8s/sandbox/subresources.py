"""Subresources: scale (deployments, replicasets), eviction and log (pods)."""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.disruption import check_eviction
from tools.k8s.sandbox.errors import BadRequest, invalid, stale_conflict
from tools.k8s.sandbox.logs import read_log
from tools.k8s.sandbox.operations import Cluster
from tools.k8s.sandbox.patching import apply_patch
from tools.k8s.sandbox.resources import ResourceType, resource_for_plural
from tools.k8s.sandbox.selectors import selector_to_string

PODS = resource_for_plural("pods")


def read_scale(cluster: Cluster, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
    """The autoscaling/v1 Scale view of a deployment or ReplicaSet."""
    return scale_of(cluster.get(rt, namespace, name))


def scale_of(obj: dict[str, Any]) -> dict[str, Any]:
    """The Scale view of an object with spec.replicas and a selector."""
    metadata = obj["metadata"]
    return {
        "kind": "Scale",
        "apiVersion": "autoscaling/v1",
        "metadata": {
            key: metadata[key]
            for key in ("name", "namespace", "uid", "resourceVersion", "creationTimestamp")
            if key in metadata
        },
        "spec": {"replicas": int(obj["spec"].get("replicas", 1))},
        "status": {
            "replicas": int((obj.get("status") or {}).get("replicas", 0)),
            "selector": selector_to_string(obj["spec"].get("selector")),
        },
    }


def write_scale(
    cluster: Cluster,
    rt: ResourceType,
    namespace: str,
    name: str,
    scale: Any,
    *,
    dry_run: bool = False,
) -> dict[str, Any]:
    """PUT .../scale: set spec.replicas (409 on a stale resourceVersion, 422 when < 0)."""
    current = cluster.get(rt, namespace, name)
    if not isinstance(scale, dict) or not isinstance(scale.get("spec") or {}, dict):
        raise BadRequest("the body of the request must be a Scale object")
    metadata = scale.get("metadata") or {}
    version = metadata.get("resourceVersion")
    if version and version != current["metadata"]["resourceVersion"]:
        raise stale_conflict(qualified=rt.qualified, name=name)
    replicas = (scale.get("spec") or {}).get("replicas", 0)
    if isinstance(replicas, bool) or not isinstance(replicas, int) or replicas < 0:
        raise invalid(
            kind="Scale",
            group="autoscaling",
            name=name,
            causes=[
                (
                    "FieldValueInvalid",
                    "spec.replicas",
                    f"Invalid value: {replicas}: must be greater than or equal to 0",
                )
            ],
        )
    updated = dict(current, spec={**current["spec"], "replicas": replicas})
    saved = cluster.update(rt, namespace, name, updated, dry_run=dry_run)
    return scale_of(saved)


def patch_scale(
    cluster: Cluster,
    rt: ResourceType,
    namespace: str,
    name: str,
    body: bytes,
    *,
    content_type: str,
    dry_run: bool = False,
) -> dict[str, Any]:
    """PATCH .../scale with any patch type, applied to the Scale view."""
    current = read_scale(cluster, rt, namespace, name)
    patched = apply_patch(content_type=content_type, original=current, body=body)
    return write_scale(cluster, rt, namespace, name, patched, dry_run=dry_run)


def evict_pod(
    cluster: Cluster, namespace: str, name: str, eviction: Any, *, dry_run: bool = False
) -> dict[str, Any]:
    """POST pods/NAME/eviction: the pod is deleted unless a disruption budget forbids it."""
    if not isinstance(eviction, dict) or eviction.get("kind") not in (None, "Eviction"):
        raise BadRequest("the body of an eviction must be an Eviction object")
    given = (eviction.get("metadata") or {}).get("name")
    if given and given != name:
        raise BadRequest(f"name in URL does not match name in Eviction object: {name} != {given}")
    options = eviction.get("deleteOptions") or {}
    dry_run = dry_run or "All" in (options.get("dryRun") or [])
    check_eviction(cluster.store, cluster.get(PODS, namespace, name))
    cluster.delete(PODS, namespace, name, options=options, dry_run=dry_run)
    return {"kind": "Status", "apiVersion": "v1", "metadata": {}, "status": "Success", "code": 201}


def pod_log(
    cluster: Cluster, namespace: str, name: str, query: dict[str, str], *, delay: float
) -> str:
    """GET pods/NAME/log with container, previous, tailLines, sinceSeconds, timestamps."""
    pod = cluster.get(PODS, namespace, name)
    store = cluster.store
    return read_log(
        pod,
        scheduled=store.scheduled.get(pod["metadata"]["uid"]),
        now=store.now(),
        delay=delay,
        container=query.get("container") or None,
        previous=_flag(query.get("previous")),
        tail_lines=_number(query, "tailLines"),
        since_seconds=_number(query, "sinceSeconds"),
        timestamps=_flag(query.get("timestamps")),
        limit_bytes=_number(query, "limitBytes"),
    )


def _flag(value: str | None) -> bool:
    return (value or "").lower() in ("true", "1")


def _number(query: dict[str, str], key: str) -> int | None:
    if key not in query or query[key] == "":
        return None
    try:
        value = int(query[key])
    except ValueError:
        raise BadRequest(f"{key}: invalid integer {query[key]!r}") from None
    if value < 0:
        raise BadRequest(f"{key}: must be non-negative")
    return value
