"""All controllers, run to a fixed point after every write and whenever time moves a pod on.

Order of one pass: garbage collection, nodes, autoscalers, deployments, ReplicaSets,
pods (binding, status, kubelet events), disruption budgets. Passes repeat until nothing
changes.
"""

from __future__ import annotations

import logging
from typing import Any

from tools.k8s.sandbox.autoscaling import sync_hpa
from tools.k8s.sandbox.disruption import sync_budget
from tools.k8s.sandbox.events import record_event, upsert_event
from tools.k8s.sandbox.pod_lifecycle import compute_pod
from tools.k8s.sandbox.replicas import bind_pod, controller_uid, pick_node, sync_replicaset
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.rollouts import sync_deployment
from tools.k8s.sandbox.store import Store, clone, format_time

log = logging.getLogger(__name__)
NODES = resource_for_plural("nodes")
PODS = resource_for_plural("pods")
UNSCHEDULABLE_TAINT = "node.kubernetes.io/unschedulable"
MAX_PASSES = 50


class Controllers:
    """The control loops of the sandbox, driven synchronously under the store's lock."""

    def __init__(self, store: Store, *, pod_ready_delay_s: float) -> None:
        self.store = store
        self.pod_ready_delay_s = pod_ready_delay_s
        self.next_due: float | None = None
        """Earliest instant at which time alone changes something (a pod, a deadline)."""
        self._settled_writes = -1

    def reconcile(self, *, force: bool = False) -> None:
        """Run every controller until nothing changes (cheap when nothing is due)."""
        now = self.store.now()
        due = self.next_due is not None and now >= self.next_due
        if not force and not due and self.store.writes == self._settled_writes:
            return
        for _ in range(MAX_PASSES):
            before = self.store.resource_version
            self._run_pass()
            if self.store.resource_version == before:
                break
        else:
            log.warning("sandbox controllers did not settle after %d passes", MAX_PASSES)
        self._settled_writes = self.store.writes

    def _run_pass(self) -> None:
        store = self.store
        dues: list[float] = []
        self._collect_garbage()
        for node in store.items("nodes"):
            self._sync_node(node)
        for hpa in store.items("horizontalpodautoscalers"):
            sync_hpa(store, hpa["metadata"]["name"], hpa["metadata"]["namespace"])
        for deployment in store.items("deployments"):
            due = sync_deployment(
                store, deployment["metadata"]["name"], deployment["metadata"]["namespace"]
            )
            dues += [due] if due is not None else []
        for rs in store.items("replicasets"):
            fresh = store.peek("replicasets", rs["metadata"]["namespace"], rs["metadata"]["name"])
            if fresh is not None:
                sync_replicaset(store, fresh)
        for pod in store.items("pods"):
            due = self._sync_pod(pod["metadata"]["namespace"], pod["metadata"]["name"])
            dues += [due] if due is not None else []
        for pdb in store.items("poddisruptionbudgets"):
            sync_budget(store, pdb["metadata"]["name"], pdb["metadata"]["namespace"])
        self.next_due = min(dues, default=None)

    def _collect_garbage(self) -> None:
        """Delete ReplicaSets and pods whose controller is gone, and pods of deleted nodes."""
        store = self.store
        owners = {
            obj["metadata"]["uid"]
            for plural in ("deployments", "replicasets")
            for obj in store.items(plural)
        }
        nodes = {node["metadata"]["name"] for node in store.items("nodes")}
        for plural in ("replicasets", "pods"):
            for obj in store.items(plural):
                owner = controller_uid(obj)
                node = (obj.get("spec") or {}).get("nodeName") if plural == "pods" else None
                if (owner is not None and owner not in owners) or (node and node not in nodes):
                    meta = obj["metadata"]
                    store.remove(resource_for_plural(plural), meta["namespace"], meta["name"])

    def _sync_node(self, node: dict[str, Any]) -> None:
        """Keep the unschedulable taint in step with spec.unschedulable (cordon)."""
        cordoned = bool(node["spec"].get("unschedulable"))
        taints = node["spec"].get("taints") or []
        if cordoned == any(t.get("key") == UNSCHEDULABLE_TAINT for t in taints):
            return
        fresh = self.store.get("nodes", "", node["metadata"]["name"])
        kept = [t for t in taints if t.get("key") != UNSCHEDULABLE_TAINT]
        if cordoned:
            kept.append(
                {
                    "key": UNSCHEDULABLE_TAINT,
                    "effect": "NoSchedule",
                    "timeAdded": format_time(self.store.now()),
                }
            )
        if kept:
            fresh["spec"]["taints"] = kept
        else:
            fresh["spec"].pop("taints", None)
        self.store.replace(NODES, fresh)
        reason = "NodeNotSchedulable" if cordoned else "NodeSchedulable"
        record_event(
            self.store,
            involved=fresh,
            reason=reason,
            message=f"Node {fresh['metadata']['name']} status is now: {reason}",
            component="kubelet",
        )

    def _sync_pod(self, namespace: str, name: str) -> float | None:
        """Bind a pending pod, then bring its status and events to the present instant."""
        store = self.store
        pod = store.peek("pods", namespace, name)
        if pod is None:
            return None
        uid = pod["metadata"]["uid"]
        unschedulable, bound_now = "", False
        if uid not in store.scheduled:
            pod = clone(pod)
            bound_now = bind_pod(store, pod)
            unschedulable = "" if bound_now else pick_node(store, pod)[1]
        node = store.peek("nodes", "", pod["spec"].get("nodeName") or "")
        timeline = compute_pod(
            pod,
            created=store.born.get(uid, store.now()),
            scheduled=store.scheduled.get(uid),
            now=store.now(),
            delay=self.pod_ready_delay_s,
            host_ip=_node_ip(node),
            pod_ip=_pod_ip(node, uid),
            unschedulable=unschedulable,
        )
        if bound_now or timeline.status != pod.get("status"):
            pod = clone(pod) if not bound_now else pod
            pod["status"] = timeline.status
            saved = store.replace(PODS, pod)
            for event in timeline.events:
                upsert_event(store, involved=saved, spec=event)
        return timeline.next_due


def _node_ip(node: dict[str, Any] | None) -> str:
    for address in ((node or {}).get("status") or {}).get("addresses") or []:
        if address.get("type") == "InternalIP":
            return address["address"]
    return ""


def _pod_ip(node: dict[str, Any] | None, uid: str) -> str:
    cidr = ((node or {}).get("spec") or {}).get("podCIDR", "")
    if not cidr:
        return ""
    prefix = cidr.split("/")[0].rsplit(".", 1)[0]
    return f"{prefix}.{2 + int(uid.replace('-', '')[:8], 16) % 250}"
