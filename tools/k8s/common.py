"""What the Kubernetes tools share: argument bases, where a call lands, views, tool bases.

The tool bases are the shared kinds (tools/kinds.py) on a cluster: a write tool's
`change(args, ctx, *, dry_run)` sends every write with `dryRun=All` when `dry_run` is
true, so a plan is the API server's own answer. Read tools implement `read(args, ctx)`.
"""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.base import StrictArgs, Target, Tool
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, get_apis
from tools.kinds import ReadTool, WriteTool
from tools.settings import ALIAS_PATTERN
from tools.validation import DnsLabel

DEFAULT_NAMESPACE = "default"
DRY_RUN = "All"


class ClusterArgs(StrictArgs):
    """Arguments of a call on one cluster (cluster-scoped objects such as nodes)."""

    cluster: str | None = Field(
        default=None, pattern=ALIAS_PATTERN, max_length=32, json_schema_extra={"x-live": "cluster"}
    )
    """Cluster alias such as "us-central"; omit to use the channel's default cluster."""


class NamespacedArgs(ClusterArgs):
    """Arguments of a call inside one namespace of one cluster."""

    namespace: DnsLabel | None = Field(default=None, json_schema_extra={"x-live": "namespace"})
    """Namespace such as "staging"; omit to use the channel's default namespace."""


class DeploymentArgs(NamespacedArgs):
    """Arguments of a call about one existing deployment."""

    name: DnsLabel = Field(json_schema_extra={"x-live": "deployment"})
    """Name of the deployment, e.g. "web"."""


def resolve_cluster(args: ClusterArgs, ctx: ToolContext) -> str:
    """Cluster alias of a call: the one given, else the configured default."""
    return ctx.resolve_cluster(args.cluster)


def resolve_namespace(args: NamespacedArgs) -> str:
    """Namespace of a call: the one given, else "default" (the engine usually fills it)."""
    return args.namespace or DEFAULT_NAMESPACE


def is_production(ctx: ToolContext, *, cluster: str, namespace: str | None = None) -> bool:
    """Production = the whole cluster is marked so, or the namespace is a production one."""
    settings = ctx.settings.clusters[ctx.resolve_cluster(cluster)]
    return settings.production or (
        namespace is not None and namespace in settings.production_namespaces
    )


def where(namespace: str | None, cluster: str) -> str:
    """Human location: "in staging on us-central" or "on us-central"."""
    return f"in {namespace} on {cluster}" if namespace else f"on {cluster}"


def drop_empty(value: Any) -> Any:
    """Remove None, empty dicts and empty lists, recursively (keeps 0 and False)."""
    if isinstance(value, dict):
        cleaned = {k: drop_empty(v) for k, v in value.items()}
        return {k: v for k, v in cleaned.items() if v not in (None, {}, [])}
    if isinstance(value, list):
        return [drop_empty(v) for v in value]
    return value


class KubeTool(Tool):
    """A Kubernetes tool: target from cluster/namespace arguments."""

    cluster_scoped: bool = False

    def target(self, args: StrictArgs, ctx: ToolContext) -> Target:
        cluster = resolve_cluster(args, ctx)
        spans_all = self.cluster_scoped or getattr(args, "all_namespaces", False)
        namespace = None if spans_all else resolve_namespace(args)
        return Target(kind="kubernetes", scope=cluster, namespace=namespace)

    def location(self, args: StrictArgs, ctx: ToolContext) -> str:
        target = self.target(args, ctx)
        return where(target.namespace, target.scope)

    def apis(self, args: StrictArgs, ctx: ToolContext) -> KubeApis:
        """The APIs of the cluster this call targets."""
        return get_apis(ctx, resolve_cluster(args, ctx))


class KubeReadTool(KubeTool, ReadTool):
    """A read-only tool on one cluster (or one namespace of it)."""


class KubeWriteTool(KubeTool, WriteTool):
    """A tool that changes the cluster; its plan is a server-side dry run (dryRun=All)."""


def dry_run_param(dry_run: bool) -> dict[str, str]:
    """Keyword arguments for a write: `dry_run="All"` in plans, nothing for real."""
    return {"dry_run": DRY_RUN} if dry_run else {}


# --- Views: the fields of each kind that a person reviewing a change cares about ------------


def view_container(container: dict[str, Any]) -> dict[str, Any]:
    """Name, image, ports, env (secret references shown, never resolved) and resources."""
    env = {}
    for item in container.get("env") or []:
        if "value" in item or "valueFrom" not in item:
            env[item["name"]] = item.get("value", "")
        else:
            source = item["valueFrom"]
            ref = source.get("secretKeyRef") or source.get("configMapKeyRef") or {}
            env[item["name"]] = f"<from {next(iter(source), 'ref')} {ref.get('name', '')}>"
    return drop_empty(
        {
            "name": container.get("name"),
            "image": container.get("image"),
            "ports": [p.get("containerPort") for p in container.get("ports") or []],
            "env": env,
            "resources": container.get("resources"),
        }
    )


def view_deployment(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """Name, replicas, pod template annotations and containers of a deployment."""
    if obj is None:
        return None
    spec = obj.get("spec") or {}
    template = spec.get("template") or {}
    return drop_empty(
        {
            "name": obj.get("metadata", {}).get("name"),
            "replicas": spec.get("replicas"),
            "labels": (template.get("metadata") or {}).get("labels"),
            "annotations": (template.get("metadata") or {}).get("annotations"),
            "containers": [
                view_container(c) for c in (template.get("spec") or {}).get("containers") or []
            ],
        }
    )


def view_service(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """Name, type, selector and ports of a service."""
    if obj is None:
        return None
    spec = obj.get("spec") or {}
    ports = [
        f"{p.get('port')}->{p.get('targetPort', p.get('port'))}/{p.get('protocol', 'TCP')}"
        for p in spec.get("ports") or []
    ]
    return drop_empty(
        {
            "name": obj.get("metadata", {}).get("name"),
            "type": spec.get("type"),
            "selector": spec.get("selector"),
            "ports": ports,
        }
    )
