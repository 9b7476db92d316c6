"""Scaling a deployment through its scale subresource."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.base import Risk
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, ObjectRef, call
from tools.k8s.common import DeploymentArgs, KubeWriteTool, dry_run_param, resolve_namespace, where
from tools.k8s.inspecting import read_deployment
from tools.kinds import Change
from tools.validation import mentioned_with_unit

MERGE_PATCH = "application/merge-patch+json"


class ScaleDeploymentArgs(DeploymentArgs):
    """Set the number of replicas of a deployment."""

    replicas: int = Field(ge=0, le=100, json_schema_extra=mentioned_with_unit("replicas"))
    """Wanted number of pods; 0 stops the workload (destructive)."""


def find_hpa(apis: KubeApis, *, deployment: str, namespace: str) -> dict[str, Any] | None:
    """The HorizontalPodAutoscaler that manages a deployment's replicas, if any."""
    ref = ObjectRef("horizontalpodautoscaler", apis.alias, namespace=namespace)
    found = apis.to_dict(
        call(apis.autoscaling.list_namespaced_horizontal_pod_autoscaler, namespace, ref=ref)
    )
    for hpa in found.get("items") or []:
        target = (hpa.get("spec") or {}).get("scaleTargetRef") or {}
        if target.get("kind") == "Deployment" and target.get("name") == deployment:
            return hpa
    return None


class ScaleDeployment(KubeWriteTool):
    name = "scale_deployment"
    description = "Set the number of replicas of a deployment (0 stops it)."
    Args = ScaleDeploymentArgs
    examples = (
        "scale web to 5 replicas",
        "scale checkout in prod down to 2",
        "stop the worker deployment in staging (scale to zero)",
    )

    def risk(self, args: ScaleDeploymentArgs, ctx: ToolContext) -> Risk:
        return Risk.DESTRUCTIVE if args.replicas == 0 else self.base_risk

    def change(self, args: ScaleDeploymentArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        current = (before.get("spec") or {}).get("replicas", 1)
        ref = ObjectRef("deployment", apis.alias, args.name, namespace)
        scale = call(
            apis.apps.patch_namespaced_deployment_scale,
            args.name,
            namespace,
            {"spec": {"replicas": args.replicas}},
            _content_type=MERGE_PATCH,
            ref=ref,
            **dry_run_param(dry_run),
        )
        after = (apis.to_dict(scale).get("spec") or {}).get("replicas", args.replicas)
        place = where(namespace, apis.alias)
        note = ""
        hpa = find_hpa(apis, deployment=args.name, namespace=namespace)
        if hpa is not None:
            spec = hpa.get("spec") or {}
            note = (
                f" Note: autoscaler {hpa['metadata']['name']} manages its replicas "
                f"({spec.get('minReplicas', 1)}..{spec.get('maxReplicas')}) and may change this."
            )
        title = f"deployment/{args.name}"
        return Change(
            planned=f"Scale deployment {args.name} {place} from {current} to {after}.{note}",
            done=f"Scaled deployment {args.name} {place} from {current} to {after} replicas.{note}",
            diffs=[(title, {"replicas": current}, {"replicas": after})],
            data={
                "name": args.name,
                "namespace": namespace,
                "cluster": apis.alias,
                "from_replicas": current,
                "replicas": after,
                "autoscaler": hpa["metadata"]["name"] if hpa else None,
            },
        )
