"""The API verbs on objects: create, get, list, update, patch, delete (with dry run).

Every write is admitted (schema, defaults, rules), checked for conflicts, committed and
then reconciled synchronously, so the next read sees ReplicaSets, pods and events.
`dry_run` runs the same admission and returns the would-be object, persisting nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from tools.k8s.sandbox.controllers import Controllers
from tools.k8s.sandbox.errors import (
    BadRequest,
    Conflict,
    Forbidden,
    already_exists,
    not_found,
    stale_conflict,
)
from tools.k8s.sandbox.patching import apply_patch, is_apply, parse_apply, strategic_merge
from tools.k8s.sandbox.resources import RESOURCE_TYPES, ResourceType, resource_for_plural
from tools.k8s.sandbox.selectors import parse_field_selector, parse_label_selector
from tools.k8s.sandbox.services import allocate_cluster_ip
from tools.k8s.sandbox.store import Store, clone, format_time
from tools.k8s.sandbox.validation import FIELD_VALIDATION, admit_object

RETURNS_DELETED_OBJECT = frozenset({"Pod", "Service"})
PROTECTED_NAMESPACES = frozenset({"default", "kube-system", "kube-public"})


class Cluster:
    """The object API of one sandbox cluster. Callers hold `store.lock`."""

    def __init__(
        self,
        store: Store,
        controllers: Controllers,
        *,
        after_write: Callable[[], None] | None = None,
    ) -> None:
        self.store = store
        self.controllers = controllers
        self.after_write = after_write
        self.field_validation = "Warn"
        """How the current request treats unknown fields (Ignore, Warn, Strict)."""
        self.warnings: list[str] = []
        """Warnings for the current request (sent as `Warning` headers)."""

    def begin_request(self, *, field_validation: str | None = None) -> None:
        """Reset the request-scoped settings (the HTTP layer calls this under the lock)."""
        if field_validation not in (None, "", *FIELD_VALIDATION):
            raise BadRequest(
                f'invalid fieldValidation "{field_validation}": must be Ignore, Warn or Strict'
            )
        self.field_validation = field_validation or "Warn"
        self.warnings = []

    def _admit(
        self, rt: ResourceType, obj: dict[str, Any], old: dict[str, Any] | None = None
    ) -> dict[str, Any]:
        return admit_object(
            rt, obj, old=old, field_validation=self.field_validation, warnings=self.warnings
        )

    def committed(self) -> None:
        """Reconcile after a write and let persistence know."""
        self.controllers.reconcile(force=True)
        if self.after_write is not None:
            self.after_write()

    # Reads --------------------------------------------------------------------------------

    def get(self, rt: ResourceType, namespace: str, name: str) -> dict[str, Any]:
        """One object (a copy); 404 NotFound when missing."""
        found = self.store.get(rt.plural, namespace if rt.namespaced else "", name)
        if found is None:
            raise not_found(qualified=rt.qualified, name=name)
        return found

    def list(
        self,
        rt: ResourceType,
        namespace: str | None,
        *,
        label_selector: str | None = None,
        field_selector: str | None = None,
    ) -> list[dict[str, Any]]:
        """Objects in `namespace` (all when None) that match both selectors (copies)."""
        labels = parse_label_selector(label_selector)
        fields = parse_field_selector(field_selector, kind=rt.kind)
        return [
            clone(obj)
            for obj in self.store.items(rt.plural, namespace if rt.namespaced else None)
            if labels(obj["metadata"].get("labels") or {}) and fields(obj)
        ]

    # Writes -------------------------------------------------------------------------------

    def create(
        self, rt: ResourceType, namespace: str, body: Any, *, dry_run: bool = False
    ) -> dict[str, Any]:
        """POST: admit and store a new object (namespace must exist); 409 if it exists."""
        obj = _as_object(rt, body)
        metadata = obj["metadata"]
        if rt.namespaced:
            if metadata.get("namespace") not in (None, "", namespace):
                raise BadRequest(
                    "the namespace of the provided object does not match the namespace sent on"
                    " the request"
                )
            metadata["namespace"] = namespace
            if self.store.get("namespaces", "", namespace) is None:
                raise not_found(qualified="namespaces", name=namespace)
        else:
            metadata.pop("namespace", None)
        if not metadata.get("name") and metadata.get("generateName"):
            metadata["name"] = f"{metadata['generateName']}{self.store.random_suffix()}"
        obj = self._admit(rt, obj)
        name = obj["metadata"]["name"]
        if self.store.get(rt.plural, namespace if rt.namespaced else "", name) is not None:
            raise already_exists(qualified=rt.qualified, name=name)
        _reset_status(obj)
        if rt.kind == "Service":
            allocate_cluster_ip(self.store, obj)
        self.store.stamp_new(rt, obj)
        if dry_run:
            return obj
        created = self.store.insert(rt, obj)
        self.committed()
        return created

    def update(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        body: Any,
        *,
        dry_run: bool = False,
        subresource: str | None = None,
    ) -> dict[str, Any]:
        """PUT: replace spec (or only status for the status subresource)."""
        current = self.get(rt, namespace, name)
        obj = _as_object(rt, body)
        if obj["metadata"].get("name", name) != name:
            raise BadRequest(
                f"the name of the object ({obj['metadata']['name']}) does not match the name on"
                f" the URL ({name})"
            )
        obj["metadata"]["name"] = name
        if rt.namespaced:
            obj["metadata"]["namespace"] = namespace
        return self._replace(rt, current, obj, dry_run=dry_run, subresource=subresource)

    def patch(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        body: bytes,
        *,
        content_type: str,
        dry_run: bool = False,
        subresource: str | None = None,
        field_manager: str | None = None,
    ) -> dict[str, Any]:
        """PATCH with any patch type; the result is admitted like a PUT.

        A server-side apply (application/apply-patch+yaml) creates a missing object and
        otherwise merges like a strategic merge patch (field ownership is not tracked).
        """
        if is_apply(content_type):
            applied = parse_apply(body, field_manager=field_manager)
            if self.store.get(rt.plural, namespace if rt.namespaced else "", name) is None:
                if subresource is not None:
                    raise not_found(qualified=rt.qualified, name=name)
                applied.setdefault("metadata", {})["name"] = name
                return self.create(rt, namespace, applied, dry_run=dry_run)
            current = self.get(rt, namespace, name)
            patched = strategic_merge(current, applied)
        else:
            current = self.get(rt, namespace, name)
            patched = apply_patch(content_type=content_type, original=current, body=body)
        patched = _as_object(rt, patched)
        patched["metadata"]["name"] = name
        if rt.namespaced:
            patched["metadata"]["namespace"] = namespace
        return self._replace(rt, current, patched, dry_run=dry_run, subresource=subresource)

    def _replace(
        self,
        rt: ResourceType,
        current: dict[str, Any],
        obj: dict[str, Any],
        *,
        dry_run: bool,
        subresource: str | None,
    ) -> dict[str, Any]:
        wanted_version = obj["metadata"].get("resourceVersion")
        if wanted_version and wanted_version != current["metadata"]["resourceVersion"]:
            raise stale_conflict(qualified=rt.qualified, name=current["metadata"]["name"])
        if subresource == "status":
            merged = clone(current)
            merged["status"] = obj.get("status")
            obj = merged
        elif "status" in rt.subresources and "status" in current:
            obj["status"] = clone(current["status"])
        for field in ("uid", "creationTimestamp", "resourceVersion", "generation"):
            if field in current["metadata"]:
                obj["metadata"][field] = current["metadata"][field]
        obj = self._admit(rt, obj, current)
        if rt.kind == "Service" and not obj["spec"].get("clusterIP"):
            obj["spec"]["clusterIP"] = current["spec"].get("clusterIP")
            obj["spec"]["clusterIPs"] = current["spec"].get("clusterIPs")
        if dry_run:
            if rt.has_generation and obj.get("spec") != current.get("spec"):
                obj["metadata"]["generation"] = current["metadata"].get("generation", 1) + 1
            return obj
        saved = self.store.replace(rt, obj)
        self.committed()
        return saved

    def delete(
        self,
        rt: ResourceType,
        namespace: str,
        name: str,
        *,
        options: dict[str, Any] | None = None,
        dry_run: bool = False,
    ) -> dict[str, Any]:
        """Delete one object (cascading to dependents unless orphaned); returns a Status."""
        current = self.get(rt, namespace, name)
        options = options or {}
        _check_preconditions(rt, current, options.get("preconditions") or {})
        if rt.kind == "Namespace" and name in PROTECTED_NAMESPACES:
            raise Forbidden(f'namespaces "{name}" is forbidden: this namespace may not be deleted')
        if dry_run:
            return current if rt.kind in RETURNS_DELETED_OBJECT else _deleted_status(rt, current)
        if options.get("propagationPolicy") == "Orphan" or options.get("orphanDependents"):
            self._orphan_dependents(current)
        ns = current["metadata"].get("namespace", "")
        gone = self.store.remove(rt, ns, name)
        if rt.kind == "Namespace":
            for other in RESOURCE_TYPES:
                if other.namespaced:
                    for obj in self.store.items(other.plural, name):
                        self.store.remove(other, name, obj["metadata"]["name"])
        self.committed()
        if rt.kind in RETURNS_DELETED_OBJECT:  # as the API server answers for these kinds
            gone["metadata"]["deletionTimestamp"] = format_time(self.store.now())
            gone["metadata"]["deletionGracePeriodSeconds"] = 0
            return gone
        return _deleted_status(rt, current)

    def _orphan_dependents(self, owner: dict[str, Any]) -> None:
        uid, namespace = owner["metadata"]["uid"], owner["metadata"].get("namespace", "")
        for plural in ("replicasets", "pods"):
            for obj in self.store.owned_by(plural, namespace, uid):
                freed = clone(obj)
                refs = [r for r in freed["metadata"]["ownerReferences"] if r.get("uid") != uid]
                if refs:
                    freed["metadata"]["ownerReferences"] = refs
                else:
                    freed["metadata"].pop("ownerReferences")
                self.store.replace(resource_for_plural(plural), freed)


def _as_object(rt: ResourceType, body: Any) -> dict[str, Any]:
    """The body as an object of `rt` (apiVersion/kind checked and filled)."""
    if not isinstance(body, dict):
        raise BadRequest(f"the body of the request must be a {rt.kind} object")
    obj = clone(body)
    if obj.get("kind") not in (None, "", rt.kind) or obj.get("apiVersion") not in (
        None,
        "",
        rt.api_version,
    ):
        raise BadRequest(
            f"the API version in the data ({obj.get('apiVersion')}) does not match the expected"
            f" API version ({rt.api_version}) or kind {obj.get('kind')} is not {rt.kind}"
        )
    obj["apiVersion"], obj["kind"] = rt.api_version, rt.kind
    if not isinstance(obj.get("metadata") or {}, dict):
        raise BadRequest("metadata must be an object")
    obj["metadata"] = obj.get("metadata") or {}
    return obj


def _reset_status(obj: dict[str, Any]) -> None:
    """Status of a new object is the server's, except where a client legitimately sets it."""
    kind = obj["kind"]
    if kind == "PodDisruptionBudget":
        obj["status"] = {
            "disruptionsAllowed": 0,
            "currentHealthy": 0,
            "desiredHealthy": 0,
            "expectedPods": 0,
        }
    if kind in ("Deployment", "ReplicaSet", "HorizontalPodAutoscaler"):
        obj["status"] = {"replicas": 0} if kind == "ReplicaSet" else {}
        if kind == "HorizontalPodAutoscaler":
            obj["status"] = {"desiredReplicas": 0}
    elif kind == "Pod":
        obj["status"] = {"phase": "Pending"}


def _check_preconditions(
    rt: ResourceType, current: dict[str, Any], preconditions: dict[str, Any]
) -> None:
    meta = current["metadata"]
    uid, version = preconditions.get("uid"), preconditions.get("resourceVersion")
    if uid and uid != meta["uid"]:
        raise Conflict(
            f"Precondition failed: UID in precondition: {uid}, UID in object meta: {meta['uid']}"
        )
    if version and version != meta["resourceVersion"]:
        raise Conflict(
            f"Precondition failed: ResourceVersion in precondition: {version},"
            f" ResourceVersion in object meta: {meta['resourceVersion']}"
        )


def _deleted_status(rt: ResourceType, obj: dict[str, Any]) -> dict[str, Any]:
    return {
        "kind": "Status",
        "apiVersion": "v1",
        "metadata": {},
        "status": "Success",
        "details": {
            "name": obj["metadata"]["name"],
            "group": rt.group,
            "kind": rt.plural,
            "uid": obj["metadata"]["uid"],
        },
    }
