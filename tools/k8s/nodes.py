"""Nodes: list them, cordon/uncordon one, drain one through the eviction API."""

from __future__ import annotations

from abc import abstractmethod
from typing import Any

from pydantic import Field

from tools.base import Risk, TemporaryToolError, ToolError, ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, NotFound, ObjectRef, call
from tools.k8s.common import (
    ClusterArgs,
    KubeReadTool,
    KubeWriteTool,
    drop_empty,
    dry_run_param,
    is_production,
    resolve_cluster,
)
from tools.k8s.status import age
from tools.kinds import Change
from tools.validation import MENTIONED, DnsSubdomain

MIRROR_ANNOTATION = "kubernetes.io/config.mirror"


class NodeArgs(ClusterArgs):
    """A call about one node."""

    node: DnsSubdomain = Field(json_schema_extra=MENTIONED)
    """Name of the node, e.g. "node-1"."""


def view_node(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """Name, schedulability and taints of a node."""
    if obj is None:
        return None
    spec = obj.get("spec") or {}
    return drop_empty(
        {
            "name": (obj.get("metadata") or {}).get("name"),
            "unschedulable": bool(spec.get("unschedulable")),
            "taints": [f"{t.get('key')}:{t.get('effect')}" for t in spec.get("taints") or []],
        }
    )


def node_row(node: dict[str, Any]) -> dict[str, Any]:
    """NAME, STATUS, ROLES, AGE, VERSION and capacity of a node, like kubectl get nodes."""
    meta, status = node.get("metadata") or {}, node.get("status") or {}
    ready = next((c for c in status.get("conditions") or [] if c.get("type") == "Ready"), {})
    state = "Ready" if ready.get("status") == "True" else "NotReady"
    if (node.get("spec") or {}).get("unschedulable"):
        state += ",SchedulingDisabled"
    prefix = "node-role.kubernetes.io/"
    roles = sorted(k[len(prefix) :] for k in meta.get("labels") or {} if k.startswith(prefix))
    capacity = status.get("capacity") or {}
    return {
        "name": meta.get("name"),
        "status": state,
        "roles": roles,
        "age": age(meta.get("creationTimestamp")),
        "version": (status.get("nodeInfo") or {}).get("kubeletVersion"),
        "cpu": capacity.get("cpu"),
        "memory": capacity.get("memory"),
    }


class ListNodes(KubeReadTool):
    name = "list_nodes"
    description = "List the cluster's nodes with readiness, schedulability, version and capacity."
    Args = ClusterArgs
    cluster_scoped = True
    examples = ("list nodes", "which nodes does eu-west have?", "are all nodes ready?")

    def read(self, args: ClusterArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        found = call(apis.core.list_node, ref=ObjectRef("node", apis.alias))
        rows = sorted(
            (node_row(n) for n in apis.to_dict(found).get("items") or []), key=lambda r: r["name"]
        )
        if not rows:
            return ToolResult(summary=f"No nodes on {apis.alias}.", data={"items": []})
        lines = [
            f"{r['name']}: {r['status']}, {r['cpu']} cpu, {r['memory']} memory, {r['version']}"
            for r in rows
        ]
        not_ready = sum(1 for r in rows if not r["status"].startswith("Ready"))
        head = f"{len(rows)} nodes on {apis.alias}" + (
            f" ({not_ready} not ready)" if not_ready else ""
        )
        return ToolResult(summary=head + ":\n" + "\n".join(lines), data={"items": rows})


def set_schedulable(
    apis: KubeApis, *, node: str, schedulable: bool, dry_run: bool
) -> tuple[Any, Any]:
    """(before, after) views of a node after (dry-)patching spec.unschedulable."""
    ref = ObjectRef("node", apis.alias, node)
    before = apis.to_dict(call(apis.core.read_node, node, ref=ref))
    if bool((before.get("spec") or {}).get("unschedulable")) == (not schedulable):
        return view_node(before), view_node(before)
    body = {"spec": {"unschedulable": not schedulable}}
    after = apis.to_dict(call(apis.core.patch_node, node, body, ref=ref, **dry_run_param(dry_run)))
    return view_node(before), view_node(after)


class NodeTool(KubeWriteTool):
    """Cordon/uncordon: a production cluster makes it destructive."""

    Args = NodeArgs
    cluster_scoped = True

    @property
    @abstractmethod
    def schedulable(self) -> bool:
        """True: uncordon; False: cordon."""

    def risk(self, args: NodeArgs, ctx: ToolContext) -> Risk:
        return (
            Risk.DESTRUCTIVE
            if is_production(ctx, cluster=resolve_cluster(args, ctx))
            else self.base_risk
        )

    def change(self, args: NodeArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        before, after = set_schedulable(
            apis, node=args.node, schedulable=self.schedulable, dry_run=dry_run
        )
        verb = ("Uncordon", "Uncordoned") if self.schedulable else ("Cordon", "Cordoned")
        data = {"node": args.node, "cluster": apis.alias, "changed": before != after}
        if before == after:
            state = "schedulable" if self.schedulable else "cordoned"
            same = f"Node {args.node} on {apis.alias} is already {state}; nothing to do."
            return Change(planned=same, done=same, data=data)
        effect = (
            "accepts new pods again" if self.schedulable else "takes no new pods; running pods stay"
        )
        return Change(
            planned=f"{verb[0]} node {args.node} on {apis.alias}: it {effect}.",
            done=f"{verb[1]} node {args.node} on {apis.alias}: it {effect}.",
            diffs=[(f"node/{args.node}", before, after)],
            data=data,
        )


class CordonNode(NodeTool):
    name = "cordon_node"
    description = "Mark a node unschedulable so no new pods land on it (running pods stay)."
    schedulable = False
    examples = (
        "cordon node-2",
        "stop scheduling on node-3 in eu-west",
        "mark node-1 unschedulable",
    )


class UncordonNode(NodeTool):
    name = "uncordon_node"
    description = "Mark a node schedulable again."
    schedulable = True
    examples = ("uncordon node-2", "let node-3 take pods again", "re-enable scheduling on node-1")


def classify_pods(pods: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """Split a node's pods into evict / skip (DaemonSet, mirror, finished) / unmanaged."""
    groups: dict[str, list[dict[str, Any]]] = {"evict": [], "skip": [], "unmanaged": []}
    for pod in pods:
        meta = pod.get("metadata") or {}
        owners = [o for o in meta.get("ownerReferences") or [] if o.get("controller")]
        phase = (pod.get("status") or {}).get("phase")
        if MIRROR_ANNOTATION in (meta.get("annotations") or {}) or phase in ("Succeeded", "Failed"):
            groups["skip"].append(pod)
        elif any(o.get("kind") == "DaemonSet" for o in owners):
            groups["skip"].append(pod)
        elif not owners:
            groups["unmanaged"].append(pod)
        else:
            groups["evict"].append(pod)
    return groups


def pod_key(pod: dict[str, Any]) -> str:
    """A pod as "namespace/name"."""
    return f"{pod['metadata'].get('namespace')}/{pod['metadata']['name']}"


class DrainNode(KubeWriteTool):
    name = "drain_node"
    description = (
        "Cordon a node and evict its pods (respecting disruption budgets) so it can be serviced."
    )
    Args = NodeArgs
    base_risk = Risk.DESTRUCTIVE
    cluster_scoped = True
    examples = (
        "drain node-2",
        "empty node-3 on eu-west for maintenance",
        "evict everything from node-1",
    )

    def change(self, args: NodeArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        ref = ObjectRef("pod", apis.alias)
        call(apis.core.read_node, args.node, ref=ObjectRef("node", apis.alias, args.node))
        found = call(
            apis.core.list_pod_for_all_namespaces,
            field_selector=f"spec.nodeName={args.node}",
            ref=ref,
        )
        pods = [
            p
            for p in apis.to_dict(found).get("items") or []
            if p["spec"].get("nodeName") == args.node
        ]
        groups = classify_pods(pods)
        if groups["unmanaged"]:
            names = ", ".join(pod_key(p) for p in groups["unmanaged"])
            raise ToolError(
                f"Node {args.node} runs pods no controller would recreate ({names}); "
                "delete or move them first. Nothing was changed."
            )
        node_before, node_after = set_schedulable(
            apis, node=args.node, schedulable=False, dry_run=dry_run
        )
        evicted, blocked = [], []
        for pod in groups["evict"]:
            meta = pod["metadata"]
            body = {
                "apiVersion": "policy/v1",
                "kind": "Eviction",
                "metadata": {"name": meta["name"], "namespace": meta["namespace"]},
            }
            pod_ref = ObjectRef("pod", apis.alias, meta["name"], meta["namespace"])
            try:
                call(
                    apis.core.create_namespaced_pod_eviction,
                    meta["name"],
                    meta["namespace"],
                    body,
                    ref=pod_ref,
                    **dry_run_param(dry_run),
                )
            except NotFound:
                pass  # already gone: nothing to evict
            except TemporaryToolError as exc:  # 429: a disruption budget says not now
                blocked.append({"pod": pod_key(pod), "reason": str(exc)})
                continue
            evicted.append(pod_key(pod))
        skipped = [pod_key(p) for p in groups["skip"]]
        tail = f" {len(skipped)} DaemonSet/mirror/finished pods stay." if skipped else ""
        if blocked:
            names = ", ".join(b["pod"] for b in blocked)
            tail += f" {len(blocked)} blocked by disruption budgets ({names}); retry later."
        diffs = [
            (f"node/{args.node}", node_before, node_after),
            (
                f"pods on node/{args.node}",
                sorted(map(pod_key, pods)),
                sorted(skipped + [b["pod"] for b in blocked]),
            ),
        ]
        return Change(
            planned=f"Drain node {args.node} on {apis.alias}: evict {len(evicted)} pods.{tail}",
            done=f"Drained node {args.node} on {apis.alias}: evicted {len(evicted)} pods.{tail}",
            diffs=diffs,
            data={
                "node": args.node,
                "cluster": apis.alias,
                "evicted": evicted,
                "skipped": skipped,
                "blocked": blocked,
            },
        )
