"""Events as components report them: aggregated by (object, reason, message) with a count."""

from __future__ import annotations

import hashlib
from typing import Any

from tools.k8s.sandbox.pod_lifecycle import EventSpec
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.store import Store, format_time, parse_time

EVENTS = resource_for_plural("events")
MAX_EVENTS_PER_NAMESPACE = 1000


def upsert_event(store: Store, *, involved: dict[str, Any], spec: EventSpec) -> None:
    """Make the event described by `spec` exist exactly as given (idempotent)."""
    event = _event(involved, spec)
    current = store.get("events", event["metadata"]["namespace"], event["metadata"]["name"])
    if current is None:
        _insert(store, event)
        return
    for field in ("count", "firstTimestamp", "lastTimestamp", "type"):
        current[field] = event[field]
    store.replace(EVENTS, current)


def record_event(
    store: Store,
    *,
    involved: dict[str, Any],
    reason: str,
    message: str,
    type: str = "Normal",
    component: str,
) -> None:
    """Report something that just happened; a repeat of the same event bumps its count."""
    now = store.now()
    event = _event(involved, EventSpec(reason, message, now, now, type=type, component=component))
    current = store.get("events", event["metadata"]["namespace"], event["metadata"]["name"])
    if current is None:
        _insert(store, event)
        return
    current["count"] = int(current.get("count", 1)) + 1
    current["lastTimestamp"] = format_time(now)
    store.replace(EVENTS, current)


def _event(involved: dict[str, Any], spec: EventSpec) -> dict[str, Any]:
    metadata = involved["metadata"]
    namespace = metadata.get("namespace") or "default"
    key = f"{metadata.get('uid', '')}|{spec.reason}|{spec.message}"
    name = f"{metadata['name']}.{hashlib.sha256(key.encode()).hexdigest()[:16]}"
    reference = {
        "apiVersion": involved["apiVersion"],
        "kind": involved["kind"],
        "name": metadata["name"],
        "uid": metadata.get("uid", ""),
    }
    if metadata.get("namespace"):
        reference["namespace"] = metadata["namespace"]
    source = {"component": spec.component}
    if spec.host:
        source["host"] = spec.host
    return {
        "apiVersion": "v1",
        "kind": "Event",
        "metadata": {"name": name, "namespace": namespace},
        "involvedObject": reference,
        "reason": spec.reason,
        "message": spec.message,
        "type": spec.type,
        "count": spec.count,
        "firstTimestamp": format_time(spec.first),
        "lastTimestamp": format_time(spec.last),
        "source": source,
        "reportingComponent": spec.component,
        "reportingInstance": spec.host,
    }


def _insert(store: Store, event: dict[str, Any]) -> None:
    namespace = event["metadata"]["namespace"]
    existing = store.items("events", namespace)
    if len(existing) >= MAX_EVENTS_PER_NAMESPACE:
        oldest = min(existing, key=lambda item: parse_time(item["lastTimestamp"]))
        store.remove(EVENTS, namespace, oldest["metadata"]["name"])
    store.insert(EVENTS, store.stamp_new(EVENTS, event))
