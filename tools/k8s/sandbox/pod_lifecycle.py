"""A pod's status and kubelet events as a pure function of its spec and of time.

A scheduled pod waits `delay` seconds in ContainerCreating, then each container runs
and is Ready, except for images tagged `:broken`, which crash and restart with a
doubling back-off (CrashLoopBackOff, growing restartCount), and images tagged
`:notfound`, which never pull (ErrImagePull, then ImagePullBackOff). Computing the
status from time keeps it deterministic: the same instant always gives the same status.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any

from tools.k8s.sandbox.quantities import parse_quantity
from tools.k8s.sandbox.store import format_time

MAX_BACKOFF_S = 300.0


@dataclass(frozen=True)
class EventSpec:
    """One (aggregated) event a component reports about an object."""

    reason: str
    message: str
    first: float
    last: float
    count: int = 1
    type: str = "Normal"
    component: str = "kubelet"
    host: str = ""


@dataclass
class PodTimeline:
    """The status a pod has at one instant, the events so far and when it next changes."""

    status: dict[str, Any]
    events: list[EventSpec] = field(default_factory=list)
    next_due: float | None = None


def image_behaviour(image: str) -> str:
    """`crash` for tag `broken`, `pull` for tag `notfound`, else `run`."""
    tag = image.rsplit("/", 1)[-1].partition("@")[0].partition(":")[2]
    return {"broken": "crash", "notfound": "pull"}.get(tag, "run")


def crash_times(*, first: float, backoff: float, until: float) -> list[float]:
    """Instants of every crash up to `until`: the first at `first`, then doubling gaps."""
    times, at, gap = [], first, backoff
    while at <= until:
        times.append(at)
        at, gap = at + gap, min(gap * 2, MAX_BACKOFF_S)
    return times


def compute_pod(
    pod: dict[str, Any],
    *,
    created: float,
    scheduled: float | None,
    now: float,
    delay: float,
    host_ip: str = "",
    pod_ip: str = "",
    unschedulable: str = "",
) -> PodTimeline:
    """Status, events and next change of `pod` at `now` (created, then scheduled, at)."""
    spec = pod.get("spec") or {}
    qos = qos_class(spec)
    if scheduled is None or not spec.get("nodeName"):
        return _unscheduled(created=created, qos=qos, message=unschedulable)
    node, ready_at, backoff = spec["nodeName"], scheduled + delay, max(delay, 0.05)
    timeline = PodTimeline(status={})
    timeline.events.append(
        EventSpec(
            "Scheduled",
            f"Successfully assigned {_ref(pod)} to {node}",
            scheduled,
            scheduled,
            component="default-scheduler",
        )
    )
    statuses = []
    for container in spec.get("containers") or []:
        status, events, due = _container(
            pod, container, scheduled=scheduled, ready_at=ready_at, now=now, backoff=backoff
        )
        statuses.append(status)
        timeline.events += [EventSpec(**{**event.__dict__, "host": node}) for event in events]
        if due is not None:
            timeline.next_due = due if timeline.next_due is None else min(timeline.next_due, due)
    all_ready = bool(statuses) and all(status["ready"] for status in statuses)
    waiting = [s["state"]["waiting"]["reason"] for s in statuses if "waiting" in s["state"]]
    phase = (
        "Pending"
        if now < ready_at or "ErrImagePull" in waiting or ("ImagePullBackOff" in waiting)
        else "Running"
    )
    not_ready = [s["name"] for s in statuses if not s["ready"]]
    readiness = (
        _condition("True", ready_at)
        if all_ready
        else _condition(
            "False",
            scheduled,
            "ContainersNotReady",
            f"containers with unready status: [{' '.join(not_ready)}]",
        )
    )
    timeline.status = {
        "phase": phase,
        "conditions": [
            {"type": "Initialized", **_condition("True", scheduled)},
            {"type": "Ready", **readiness},
            {"type": "ContainersReady", **readiness},
            {"type": "PodScheduled", **_condition("True", scheduled)},
        ],
        "hostIP": host_ip,
        "hostIPs": [{"ip": host_ip}],
        "podIP": pod_ip,
        "podIPs": [{"ip": pod_ip}],
        "startTime": format_time(scheduled),
        "containerStatuses": statuses,
        "qosClass": qos,
    }
    return timeline


def _unscheduled(*, created: float, qos: str, message: str) -> PodTimeline:
    status = {
        "phase": "Pending",
        "conditions": [
            {"type": "PodScheduled", **_condition("False", created, "Unschedulable", message)}
        ],
        "qosClass": qos,
    }
    events = (
        [
            EventSpec(
                "FailedScheduling",
                message,
                created,
                created,
                type="Warning",
                component="default-scheduler",
            )
        ]
        if message
        else []
    )
    return PodTimeline(status=status, events=events)


def _container(
    pod: dict[str, Any],
    container: dict[str, Any],
    *,
    scheduled: float,
    ready_at: float,
    now: float,
    backoff: float,
) -> tuple[dict[str, Any], list[EventSpec], float | None]:
    name, image = container.get("name", ""), str(container.get("image", ""))
    status: dict[str, Any] = {
        "name": name,
        "image": image,
        "imageID": "",
        "ready": False,
        "restartCount": 0,
        "started": False,
        "state": {"waiting": {"reason": "ContainerCreating"}},
        "lastState": {},
    }
    if now < ready_at:
        return status, [], ready_at
    behaviour = image_behaviour(image)
    events = [EventSpec("Pulling", f'Pulling image "{image}"', scheduled, scheduled)]
    if behaviour == "pull":
        return _pull_failure(
            status, events, image=image, ready_at=ready_at, now=now, backoff=backoff
        )
    digest = hashlib.sha256(image.encode()).hexdigest()
    status["imageID"] = f"{image.partition(':')[0]}@sha256:{digest}"
    events += [
        EventSpec(
            "Pulled",
            f'Successfully pulled image "{image}" in {ready_at - scheduled:.3f}s',
            ready_at,
            ready_at,
        ),
        EventSpec("Created", f"Created container {name}", ready_at, ready_at),
        EventSpec("Started", f"Started container {name}", ready_at, ready_at),
    ]
    if behaviour == "run":
        status.update(
            ready=True,
            started=True,
            containerID=_container_id(pod, name, 0),
            state={"running": {"startedAt": format_time(ready_at)}},
        )
        return status, events, None
    crashes = crash_times(first=ready_at, backoff=backoff, until=now)
    gap = min(backoff * 2 ** (len(crashes) - 1), MAX_BACKOFF_S)
    status.update(
        restartCount=len(crashes),
        containerID=_container_id(pod, name, len(crashes)),
        state={
            "waiting": {
                "reason": "CrashLoopBackOff",
                "message": f"back-off {gap:g}s restarting failed container={name}"
                f" pod={pod['metadata']['name']}_{pod['metadata'].get('namespace', '')}"
                f"({pod['metadata'].get('uid', '')})",
            }
        },
        lastState={
            "terminated": {
                "exitCode": 1,
                "reason": "Error",
                "startedAt": format_time(crashes[-1]),
                "finishedAt": format_time(crashes[-1]),
                "containerID": _container_id(pod, name, len(crashes) - 1),
            }
        },
    )
    events.append(
        EventSpec(
            "BackOff",
            f"Back-off restarting failed container {name} in pod {_ref(pod)}",
            crashes[0],
            crashes[-1],
            count=len(crashes),
            type="Warning",
        )
    )
    return status, events, crashes[-1] + gap


def _pull_failure(
    status: dict[str, Any],
    events: list[EventSpec],
    *,
    image: str,
    ready_at: float,
    now: float,
    backoff: float,
) -> tuple[dict[str, Any], list[EventSpec], float | None]:
    failed = (
        f'Failed to pull image "{image}": rpc error: code = NotFound desc = failed to pull'
        f' and unpack image "{image}": not found'
    )
    events += [
        EventSpec("Failed", failed, ready_at, ready_at, type="Warning"),
        EventSpec("Failed", "Error: ErrImagePull", ready_at, ready_at, type="Warning"),
    ]
    if now < ready_at + backoff:
        status["state"] = {"waiting": {"reason": "ErrImagePull", "message": failed}}
        return status, events, ready_at + backoff
    message = f'Back-off pulling image "{image}"'
    status["state"] = {"waiting": {"reason": "ImagePullBackOff", "message": message}}
    events += [
        EventSpec("BackOff", message, ready_at + backoff, ready_at + backoff),
        EventSpec(
            "Failed",
            "Error: ImagePullBackOff",
            ready_at + backoff,
            ready_at + backoff,
            type="Warning",
        ),
    ]
    return status, events, None


def _condition(status: str, at: float, reason: str = "", message: str = "") -> dict[str, Any]:
    condition: dict[str, Any] = {"status": status, "lastTransitionTime": format_time(at)}
    if reason:
        condition["reason"] = reason
    if message:
        condition["message"] = message
    return condition


def _ref(pod: dict[str, Any]) -> str:
    return f"{pod['metadata'].get('namespace', '')}/{pod['metadata']['name']}"


def _container_id(pod: dict[str, Any], name: str, attempt: int) -> str:
    seed = f"{pod['metadata'].get('uid', '')}/{name}/{attempt}"
    return "containerd://" + hashlib.sha256(seed.encode()).hexdigest()


def qos_class(spec: dict[str, Any]) -> str:
    """Guaranteed, Burstable or BestEffort from the containers' requests and limits."""
    containers = spec.get("containers") or []
    resources = [container.get("resources") or {} for container in containers]
    if not any(r.get("requests") or r.get("limits") for r in resources):
        return "BestEffort"
    for r in resources:
        limits, requests = r.get("limits") or {}, r.get("requests") or {}
        for name in ("cpu", "memory"):
            if name not in limits:
                return "Burstable"
            if name in requests and parse_quantity(requests[name]) != parse_quantity(limits[name]):
                return "Burstable"
    return "Guaranteed"
