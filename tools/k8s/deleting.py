"""Deleting a deployment or a service; in production this is destructive."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.base import Risk
from tools.context import ToolContext
from tools.k8s.clients import ObjectRef, call
from tools.k8s.common import (
    DeploymentArgs,
    KubeWriteTool,
    NamespacedArgs,
    dry_run_param,
    is_production,
    resolve_cluster,
    resolve_namespace,
    view_deployment,
    view_service,
    where,
)
from tools.k8s.inspecting import read_deployment
from tools.kinds import Change
from tools.validation import MENTIONED, ServiceName


class ProductionDeleteTool(KubeWriteTool):
    """Deleting in a production cluster or namespace is destructive."""

    def risk(self, args: Any, ctx: ToolContext) -> Risk:
        cluster = resolve_cluster(args, ctx)
        if is_production(ctx, cluster=cluster, namespace=resolve_namespace(args)):
            return Risk.DESTRUCTIVE
        return self.base_risk


class DeleteDeployment(ProductionDeleteTool):
    name = "delete_deployment"
    description = "Delete a deployment and its pods."
    Args = DeploymentArgs
    examples = (
        "delete the worker deployment",
        "remove deployment api from staging",
        "tear down checkout in prod",
    )

    def change(self, args: DeploymentArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        ref = ObjectRef("deployment", apis.alias, args.name, namespace)
        call(
            apis.apps.delete_namespaced_deployment,
            args.name,
            namespace,
            propagation_policy="Background",
            ref=ref,
            **dry_run_param(dry_run),
        )
        place = where(namespace, apis.alias)
        replicas = (before.get("spec") or {}).get("replicas", 1)
        return Change(
            planned=f"Delete deployment {args.name} {place} ({replicas} replicas).",
            done=f"Deleted deployment {args.name} {place}; its {replicas} pods are going away.",
            diffs=[(f"deployment/{args.name}", view_deployment(before), None)],
            data={
                "name": args.name,
                "namespace": namespace,
                "cluster": apis.alias,
                "replicas": replicas,
            },
        )


class DeleteServiceArgs(NamespacedArgs):
    """Delete a Service."""

    name: ServiceName = Field(json_schema_extra=MENTIONED)
    """Name of the Service, e.g. "web"."""


class DeleteService(ProductionDeleteTool):
    name = "delete_service"
    description = "Delete a Service (the workload's pods keep running)."
    Args = DeleteServiceArgs
    examples = (
        "delete the redis service",
        "remove service web from staging",
        "drop the api service in prod",
    )

    def change(self, args: DeleteServiceArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        ref = ObjectRef("service", apis.alias, args.name, namespace)
        before = apis.to_dict(
            call(apis.core.read_namespaced_service, args.name, namespace, ref=ref)
        )
        call(
            apis.core.delete_namespaced_service,
            args.name,
            namespace,
            ref=ref,
            **dry_run_param(dry_run),
        )
        place = where(namespace, apis.alias)
        return Change(
            planned=f"Delete service {args.name} {place}.",
            done=f"Deleted service {args.name} {place}.",
            diffs=[(f"service/{args.name}", view_service(before), None)],
            data={"name": args.name, "namespace": namespace, "cluster": apis.alias},
        )
