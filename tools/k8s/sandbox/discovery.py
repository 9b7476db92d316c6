"""Discovery documents: /version, /api, /api/v1, /apis, /apis/GROUP[/VERSION]."""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.errors import NotFound
from tools.k8s.sandbox.resources import RESOURCE_TYPES, ResourceType, group_versions
from tools.k8s.sandbox.validation import SCHEMA_VERSION

VERBS = ["create", "delete", "deletecollection", "get", "list", "patch", "update", "watch"]


def version_info() -> dict[str, str]:
    """What /version answers (the Kubernetes version whose schemas are enforced)."""
    major, minor, _ = SCHEMA_VERSION.split(".")
    return {
        "major": major,
        "minor": minor,
        "gitVersion": f"v{SCHEMA_VERSION}",
        "gitCommit": "0000000000000000000000000000000000000000",
        "gitTreeState": "clean",
        "buildDate": "2024-04-17T00:00:00Z",
        "goVersion": "go1.22.2",
        "compiler": "gc",
        "platform": "linux/amd64",
    }


def api_versions(server_address: str) -> dict[str, Any]:
    """/api: the core group's versions and the address clients should use."""
    return {
        "kind": "APIVersions",
        "versions": ["v1"],
        "serverAddressByClientCIDRs": [
            {"clientCIDR": "0.0.0.0/0", "serverAddress": server_address}
        ],
    }


def api_group(name: str) -> dict[str, Any]:
    """/apis/GROUP: one group with its served (and preferred) version."""
    version = group_versions().get(name)
    if version is None:
        raise NotFound(f"the server could not find the requested resource (group {name})")
    entry = {"groupVersion": f"{name}/{version}", "version": version}
    return {
        "kind": "APIGroup",
        "apiVersion": "v1",
        "name": name,
        "versions": [entry],
        "preferredVersion": entry,
    }


def api_group_list() -> dict[str, Any]:
    """/apis: every non-core group."""
    groups = [api_group(name) for name in sorted(group_versions())]
    for group in groups:
        del group["kind"], group["apiVersion"]
    return {"kind": "APIGroupList", "apiVersion": "v1", "groups": groups}


def resource_list(group: str, version: str) -> dict[str, Any]:
    """The APIResourceList of one group version, subresources included."""
    if (group and group_versions().get(group) != version) or (not group and version != "v1"):
        raise NotFound("the server could not find the requested resource")
    resources: list[dict[str, Any]] = []
    for rt in RESOURCE_TYPES:
        if rt.group == group and rt.version == version:
            resources.append(_resource(rt))
            resources += [_subresource(rt, sub) for sub in rt.subresources]
    return {
        "kind": "APIResourceList",
        "apiVersion": "v1",
        "groupVersion": f"{group}/{version}" if group else version,
        "resources": resources,
    }


def _resource(rt: ResourceType) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": rt.plural,
        "singularName": rt.kind.lower(),
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": VERBS if rt.namespaced else [v for v in VERBS if v != "deletecollection"],
    }
    if rt.short_names:
        entry["shortNames"] = list(rt.short_names)
    if rt.categories:
        entry["categories"] = list(rt.categories)
    return entry


def _subresource(rt: ResourceType, sub: str) -> dict[str, Any]:
    entry: dict[str, Any] = {
        "name": f"{rt.plural}/{sub}",
        "singularName": "",
        "namespaced": rt.namespaced,
        "kind": rt.kind,
        "verbs": ["get", "patch", "update"],
    }
    if sub == "scale":
        entry.update(group="autoscaling", version="v1", kind="Scale")
    elif sub == "eviction":
        entry.update(group="policy", version="v1", kind="Eviction", verbs=["create"])
    elif sub == "log":
        entry["verbs"] = ["get"]
    return entry
