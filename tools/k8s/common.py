"""What the Kubernetes tools share: argument bases, where a call lands, diffs, tool bases.

Write tools implement one method, `change(args, ctx, *, dry_run)`, that does the work
with or without `dryRun=All`; `plan()` renders the dry run's before/after as a unified
diff and `execute()` reports what was done. Read tools implement `read(args, ctx)`.
"""

from __future__ import annotations

from abc import abstractmethod
from dataclasses import dataclass, field
from typing import Any

from pydantic import Field

from tools.base import Plan, Risk, StrictArgs, Target, Tool, ToolResult
from tools.context import ToolContext
from tools.diffing import render_diff
from tools.k8s.clients import KubeApis, get_apis
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


@dataclass
class Change:
    """Outcome of a write, dry or real: titles + before/after views, two summaries, data."""

    planned: str
    """Summary as a plan ("Scale deployment web in staging on us-central: 2 -> 5")."""
    done: str
    """Summary once done ("Scaled deployment web ... from 2 to 5 replicas.")."""
    diffs: list[tuple[str, Any, Any]] = field(default_factory=list)
    data: dict[str, Any] = field(default_factory=dict)


class KubeTool(Tool):
    """A Kubernetes tool: target from cluster/namespace arguments."""

    cluster_scoped: bool = False

    def target(self, args: StrictArgs, ctx: ToolContext) -> Target:
        cluster = resolve_cluster(args, ctx)
        spans_all = self.cluster_scoped or getattr(args, "all_namespaces", False)
        namespace = None if spans_all else resolve_namespace(args)
        return Target(kind="kubernetes", scope=cluster, namespace=namespace)

    def apis(self, args: StrictArgs, ctx: ToolContext) -> KubeApis:
        """The APIs of the cluster this call targets."""
        return get_apis(ctx, resolve_cluster(args, ctx))


class KubeReadTool(KubeTool):
    """A read-only tool: its plan says what it reads; execute reads."""

    base_risk = Risk.READ

    def plan(self, args: StrictArgs, ctx: ToolContext) -> Plan:
        target = self.target(args, ctx)
        return Plan(
            summary=f"Read only: {self.name} {where(target.namespace, target.scope)}.",
            data={"read_only": True},
        )

    def execute(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        return self.read(args, ctx)

    @abstractmethod
    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        """Do the read and summarize it."""


class KubeWriteTool(KubeTool):
    """A tool that changes the cluster; plan = server-side dry run + diff."""

    base_risk = Risk.WRITE

    def plan(self, args: StrictArgs, ctx: ToolContext) -> Plan:
        change = self.change(args, ctx, dry_run=True)
        diff = "\n".join(
            text
            for title, before, after in change.diffs
            if (text := render_diff(title, before, after))
        )
        return Plan(summary=change.planned, diff=diff, data=change.data)

    def execute(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        change = self.change(args, ctx, dry_run=False)
        return ToolResult(summary=change.done, data=change.data)

    @abstractmethod
    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        """Make the change; with dry_run every write carries dryRun=All."""


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
