"""Watch streams: ADDED/MODIFIED/DELETED events as JSON lines until timeoutSeconds.

Events come from the store's change window, filtered by namespace and selectors the
way the API server filters them: an object that stops matching a selector arrives as
DELETED, one that starts matching as ADDED.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable
from typing import Any

from tools.k8s.sandbox.errors import ApiError, BadRequest
from tools.k8s.sandbox.operations import Cluster
from tools.k8s.sandbox.routing import ResourceRoute
from tools.k8s.sandbox.selectors import parse_field_selector, parse_label_selector

DEFAULT_TIMEOUT_S = 1800
Render = Callable[[dict[str, Any]], dict[str, Any]]


class WatchStream:
    """One watch: prepared (and validated) under the lock, then streamed without it."""

    def __init__(
        self,
        cluster: Cluster,
        route: ResourceRoute,
        query: dict[str, str],
        *,
        render: Render,
        stopping: Callable[[], bool],
    ) -> None:
        self.cluster, self.route, self.render, self.stopping = cluster, route, render, stopping
        self.labels = parse_label_selector(query.get("labelSelector"))
        self.fields = parse_field_selector(query.get("fieldSelector"), kind=route.rt.kind)
        try:
            timeout = int(query.get("timeoutSeconds") or DEFAULT_TIMEOUT_S)
        except ValueError:
            raise BadRequest("timeoutSeconds must be an integer") from None
        self.deadline = time.monotonic() + max(0, timeout)
        version = query.get("resourceVersion") or "0"
        if not version.isdigit():
            raise BadRequest(f"invalid resource version: {version!r}")
        self.since = int(version)
        self.initial: list[dict[str, Any]] = []
        if self.since == 0:
            self.since = cluster.store.resource_version
            self.initial = [
                {"type": "ADDED", "object": render(obj)}
                for obj in cluster.store.items(route.rt.plural, route.namespace)
                if self._matches(obj)
            ]

    def run(self, send: Callable[[bytes], None]) -> None:
        """Send events until the timeout, the server stopping, or the client leaving."""
        for event in self.initial:
            send(_line(event))
        store = self.cluster.store
        while True:
            with store.changed:
                events = self._wait_for_events()
            if events is None:
                return
            for event in events:
                send(_line(event))

    def _wait_for_events(self) -> list[dict[str, Any]] | None:
        store = self.cluster.store
        while True:
            if self.stopping() or store.closed:
                return None
            try:
                changes = store.changes_since(self.since)
            except ApiError as exc:  # the window moved on: tell the client to relist
                self.deadline = 0.0
                return [{"type": "ERROR", "object": exc.to_status()}]
            self.since = store.resource_version
            events = [event for change in changes if (event := self._event(change)) is not None]
            if events:
                return events
            remaining = self.deadline - time.monotonic()
            if remaining <= 0:
                return None
            store.changed.wait(min(remaining, 0.5))

    def _event(self, change: Any) -> dict[str, Any] | None:
        if change.plural != self.route.rt.plural:
            return None
        now_matches = self._matches(change.obj) and change.type != "DELETED"
        was_matching = change.old is not None and self._matches(change.old)
        if change.type == "DELETED":
            kind = "DELETED" if was_matching else None
        elif now_matches:
            kind = "MODIFIED" if was_matching else "ADDED"
        else:
            kind = "DELETED" if was_matching else None
        if kind is None:
            return None
        return {"type": kind, "object": self.render(change.obj)}

    def _matches(self, obj: dict[str, Any]) -> bool:
        namespace = self.route.namespace
        if namespace is not None and obj["metadata"].get("namespace") != namespace:
            return False
        return self.labels(obj["metadata"].get("labels") or {}) and self.fields(obj)


def _line(event: dict[str, Any]) -> bytes:
    return json.dumps(event, separators=(",", ":")).encode() + b"\n"
