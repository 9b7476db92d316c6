"""The kinds the sandbox serves, with the facts discovery and routing need about each."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class ResourceType:
    """One served resource: where it lives in the URL space and what it supports."""

    group: str
    """API group; "" is the core group served under /api/v1."""
    version: str
    """Served version (one per kind)."""
    kind: str
    """Object kind, e.g. Deployment."""
    plural: str
    """URL name, e.g. deployments."""
    namespaced: bool
    """Objects live in a namespace."""
    short_names: tuple[str, ...] = ()
    """kubectl short names (deploy, po, ...)."""
    subresources: tuple[str, ...] = ()
    """Served subresources: status, scale, log, eviction."""
    categories: tuple[str, ...] = ()
    """Discovery categories (`kubectl get all`)."""
    has_generation: bool = False
    """metadata.generation counts spec changes (controllers report observedGeneration)."""

    @property
    def api_version(self) -> str:
        """`v1` or `group/version` as written in objects."""
        return f"{self.group}/{self.version}" if self.group else self.version

    @property
    def qualified(self) -> str:
        """`deployments.apps` (plural.group) as used in API error messages."""
        return f"{self.plural}.{self.group}" if self.group else self.plural

    @property
    def list_kind(self) -> str:
        """`DeploymentList` for Deployment."""
        return f"{self.kind}List"


RESOURCE_TYPES: tuple[ResourceType, ...] = (
    ResourceType("", "v1", "Namespace", "namespaces", False, ("ns",), ("status",)),
    ResourceType("", "v1", "Node", "nodes", False, ("no",), ("status",)),
    ResourceType("", "v1", "Pod", "pods", True, ("po",), ("status", "log", "eviction"), ("all",)),
    ResourceType("", "v1", "Service", "services", True, ("svc",), ("status",), ("all",)),
    ResourceType("", "v1", "ConfigMap", "configmaps", True, ("cm",)),
    ResourceType("", "v1", "Secret", "secrets", True),
    ResourceType("", "v1", "Event", "events", True, ("ev",)),
    ResourceType(
        "apps",
        "v1",
        "Deployment",
        "deployments",
        True,
        ("deploy",),
        ("status", "scale"),
        ("all",),
        has_generation=True,
    ),
    ResourceType(
        "apps",
        "v1",
        "ReplicaSet",
        "replicasets",
        True,
        ("rs",),
        ("status", "scale"),
        ("all",),
        has_generation=True,
    ),
    ResourceType(
        "autoscaling",
        "v2",
        "HorizontalPodAutoscaler",
        "horizontalpodautoscalers",
        True,
        ("hpa",),
        ("status",),
        ("all",),
        has_generation=True,
    ),
    ResourceType(
        "policy",
        "v1",
        "PodDisruptionBudget",
        "poddisruptionbudgets",
        True,
        ("pdb",),
        ("status",),
        has_generation=True,
    ),
)

# Groups that are advertised even without resources of their own.
EXTRA_GROUP_VERSIONS: dict[str, str] = {}

_BY_PATH = {(rt.group, rt.version, rt.plural): rt for rt in RESOURCE_TYPES}
_BY_PLURAL = {rt.plural: rt for rt in RESOURCE_TYPES}
_BY_KIND = {rt.kind: rt for rt in RESOURCE_TYPES}


def find_resource(*, group: str, version: str, plural: str) -> ResourceType | None:
    """The type served at /api(s)/group/version/plural, or None."""
    return _BY_PATH.get((group, version, plural))


def resource_for_plural(plural: str) -> ResourceType:
    """The type stored under `plural` (internal lookups; plural names are unique here)."""
    return _BY_PLURAL[plural]


def resource_for_kind(kind: str) -> ResourceType | None:
    """The type of objects of `kind`, or None when the sandbox does not serve it."""
    return _BY_KIND.get(kind)


def group_versions() -> dict[str, str]:
    """Every non-core group with its one served version."""
    found = {rt.group: rt.version for rt in RESOURCE_TYPES if rt.group}
    found.update(EXTRA_GROUP_VERSIONS)
    return found
