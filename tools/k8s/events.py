"""Recent events of a workload: a deployment with its ReplicaSets and pods, or one pod."""

from __future__ import annotations

from pydantic import Field

from tools.base import ToolError, ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, ObjectRef, call, call_or_none
from tools.k8s.common import KubeReadTool, NamespacedArgs, resolve_namespace, where
from tools.k8s.inspecting import list_deployment_pods
from tools.k8s.status import age, event_time
from tools.validation import MENTIONED, DnsSubdomain, mentioned_with_unit


class GetEventsArgs(NamespacedArgs):
    """Recent events of a deployment (including its ReplicaSets and pods) or of a pod."""

    name: DnsSubdomain = Field(json_schema_extra=MENTIONED)
    """Name of the deployment or pod (not limited to live deployments: pods count too)."""
    limit: int = Field(default=20, ge=1, le=100, json_schema_extra=mentioned_with_unit("items"))
    """At most this many events, newest first."""


def workload_objects(apis: KubeApis, *, name: str, namespace: str) -> tuple[str, set[str]]:
    """("deployment"|"pod", names of the objects whose events belong to the workload)."""

    ref = ObjectRef("deployment", apis.alias, name, namespace)
    found = call_or_none(apis.apps.read_namespaced_deployment, name, namespace, ref=ref)
    if found is not None:
        deployment = apis.to_dict(found)
        names = {name}
        uid = deployment["metadata"].get("uid")
        ref_rs = ObjectRef("replicaset", apis.alias, namespace=namespace)
        replica_sets = apis.to_dict(
            call(apis.apps.list_namespaced_replica_set, namespace, ref=ref_rs)
        )
        for rs in replica_sets.get("items") or []:
            owners = rs["metadata"].get("ownerReferences") or []
            if any(o.get("uid") == uid for o in owners):
                names.add(rs["metadata"]["name"])
        names |= {p["metadata"]["name"] for p in list_deployment_pods(apis, deployment=deployment)}
        return "deployment", names
    ref = ObjectRef("pod", apis.alias, name, namespace)
    if call_or_none(apis.core.read_namespaced_pod, name, namespace, ref=ref) is not None:
        return "pod", {name}
    raise ToolError(
        f"No deployment or pod named '{name}' in namespace '{namespace}' on cluster '{apis.alias}'"
    )


class GetEvents(KubeReadTool):
    name = "get_events"
    description = "Show recent events (warnings, restarts, scheduling) of a deployment or pod."
    Args = GetEventsArgs
    examples = (
        "what happened to worker recently?",
        "show events for the checkout deployment in prod",
        "any warnings on pod web-7d4b9c-x2x9k?",
    )

    def read(self, args: GetEventsArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        kind, names = workload_objects(apis, name=args.name, namespace=namespace)
        ref = ObjectRef("event", apis.alias, namespace=namespace)
        found = apis.to_dict(call(apis.core.list_namespaced_event, namespace, ref=ref))
        events = [
            e
            for e in found.get("items") or []
            if (e.get("involvedObject") or {}).get("name") in names
        ]
        events.sort(key=event_time, reverse=True)
        events = events[: args.limit]
        items = [
            {
                "time": event_time(e).isoformat(),
                "age": age(event_time(e)),
                "type": e.get("type"),
                "reason": e.get("reason"),
                "object": f"{(e.get('involvedObject') or {}).get('kind', '').lower()}/"
                f"{(e.get('involvedObject') or {}).get('name')}",
                "message": (e.get("message") or "").strip(),
                "count": e.get("count") or 1,
            }
            for e in events
        ]
        head = f"{kind} {args.name} {where(namespace, apis.alias)}"
        if not items:
            return ToolResult(summary=f"No recent events for {head}.", data={"items": []})
        warnings = sum(1 for i in items if i["type"] == "Warning")
        rows = [
            f"{i['age']:>4} {i['type']} {i['reason']} {i['object']}: {i['message']}"
            + (f" (x{i['count']})" if i["count"] > 1 else "")
            for i in items
        ]
        summary = f"{len(items)} events for {head} ({warnings} warnings), newest first:\n"
        return ToolResult(summary=summary + "\n".join(rows), data={"kind": kind, "items": items})
