"""Configuring a deployment's containers: environment variables and CPU/memory resources."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tools.base import ToolError
from tools.context import ToolContext
from tools.k8s.common import (
    DeploymentArgs,
    KubeWriteTool,
    resolve_namespace,
    view_deployment,
    where,
)
from tools.k8s.inspecting import read_deployment
from tools.k8s.rollouts import patch_deployment
from tools.k8s.status import choose_container, container_names
from tools.kinds import Change
from tools.validation import (
    MAX_ENV_VARS,
    MENTIONED_CONTAINER,
    CpuQuantity,
    DnsLabel,
    EnvDict,
    MemoryQuantity,
    TypedEnvName,
    at_least_one_of,
    check_request_within_limit,
    parse_quantity,
    quantities_equal,
)


class SetEnvArgs(DeploymentArgs):
    """Set and/or remove environment variables in every container of a deployment."""

    set: EnvDict = Field(default_factory=dict)
    """Variables to add or change, name -> value."""
    unset: list[TypedEnvName] = Field(default_factory=list, max_length=MAX_ENV_VARS)
    """Variables to remove."""

    @model_validator(mode="after")
    def _something_to_do(self) -> SetEnvArgs:
        if not self.set and not self.unset:
            raise ValueError("give at least one variable to set or unset")
        both = sorted(set(self.set) & set(self.unset))
        if both:
            raise ValueError(f"cannot both set and unset {', '.join(both)}")
        if len(set(self.unset)) != len(self.unset):
            raise ValueError("unset lists a variable twice")
        return self


def updated_env(
    env: list[dict[str, Any]], *, set_: dict[str, str], unset: list[str]
) -> list[dict[str, Any]]:
    """A container's env after setting and removing variables (order kept, new ones sorted)."""
    result = []
    for item in env:
        name = item.get("name")
        if name in unset:
            continue
        result.append({"name": name, "value": set_[name]} if name in set_ else item)
    present = {item.get("name") for item in env}
    result += [{"name": k, "value": set_[k]} for k in sorted(set_) if k not in present]
    return result


class SetEnv(KubeWriteTool):
    name = "set_env"
    description = (
        "Set or remove environment variables on a deployment's containers (rolls out new pods)."
    )
    Args = SetEnvArgs
    examples = (
        "set LOG_LEVEL=debug on api",
        "remove FEATURE_X from web in prod",
        "on worker set QUEUE=jobs and CONCURRENCY=4",
    )

    def change(self, args: SetEnvArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        containers = before["spec"]["template"]["spec"]["containers"]
        patch: list[dict[str, Any]] = []
        for index, container in enumerate(containers):
            env = container.get("env") or []
            new_env = updated_env(env, set_=args.set, unset=args.unset)
            if new_env != env:
                path = f"/spec/template/spec/containers/{index}"
                # The test op makes the patch fail rather than edit a reordered container.
                patch.append({"op": "test", "path": f"{path}/name", "value": container["name"]})
                patch.append({"op": "add", "path": f"{path}/env", "value": new_env})
        present = {i.get("name") for c in containers for i in c.get("env") or []}
        missing = sorted(set(args.unset) - present)
        place = where(namespace, apis.alias)
        what = ", ".join(
            [f"{k}={v}" for k, v in sorted(args.set.items())] + [f"-{k}" for k in args.unset]
        )
        data = {
            "name": args.name,
            "namespace": namespace,
            "cluster": apis.alias,
            "set": args.set,
            "unset": args.unset,
        }
        note = f" ({', '.join(missing)} not set, nothing to remove)" if missing else ""
        if not patch:
            same = f"Deployment {args.name} {place} already has {what}; nothing to change{note}."
            return Change(planned=same, done=same, data={**data, "changed": False})
        after = patch_deployment(
            apis, name=args.name, namespace=namespace, body=patch, dry_run=dry_run
        )
        return Change(
            planned=f"Set env on deployment {args.name} {place}: {what}{note}.",
            done=f"Updated env of deployment {args.name} {place}: {what}{note}; pods roll over.",
            diffs=[(f"deployment/{args.name}", view_deployment(before), view_deployment(after))],
            data={**data, "changed": True},
        )


class SetResourcesArgs(DeploymentArgs):
    """Change CPU/memory requests and limits of one container of a deployment."""

    # at least one of these (see _consistent): a request naming no size cannot be this call
    model_config = at_least_one_of("cpu_request", "cpu_limit", "memory_request", "memory_limit")

    container: DnsLabel | None = Field(default=None, json_schema_extra=MENTIONED_CONTAINER)
    """Container to change; omit when the deployment has a single container."""
    cpu_request: CpuQuantity | None = None
    """CPU the pod is guaranteed, e.g. "250m"."""
    cpu_limit: CpuQuantity | None = None
    """CPU ceiling, e.g. "1"."""
    memory_request: MemoryQuantity | None = None
    """Memory the pod is guaranteed, e.g. "512Mi"."""
    memory_limit: MemoryQuantity | None = None
    """Memory ceiling (the pod is killed above it), e.g. "2Gi"."""

    @model_validator(mode="after")
    def _consistent(self) -> SetResourcesArgs:
        values = (self.cpu_request, self.cpu_limit, self.memory_request, self.memory_limit)
        if all(v is None for v in values):
            raise ValueError(
                "give at least one of cpu_request, cpu_limit, memory_request, memory_limit"
            )
        check_request_within_limit(kind="cpu", request=self.cpu_request, limit=self.cpu_limit)
        check_request_within_limit(
            kind="memory", request=self.memory_request, limit=self.memory_limit
        )
        return self


def merged_resources(current: dict[str, Any], args: SetResourcesArgs) -> dict[str, dict[str, str]]:
    """Current resources with the given values replaced; a request above its limit is an error."""
    requests = dict(current.get("requests") or {})
    limits = dict(current.get("limits") or {})
    for target, key, value in (
        (requests, "cpu", args.cpu_request),
        (limits, "cpu", args.cpu_limit),
        (requests, "memory", args.memory_request),
        (limits, "memory", args.memory_limit),
    ):
        if value is not None:
            target[key] = value
    for kind in ("cpu", "memory"):
        if kind in requests and kind in limits:
            if parse_quantity(str(requests[kind])) > parse_quantity(str(limits[kind])):
                raise ToolError(
                    f"{kind} request {requests[kind]} would exceed the {kind} limit "
                    f"{limits[kind]}; set {kind}_limit too"
                )
    return {"requests": requests, "limits": limits}


def same_quantities(left: dict[str, Any], right: dict[str, Any]) -> bool:
    """Two resource maps with equal values ("2Gi" equals "2048Mi")."""
    if left.keys() != right.keys():
        return False
    try:
        return all(quantities_equal(str(left[k]), str(right[k])) for k in left)
    except ValueError:
        return left == right


class SetResources(KubeWriteTool):
    name = "set_resources"
    description = (
        "Set CPU/memory requests and limits of a deployment's container (rolls out new pods)."
    )
    Args = SetResourcesArgs
    examples = (
        "give api 2GB of memory",
        "set cpu request 250m and limit 1 on web",
        "raise the memory limit of worker's main container in prod to 4Gi",
    )

    def change(self, args: SetResourcesArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        owner = f"deployment '{args.name}'"
        container = choose_container(container_names(before), args.container, owner=owner)
        spec = next(
            c for c in before["spec"]["template"]["spec"]["containers"] if c["name"] == container
        )
        current = spec.get("resources") or {}
        merged = merged_resources(current, args)
        changes = {k: v for k, v in merged.items() if not same_quantities(v, current.get(k) or {})}
        place = where(namespace, apis.alias)
        of = f" (container {container})" if container != args.name else ""
        shown = ", ".join(
            f"{part} {kind}={value}"
            for part, values in merged.items()
            for kind, value in sorted(values.items())
        )
        data = {
            "name": args.name,
            "namespace": namespace,
            "cluster": apis.alias,
            "container": container,
            "resources": merged,
        }
        if not changes:
            same = f"Deployment {args.name} {place} already has {shown}; nothing to change."
            return Change(planned=same, done=same, data={**data, "changed": False})
        body = {
            "spec": {
                "template": {"spec": {"containers": [{"name": container, "resources": changes}]}}
            }
        }
        after = patch_deployment(
            apis, name=args.name, namespace=namespace, body=body, dry_run=dry_run
        )
        return Change(
            planned=f"Set resources of deployment {args.name} {place}{of}: {shown}.",
            done=f"Set resources of deployment {args.name} {place}{of}: {shown}; pods roll over.",
            diffs=[(f"deployment/{args.name}", view_deployment(before), view_deployment(after))],
            data={**data, "changed": True},
        )
