"""Objects in memory: one lock, a global resourceVersion counter and a window of changes.

Stored dicts are never mutated in place: writers hand in new dicts, readers that want to
change something take a copy (`get` copies, `items` does not). That keeps the change
history (which watches replay) consistent without copying on every read.
"""

from __future__ import annotations

import json
import random
import threading
import time
import uuid
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tools.k8s.sandbox.errors import Gone
from tools.k8s.sandbox.resources import RESOURCE_TYPES, ResourceType

_SUFFIX_ALPHABET = "bcdfghjklmnpqrstvwxz2456789"


@dataclass(frozen=True)
class Change:
    """One committed write, as a watch replays it."""

    resource_version: int
    type: str
    """ADDED, MODIFIED or DELETED."""
    plural: str
    obj: dict[str, Any]
    old: dict[str, Any] | None


def clone(value: Any) -> Any:
    """A deep copy of JSON-like data (dicts, lists, scalars); much faster than deepcopy."""
    if type(value) is dict:
        return {key: clone(item) for key, item in value.items()}
    if type(value) is list:
        return [clone(item) for item in value]
    return value


def format_time(epoch: float) -> str:
    """RFC 3339 in UTC at second precision, as Kubernetes writes timestamps."""
    return datetime.fromtimestamp(epoch, UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_time(text: str) -> float:
    """Inverse of `format_time`."""
    return datetime.strptime(text, "%Y-%m-%dT%H:%M:%SZ").replace(tzinfo=UTC).timestamp()


class Store:
    """Every object of the cluster, keyed by (plural, namespace, name)."""

    def __init__(
        self, *, seed: str, clock: Callable[[], float] = time.time, history: int = 20_000
    ) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self.clock = clock
        self.rng = random.Random(f"sandbox:{seed}")
        self.resource_version = 0
        self.born: dict[str, float] = {}
        """uid -> creation time with sub-second precision (timestamps only keep seconds)."""
        self.scheduled: dict[str, float] = {}
        """pod uid -> when the scheduler bound it to a node (its lifecycle starts there)."""
        self.history: deque[Change] = deque(maxlen=history)
        self.evicted_up_to = 0
        self.closed = False
        self.writes = 0
        """Count of committed writes (persistence saves when it moves)."""
        self._objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {
            rt.plural: {} for rt in RESOURCE_TYPES
        }

    def now(self) -> float:
        """The current time of this cluster (a simulated clock while seeding)."""
        return self.clock()

    # Reading -----------------------------------------------------------------------------

    def get(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        """A private copy of one object, or None."""
        found = self._objects[plural].get((namespace, name))
        return clone(found) if found is not None else None

    def peek(self, plural: str, namespace: str, name: str) -> dict[str, Any] | None:
        """The stored object itself (read-only!), or None; `get` when you mean to change it."""
        return self._objects[plural].get((namespace, name))

    def items(self, plural: str, namespace: str | None = None) -> list[dict[str, Any]]:
        """Stored objects (read-only!) sorted by namespace and name; all namespaces if None."""
        stored = self._objects[plural]
        keys = sorted(key for key in stored if namespace is None or key[0] == namespace)
        return [stored[key] for key in keys]

    def owned_by(self, plural: str, namespace: str, owner_uid: str) -> list[dict[str, Any]]:
        """Objects whose ownerReferences name `owner_uid` (read-only)."""
        return [
            obj
            for obj in self.items(plural, namespace)
            if any(
                ref.get("uid") == owner_uid for ref in obj["metadata"].get("ownerReferences", [])
            )
        ]

    # Writing -----------------------------------------------------------------------------

    def new_uid(self) -> str:
        """A fresh uid (drawn from the seeded generator: reproducible runs)."""
        return str(uuid.UUID(int=self.rng.getrandbits(128), version=4))

    def random_suffix(self, length: int = 5) -> str:
        """A name suffix in Kubernetes' alphabet (no vowels), e.g. for pods."""
        return "".join(self.rng.choice(_SUFFIX_ALPHABET) for _ in range(length))

    def stamp_new(self, rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        """Fill the server-owned metadata of an object about to be created (not stored)."""
        metadata = obj.setdefault("metadata", {})
        now = self.now()
        metadata["uid"] = self.new_uid()
        metadata["creationTimestamp"] = format_time(now)
        if rt.has_generation:
            metadata["generation"] = 1
        else:
            metadata.pop("generation", None)
        metadata.pop("resourceVersion", None)
        metadata.pop("deletionTimestamp", None)
        obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
        return obj

    def insert(self, rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        """Store a stamped new object; returns the stored object (read-only!)."""
        self._require_open()
        stored = clone(obj)
        metadata = stored["metadata"]
        self.born.setdefault(metadata["uid"], self.now())
        metadata["resourceVersion"] = self._next_version()
        self._objects[rt.plural][(metadata.get("namespace", ""), metadata["name"])] = stored
        self._record("ADDED", rt.plural, stored, None)
        return stored

    def replace(self, rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
        """Store a new version of an existing object (no-op when unchanged); returns the
        stored object (read-only!)."""
        self._require_open()
        key = (obj["metadata"].get("namespace", ""), obj["metadata"]["name"])
        old = self._objects[rt.plural][key]
        stored = clone(obj)
        metadata = stored["metadata"]
        for field in ("uid", "creationTimestamp", "resourceVersion"):
            metadata[field] = old["metadata"][field]
        if rt.has_generation:
            generation = old["metadata"].get("generation", 1)
            metadata["generation"] = generation + (stored.get("spec") != old.get("spec"))
        if stored == old:
            return old
        metadata["resourceVersion"] = self._next_version()
        self._objects[rt.plural][key] = stored
        self._record("MODIFIED", rt.plural, stored, old)
        return stored

    def remove(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        """Delete one object; returns its last state (with the deletion's resourceVersion)."""
        self._require_open()
        old = self._objects[rt.plural].pop((namespace, name))
        gone = clone(old)
        gone["metadata"]["resourceVersion"] = self._next_version()
        self.born.pop(gone["metadata"]["uid"], None)
        self.scheduled.pop(gone["metadata"]["uid"], None)
        self._record("DELETED", rt.plural, gone, old)
        return clone(gone)

    def _next_version(self) -> str:
        self.resource_version += 1
        return str(self.resource_version)

    def _record(self, kind: str, plural: str, obj: dict[str, Any], old: dict[str, Any] | None):
        if len(self.history) == self.history.maxlen:
            self.evicted_up_to = self.history[0].resource_version
        self.history.append(Change(int(obj["metadata"]["resourceVersion"]), kind, plural, obj, old))
        self.writes += 1
        self.changed.notify_all()

    def _require_open(self) -> None:
        if self.closed:
            raise RuntimeError("the sandbox store is closed")

    # Watching ----------------------------------------------------------------------------

    def changes_since(self, resource_version: int) -> list[Change]:
        """Changes after `resource_version`; 410 Gone when the window no longer has them."""
        if resource_version < self.evicted_up_to:
            raise Gone(f"too old resource version: {resource_version} ({self.evicted_up_to})")
        return [change for change in self.history if change.resource_version > resource_version]

    # Persistence -------------------------------------------------------------------------

    def snapshot(self) -> str:
        """The whole state as JSON text (objects, counter, creation times)."""
        return json.dumps(
            {
                "format": 1,
                "resourceVersion": self.resource_version,
                "born": self.born,
                "scheduled": self.scheduled,
                "objects": {plural: list(objs.values()) for plural, objs in self._objects.items()},
            },
            indent=1,
            sort_keys=True,
        )

    def restore(self, text: str) -> None:
        """Replace everything by a `snapshot`; ValueError (nothing changed) for bad input."""
        try:
            data = json.loads(text)
            if not isinstance(data, dict) or data.get("format") != 1:
                raise ValueError("not a sandbox state file (format 1)")
            version = int(data["resourceVersion"])
            born = {str(uid): float(epoch) for uid, epoch in data["born"].items()}
            scheduled = {str(uid): float(epoch) for uid, epoch in data["scheduled"].items()}
            objects: dict[str, dict[tuple[str, str], dict[str, Any]]] = {
                plural: {} for plural in self._objects
            }
            for plural, objs in data["objects"].items():
                if plural not in objects:
                    raise ValueError(f"unknown resource {plural!r}")
                for obj in objs:
                    metadata = obj["metadata"]
                    objects[plural][(metadata.get("namespace", ""), metadata["name"])] = obj
        except (KeyError, TypeError, AttributeError) as exc:
            raise ValueError(f"malformed sandbox state: missing or wrong {exc}") from None
        self.resource_version, self.born, self.scheduled = version, born, scheduled
        self._objects = objects
        self.history.clear()
        self.evicted_up_to = self.resource_version
        # Names and uids drawn after a restore must not repeat those of the first run.
        self.rng.seed(f"sandbox:restored:{self.resource_version}")
