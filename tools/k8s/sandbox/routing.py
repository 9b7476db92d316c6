"""Where a request path points: a discovery document or a resource (namespace, name, sub)."""

from __future__ import annotations

from dataclasses import dataclass

from tools.k8s.sandbox.errors import NotFound
from tools.k8s.sandbox.resources import ResourceType, find_resource


@dataclass(frozen=True)
class ResourceRoute:
    """/api(s)/.../[namespaces/NS/]PLURAL[/NAME[/SUB]]."""

    rt: ResourceType
    namespace: str | None
    """None for cluster-scoped kinds and for all-namespaces lists."""
    name: str | None
    subresource: str | None


@dataclass(frozen=True)
class DiscoveryRoute:
    """/version, /api, /apis, /api/v1, /apis/GROUP, /apis/GROUP/VERSION, health checks."""

    document: str
    group: str = ""
    version: str = ""


def parse_path(path: str) -> ResourceRoute | DiscoveryRoute:
    """Route a URL path (without query); 404 for anything the sandbox does not serve."""
    parts = [part for part in path.split("/") if part]
    if not parts:
        return DiscoveryRoute("root")
    if parts[0] in ("version", "healthz", "livez", "readyz") and len(parts) == 1:
        return DiscoveryRoute(parts[0])
    if parts == ["openapi", "v2"]:
        return DiscoveryRoute("openapi")
    if parts[0] == "api":
        if len(parts) == 1:
            return DiscoveryRoute("api")
        group, version, rest = "", parts[1], parts[2:]
    elif parts[0] == "apis":
        if len(parts) == 1:
            return DiscoveryRoute("apis")
        if len(parts) == 2:
            return DiscoveryRoute("group", group=parts[1])
        group, version, rest = parts[1], parts[2], parts[3:]
    else:
        raise NotFound("the server could not find the requested resource")
    if not rest:
        return DiscoveryRoute("resources", group=group, version=version)
    return _resource_route(group, version, rest)


def _resource_route(group: str, version: str, rest: list[str]) -> ResourceRoute:
    if rest[0] == "namespaces" and len(rest) >= 3:
        rt = find_resource(group=group, version=version, plural=rest[2])
        if rt is not None and rt.namespaced:
            return _finish(rt, rest[1], rest[3:])
    rt = find_resource(group=group, version=version, plural=rest[0])
    if rt is None:
        raise NotFound("the server could not find the requested resource")
    if rt.namespaced and len(rest) > 1:
        raise NotFound("the server could not find the requested resource")
    return _finish(rt, None, rest[1:])


def _finish(rt: ResourceType, namespace: str | None, tail: list[str]) -> ResourceRoute:
    if len(tail) > 2 or (len(tail) == 2 and tail[1] not in rt.subresources):
        raise NotFound("the server could not find the requested resource")
    name = tail[0] if tail else None
    return ResourceRoute(rt, namespace, name, tail[1] if len(tail) == 2 else None)
