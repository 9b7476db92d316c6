"""Container logs, made up deterministically from the pod's spec and its lifecycle times.

Running containers log a start-up banner and then a request line every few seconds;
containers of `:broken` images log a connection failure and exit, for each restart.
"""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Any

from tools.k8s.sandbox.errors import BadRequest
from tools.k8s.sandbox.pod_lifecycle import crash_times, image_behaviour

REQUEST_EVERY_S = 5.0
MAX_LINES = 5000
_PATHS = ("/healthz", "/api/items", "/api/orders", "/metrics", "/api/users/42")


def read_log(
    pod: dict[str, Any],
    *,
    scheduled: float | None,
    now: float,
    delay: float,
    container: str | None = None,
    previous: bool = False,
    tail_lines: int | None = None,
    since_seconds: int | None = None,
    timestamps: bool = False,
    limit_bytes: int | None = None,
) -> str:
    """The log text `kubectl logs` would print, honouring the usual query options."""
    name = pod["metadata"]["name"]
    chosen = _choose_container(pod, container)
    status = next(
        (
            s
            for s in (pod.get("status") or {}).get("containerStatuses") or []
            if s.get("name") == chosen["name"]
        ),
        {},
    )
    waiting = (status.get("state") or {}).get("waiting", {}).get("reason")
    if (
        scheduled is None
        or not status
        or waiting in ("ContainerCreating", "ErrImagePull", "ImagePullBackOff")
    ):
        reason = waiting or "ContainerCreating"
        raise BadRequest(
            f'container "{chosen["name"]}" in pod "{name}" is waiting to start: {reason}'
        )
    started = scheduled + delay
    if image_behaviour(str(chosen.get("image", ""))) == "crash":
        crashes = crash_times(first=started, backoff=max(delay, 0.05), until=now)
        if previous and len(crashes) < 2:
            raise BadRequest(
                f'previous terminated container "{chosen["name"]}" in pod "{name}" not found'
            )
        attempt_at = crashes[-2] if previous else crashes[-1]
        lines = _crash_lines(pod, chosen, attempt_at)
    else:
        if previous:
            raise BadRequest(
                f'previous terminated container "{chosen["name"]}" in pod "{name}" not found'
            )
        lines = _running_lines(pod, chosen, started, now)
    if since_seconds is not None:
        lines = [(at, text) for at, text in lines if at >= now - since_seconds]
    if tail_lines is not None:
        lines = lines[-tail_lines:] if tail_lines > 0 else []
    text = "".join((f"{_nano(at)} " if timestamps else "") + f"{line}\n" for at, line in lines)
    return text[:limit_bytes] if limit_bytes is not None else text


def _choose_container(pod: dict[str, Any], container: str | None) -> dict[str, Any]:
    containers = (pod.get("spec") or {}).get("containers") or []
    names = [c.get("name") for c in containers]
    if container is None:
        if len(containers) != 1:
            raise BadRequest(
                f"a container name must be specified for pod {pod['metadata']['name']},"
                f" choose one of: [{' '.join(names)}]"
            )
        return containers[0]
    for candidate in containers:
        if candidate.get("name") == container:
            return candidate
    raise BadRequest(f"container {container} is not valid for pod {pod['metadata']['name']}")


def _banner(pod: dict[str, Any], container: dict[str, Any], at: float) -> list[tuple[float, str]]:
    image = container.get("image", "")
    env_count = len(container.get("env") or [])
    return [
        (at, f"{_iso(at)} INFO  starting {container['name']} (image {image})"),
        (
            at,
            f"{_iso(at)} INFO  pod {pod['metadata']['name']} on node {pod['spec'].get('nodeName')}",
        ),
        (at, f"{_iso(at)} INFO  loaded configuration ({env_count} environment variables)"),
    ]


def _running_lines(
    pod: dict[str, Any], container: dict[str, Any], started: float, now: float
) -> list[tuple[float, str]]:
    ports = [p.get("containerPort") for p in container.get("ports") or []] or [8080]
    lines = _banner(pod, container, started)
    lines.append((started, f"{_iso(started)} INFO  listening on :{ports[0]}"))
    count = min(int((now - started) / REQUEST_EVERY_S), MAX_LINES)
    first = max(0, int((now - started) / REQUEST_EVERY_S) - count)
    for index in range(first, first + count):
        at = started + (index + 1) * REQUEST_EVERY_S
        digest = hashlib.sha256(f"{pod['metadata']['name']}/{index}".encode()).digest()
        path = _PATHS[digest[0] % len(_PATHS)]
        millis = 1 + digest[1] % 40
        if digest[2] % 25 == 0:
            lines.append((at, f"{_iso(at)} WARN  GET {path} 200 slow request: {millis * 37}ms"))
        else:
            lines.append((at, f"{_iso(at)} INFO  GET {path} 200 {millis}ms"))
    return lines


def _crash_lines(
    pod: dict[str, Any], container: dict[str, Any], at: float
) -> list[tuple[float, str]]:
    namespace = pod["metadata"].get("namespace", "default")
    target = f"db.{namespace}.svc.cluster.local:5432"
    return [
        *_banner(pod, container, at),
        (at, f"{_iso(at)} INFO  connecting to database at {target}"),
        (at, f"{_iso(at)} ERROR failed to connect to database at {target}: connection refused"),
        (at, f"{_iso(at)} ERROR giving up after 3 attempts"),
        (at, f"{_iso(at)} FATAL {container['name']} exited with code 1"),
    ]


def _iso(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def _nano(epoch: float) -> str:
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%S.%f") + "000Z"
