"""Looking at workloads: list and describe deployments and pods (read-only)."""

from __future__ import annotations

from typing import Any, ClassVar

from pydantic import Field, model_validator

from tools.base import ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, ObjectRef, call
from tools.k8s.common import (
    DeploymentArgs,
    KubeReadTool,
    NamespacedArgs,
    resolve_cluster,
    resolve_namespace,
    view_container,
    where,
)
from tools.k8s.status import deployment_status, pod_status, selector_string
from tools.validation import MENTIONED, DnsLabel, DnsSubdomain

MAX_ROWS_IN_SUMMARY = 15


def _rows_text(rows: list[str], total: int) -> str:
    text = "\n".join(rows[:MAX_ROWS_IN_SUMMARY])
    if total > MAX_ROWS_IN_SUMMARY:
        text += f"\n... and {total - MAX_ROWS_IN_SUMMARY} more"
    return text


def read_deployment(apis: KubeApis, *, name: str, namespace: str) -> dict[str, Any]:
    """A deployment as a dict; ToolError naming it when missing."""
    ref = ObjectRef("deployment", apis.alias, name, namespace)
    return apis.to_dict(call(apis.apps.read_namespaced_deployment, name, namespace, ref=ref))


def list_deployment_pods(apis: KubeApis, *, deployment: dict[str, Any]) -> list[dict[str, Any]]:
    """Pods selected by a deployment's selector, as dicts."""
    meta = deployment["metadata"]
    selector = selector_string((deployment.get("spec") or {}).get("selector"))
    ref = ObjectRef("pod", apis.alias, namespace=meta["namespace"])
    pods = call(apis.core.list_namespaced_pod, meta["namespace"], label_selector=selector, ref=ref)
    return apis.to_dict(pods).get("items") or []


class ListDeploymentsArgs(NamespacedArgs):
    """List deployments."""

    lists: ClassVar[str | None] = "deployment"

    all_namespaces: bool = False
    """List deployments of every namespace instead of one."""


class ListDeployments(KubeReadTool):
    name = "list_deployments"
    description = "List deployments with desired/ready replicas and images."
    Args = ListDeploymentsArgs
    examples = (
        "what's running in staging?",
        "list deployments on eu-west",
        "show all deployments in every namespace",
    )

    def read(self, args: ListDeploymentsArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        namespace = None if args.all_namespaces else resolve_namespace(args)
        ref = ObjectRef("deployment", apis.alias, namespace=namespace)
        if namespace is None:
            found = call(apis.apps.list_deployment_for_all_namespaces, ref=ref)
        else:
            found = call(apis.apps.list_namespaced_deployment, namespace, ref=ref)
        items = [deployment_status(d) for d in apis.to_dict(found).get("items") or []]
        items.sort(key=lambda d: (d["namespace"] or "", d["name"] or ""))
        place = "in all namespaces" if namespace is None else f"in {namespace}"
        if not items:
            return ToolResult(
                summary=f"No deployments {place} on {apis.alias}.", data={"items": []}
            )
        rows = [
            f"{d['namespace'] + '/' if namespace is None else ''}{d['name']}: "
            f"{d['ready']}/{d['replicas']} ready, {', '.join(d['images'])}"
            for d in items
        ]
        summary = f"{len(items)} deployments {place} on {apis.alias}:\n" + _rows_text(
            rows, len(items)
        )
        return ToolResult(summary=summary, data={"items": items})


class DescribeDeployment(KubeReadTool):
    name = "describe_deployment"
    description = "Show one deployment: replicas, containers, resources, conditions and its pods."
    Args = DeploymentArgs
    examples = (
        "describe the web deployment",
        "what's the state of checkout in prod?",
        "show me details of api on us-central",
    )

    def read(self, args: DeploymentArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        deployment = read_deployment(apis, name=args.name, namespace=namespace)
        status = deployment_status(deployment)
        pods = [pod_status(p) for p in list_deployment_pods(apis, deployment=deployment)]
        template = (deployment.get("spec") or {}).get("template") or {}
        containers = [
            view_container(c) for c in (template.get("spec") or {}).get("containers") or []
        ]
        conditions = [
            {k: c.get(k) for k in ("type", "status", "reason", "message") if c.get(k)}
            for c in (deployment.get("status") or {}).get("conditions") or []
        ]
        lines = [
            f"Deployment {args.name} {where(namespace, apis.alias)}: "
            f"{status['ready']}/{status['replicas']} ready, {status['updated']} up to date, "
            f"revision {status['revision'] or '?'}."
        ]
        for c in containers:
            resources = c.get("resources") or {}
            lines.append(
                f"  container {c['name']}: {c.get('image')}"
                + (f", requests {resources['requests']}" if resources.get("requests") else "")
                + (f", limits {resources['limits']}" if resources.get("limits") else "")
            )
        lines += [
            f"  pod {p['name']}: {p['status']} {p['ready']} ready, {p['restarts']} restarts"
            for p in pods
        ]
        lines += [
            f"  condition {c['type']}={c['status']}: {c.get('message', '')}".rstrip(": ")
            for c in conditions
            if c.get("status") != "True"
        ]
        data = {**status, "containers": containers, "pods": pods, "conditions": conditions}
        return ToolResult(summary="\n".join(lines), data=data)


class ListPodsArgs(NamespacedArgs):
    """List pods, optionally only those of one deployment."""

    deployment: DnsLabel | None = Field(default=None, json_schema_extra={"x-live": "deployment"})
    """Only pods of this deployment; omit for all pods."""
    all_namespaces: bool = False
    """List pods of every namespace (cannot be combined with deployment)."""

    @model_validator(mode="after")
    def _one_scope(self) -> ListPodsArgs:
        if self.all_namespaces and self.deployment is not None:
            raise ValueError("give either deployment or all_namespaces, not both")
        return self


class ListPods(KubeReadTool):
    name = "list_pods"
    description = "List pods with status (Running, CrashLoopBackOff...), readiness and restarts."
    Args = ListPodsArgs
    examples = (
        "list pods in staging",
        "show the pods of the worker deployment",
        "which pods are running across all namespaces?",
    )

    def read(self, args: ListPodsArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        cluster = resolve_cluster(args, ctx)
        namespace = None if args.all_namespaces else resolve_namespace(args)
        ref = ObjectRef("pod", cluster, namespace=namespace)
        if args.deployment:
            deployment = read_deployment(apis, name=args.deployment, namespace=namespace)
            raw = list_deployment_pods(apis, deployment=deployment)
        elif namespace is None:
            raw = (
                apis.to_dict(call(apis.core.list_pod_for_all_namespaces, ref=ref)).get("items")
                or []
            )
        else:
            raw = (
                apis.to_dict(call(apis.core.list_namespaced_pod, namespace, ref=ref)).get("items")
                or []
            )
        pods = sorted(
            (pod_status(p) for p in raw), key=lambda p: (p["namespace"] or "", p["name"] or "")
        )
        scope = f"of deployment {args.deployment} " if args.deployment else ""
        place = "in all namespaces" if namespace is None else f"in {namespace}"
        if not pods:
            return ToolResult(summary=f"No pods {scope}{place} on {cluster}.", data={"items": []})
        rows = [
            f"{p['namespace'] + '/' if namespace is None else ''}{p['name']}: {p['status']}, "
            f"{p['ready']} ready, {p['restarts']} restarts, age {p['age']}"
            for p in pods
        ]
        unhealthy = [p for p in pods if p["status"] != "Running"]
        head = f"{len(pods)} pods {scope}{place} on {cluster}"
        head += f" ({len(unhealthy)} not running)" if unhealthy else ""
        return ToolResult(summary=head + ":\n" + _rows_text(rows, len(pods)), data={"items": pods})


class DescribePodArgs(NamespacedArgs):
    """Describe one pod."""

    name: DnsSubdomain = Field(json_schema_extra=MENTIONED)
    """Name of the pod, e.g. "web-7d4b9c-x2x9k"."""


class DescribePod(KubeReadTool):
    name = "describe_pod"
    description = "Show one pod: status, node, containers with state, restarts and last failure."
    Args = DescribePodArgs
    examples = (
        "describe pod worker-5f7d8-abcde",
        "why is pod api-6c9f-zz2lk not ready?",
        "show details of pod web-7d4b9c-x2x9k in prod",
    )

    def read(self, args: DescribePodArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        ref = ObjectRef("pod", apis.alias, args.name, namespace)
        pod = apis.to_dict(call(apis.core.read_namespaced_pod, args.name, namespace, ref=ref))
        row = pod_status(pod)
        containers = []
        for item in (pod.get("status") or {}).get("containerStatuses") or []:
            state = item.get("state") or {}
            last = (item.get("lastState") or {}).get("terminated") or {}
            containers.append(
                {
                    "name": item.get("name"),
                    "image": item.get("image"),
                    "ready": bool(item.get("ready")),
                    "restarts": int(item.get("restartCount") or 0),
                    "state": next(iter(state), "unknown"),
                    "reason": next(iter(state.values()), {}).get("reason") if state else None,
                    "last_exit": {k: last[k] for k in ("reason", "exitCode") if k in last} or None,
                }
            )
        lines = [
            f"Pod {args.name} {where(namespace, apis.alias)}: {row['status']}, "
            f"{row['ready']} ready, {row['restarts']} restarts, node {row['node'] or 'none'}, "
            f"age {row['age']}."
        ]
        for c in containers:
            text = f"  container {c['name']} ({c['image']}): {c['state']}"
            text += f" ({c['reason']})" if c["reason"] else ""
            if c["last_exit"]:
                text += f", last exit {c['last_exit']}"
            lines.append(text)
        return ToolResult(summary="\n".join(lines), data={**row, "containers": containers})
