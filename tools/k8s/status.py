"""Pure helpers that read status out of API objects (plain dicts, camelCase keys).

The same words kubectl uses: a pod's STATUS column (CrashLoopBackOff beats Running),
READY as "1/2", restarts, ages like "5m".
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from tools.base import ToolError


def parse_time(value: Any) -> datetime | None:
    """An API timestamp (ISO 8601 string or datetime) as an aware datetime, else None."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if not isinstance(value, str) or not value:
        return None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def age(value: Any, *, now: datetime | None = None) -> str:
    """Short age like kubectl: 45s, 12m, 3h, 2d ("?" when unknown)."""
    when = parse_time(value)
    if when is None:
        return "?"
    seconds = max(0, int(((now or datetime.now(UTC)) - when).total_seconds()))
    for unit, size in (("d", 86400), ("h", 3600), ("m", 60)):
        if seconds >= size:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"


def pod_status(pod: dict[str, Any]) -> dict[str, Any]:
    """Name, STATUS (waiting/terminated reason first), READY, restarts, node, age of a pod."""
    status = pod.get("status") or {}
    meta = pod.get("metadata") or {}
    containers = status.get("containerStatuses") or []
    reason = status.get("reason") or status.get("phase") or "Unknown"
    for item in containers:
        state = item.get("state") or {}
        detail = (state.get("waiting") or state.get("terminated") or {}).get("reason")
        if detail and detail not in ("Completed",):
            reason = detail
            break
    if meta.get("deletionTimestamp"):
        reason = "Terminating"
    wanted = len((pod.get("spec") or {}).get("containers") or []) or len(containers)
    ready = sum(1 for item in containers if item.get("ready"))
    return {
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "status": reason,
        "ready": f"{ready}/{wanted}",
        "restarts": sum(int(item.get("restartCount") or 0) for item in containers),
        "node": (pod.get("spec") or {}).get("nodeName"),
        "age": age(meta.get("creationTimestamp")),
    }


def pod_is_healthy(pod: dict[str, Any]) -> bool:
    """Running with all containers ready and no restarts."""
    row = pod_status(pod)
    ready, wanted = row["ready"].split("/")
    return row["status"] == "Running" and ready == wanted and row["restarts"] == 0


def deployment_status(deployment: dict[str, Any]) -> dict[str, Any]:
    """Name, desired/ready/updated/available replicas, images and revision of a deployment."""
    meta = deployment.get("metadata") or {}
    spec = deployment.get("spec") or {}
    status = deployment.get("status") or {}
    containers = ((spec.get("template") or {}).get("spec") or {}).get("containers") or []
    desired = spec.get("replicas", 1)
    return {
        "name": meta.get("name"),
        "namespace": meta.get("namespace"),
        "replicas": desired,
        "ready": int(status.get("readyReplicas") or 0),
        "updated": int(status.get("updatedReplicas") or 0),
        "available": int(status.get("availableReplicas") or 0),
        "images": [c.get("image") for c in containers],
        "revision": (meta.get("annotations") or {}).get("deployment.kubernetes.io/revision"),
        "age": age(meta.get("creationTimestamp")),
    }


def selector_string(selector: dict[str, Any] | None) -> str:
    """A LabelSelector (matchLabels + matchExpressions) as a `labelSelector` query string."""
    if not selector:
        raise ToolError("The deployment has no selector; cannot find its pods.")
    parts = [f"{k}={v}" for k, v in sorted((selector.get("matchLabels") or {}).items())]
    for expr in selector.get("matchExpressions") or []:
        key, op, values = expr.get("key"), expr.get("operator"), expr.get("values") or []
        if op == "In":
            parts.append(f"{key} in ({','.join(values)})")
        elif op == "NotIn":
            parts.append(f"{key} notin ({','.join(values)})")
        elif op == "Exists":
            parts.append(key)
        elif op == "DoesNotExist":
            parts.append(f"!{key}")
    if not parts:
        raise ToolError("The deployment's selector is empty; refusing to match every pod.")
    return ",".join(parts)


def container_names(deployment_or_pod: dict[str, Any]) -> list[str]:
    """Container names of a pod or of a deployment's pod template."""
    spec = deployment_or_pod.get("spec") or {}
    if "template" in spec:
        spec = (spec.get("template") or {}).get("spec") or {}
    return [c.get("name") for c in spec.get("containers") or []]


def choose_container(names: list[str], wanted: str | None, *, owner: str) -> str:
    """The container a call means: the named one, else the only one; ambiguity is an error."""
    if wanted is not None:
        if wanted not in names:
            raise ToolError(f"{owner} has no container '{wanted}'; containers: {', '.join(names)}")
        return wanted
    if len(names) == 1:
        return names[0]
    raise ToolError(f"{owner} has several containers ({', '.join(names)}); say which one.")


def event_time(event: dict[str, Any]) -> datetime:
    """When an event last happened (lastTimestamp, eventTime, firstTimestamp, creation)."""
    for key in ("lastTimestamp", "eventTime", "firstTimestamp"):
        when = parse_time(event.get(key))
        if when:
            return when
    return parse_time(
        (event.get("metadata") or {}).get("creationTimestamp")
    ) or datetime.min.replace(tzinfo=UTC)
