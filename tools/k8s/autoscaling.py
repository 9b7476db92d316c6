"""Autoscaling: a HorizontalPodAutoscaler (autoscaling/v2) on a deployment's CPU."""

from __future__ import annotations

from typing import Any

from pydantic import Field, model_validator

from tools.context import ToolContext
from tools.k8s.clients import ObjectRef, call, call_or_none
from tools.k8s.common import (
    DeploymentArgs,
    KubeWriteTool,
    drop_empty,
    dry_run_param,
    resolve_namespace,
    where,
)
from tools.k8s.inspecting import read_deployment
from tools.k8s.manifests import build_hpa
from tools.kinds import Change
from tools.validation import mentioned_with_unit


class CreateHpaArgs(DeploymentArgs):
    """Autoscale a deployment between a minimum and maximum number of replicas on CPU."""

    min_replicas: int = Field(default=1, ge=1, le=100, json_schema_extra=mentioned_with_unit("min"))
    """Fewest pods the autoscaler keeps."""
    max_replicas: int = Field(ge=1, le=100, json_schema_extra=mentioned_with_unit("max"))
    """Most pods the autoscaler may run."""
    cpu_percent: int = Field(
        default=80, ge=1, le=100, json_schema_extra=mentioned_with_unit("percent")
    )
    """Target average CPU use, in percent of the pods' CPU request."""

    @model_validator(mode="after")
    def _bounds(self) -> CreateHpaArgs:
        if self.min_replicas > self.max_replicas:
            raise ValueError(
                f"min_replicas ({self.min_replicas}) is larger than "
                f"max_replicas ({self.max_replicas})"
            )
        return self


def view_hpa(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """Target, bounds and CPU target of an HPA."""
    if obj is None:
        return None
    spec = obj.get("spec") or {}
    cpu = None
    for metric in spec.get("metrics") or []:
        resource = metric.get("resource") or {}
        if resource.get("name") == "cpu":
            cpu = (resource.get("target") or {}).get("averageUtilization")
    return drop_empty(
        {
            "name": (obj.get("metadata") or {}).get("name"),
            "target": (spec.get("scaleTargetRef") or {}).get("name"),
            "minReplicas": spec.get("minReplicas", 1),
            "maxReplicas": spec.get("maxReplicas"),
            "cpuPercent": cpu,
        }
    )


class CreateHpa(KubeWriteTool):
    name = "create_hpa"
    description = (
        "Autoscale a deployment on CPU between min and max replicas (creates or updates its HPA)."
    )
    Args = CreateHpaArgs
    examples = (
        "autoscale web between 2 and 10 replicas",
        "add an HPA to api in prod: min 3, max 20, target 60% cpu",
        "let worker scale up to 8 pods when cpu is above 70 percent",
    )

    def change(self, args: CreateHpaArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        deployment = read_deployment(apis, name=args.name, namespace=namespace)
        hpa = build_hpa(
            name=args.name,
            namespace=namespace,
            min_replicas=args.min_replicas,
            max_replicas=args.max_replicas,
            cpu_percent=args.cpu_percent,
        )
        ref = ObjectRef("horizontalpodautoscaler", apis.alias, args.name, namespace)
        api = apis.autoscaling
        existing = call_or_none(
            api.read_namespaced_horizontal_pod_autoscaler, args.name, namespace, ref=ref
        )
        before = apis.to_dict(existing) if existing is not None else None
        if before is None:
            result = call(
                api.create_namespaced_horizontal_pod_autoscaler,
                namespace,
                hpa,
                ref=ref,
                **dry_run_param(dry_run),
            )
        else:  # replace the spec, guarded by the resourceVersion we read
            hpa["metadata"]["resourceVersion"] = before["metadata"].get("resourceVersion")
            result = call(
                api.replace_namespaced_horizontal_pod_autoscaler,
                args.name,
                namespace,
                hpa,
                ref=ref,
                **dry_run_param(dry_run),
            )
        after = apis.to_dict(result)
        containers = deployment["spec"]["template"]["spec"]["containers"]
        no_cpu = [
            c["name"]
            for c in containers
            if not ((c.get("resources") or {}).get("requests") or {}).get("cpu")
        ]
        note = (
            f" Note: container(s) {', '.join(no_cpu)} have no CPU request, so CPU use "
            "cannot be measured; set one with set_resources."
            if no_cpu
            else ""
        )
        verb = ("Create", "Created") if before is None else ("Update", "Updated")
        what = (
            f"autoscaler for deployment {args.name} {where(namespace, apis.alias)}: "
            f"{args.min_replicas}..{args.max_replicas} replicas at {args.cpu_percent}% CPU."
        )
        return Change(
            planned=f"{verb[0]} {what}{note}",
            done=f"{verb[1]} {what}{note}",
            diffs=[(f"horizontalpodautoscaler/{args.name}", view_hpa(before), view_hpa(after))],
            data={
                "name": args.name,
                "namespace": namespace,
                "cluster": apis.alias,
                "min_replicas": args.min_replicas,
                "max_replicas": args.max_replicas,
                "cpu_percent": args.cpu_percent,
                "created": before is None,
                "containers_without_cpu_request": no_cpu,
            },
        )
