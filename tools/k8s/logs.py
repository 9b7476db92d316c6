"""Pod logs: the tail of one pod's container log, optionally filtered by a literal text."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.base import ToolError, ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, ObjectRef, call, call_or_none
from tools.k8s.common import KubeReadTool, NamespacedArgs, resolve_namespace, where
from tools.k8s.inspecting import list_deployment_pods
from tools.k8s.status import container_names, pod_is_healthy, pod_status
from tools.validation import (
    MENTIONED,
    MENTIONED_CONTAINER,
    DnsLabel,
    DnsSubdomain,
    GrepText,
    mentioned_with_unit,
)

LINES_IN_SUMMARY = 20
DEFAULT_CONTAINER_ANNOTATION = "kubectl.kubernetes.io/default-container"


class GetPodLogsArgs(NamespacedArgs):
    """Read the last lines of a pod's log (a deployment name picks one of its pods)."""

    name: DnsSubdomain = Field(json_schema_extra=MENTIONED)
    """Pod name, or a deployment name (then its least healthy pod is read)."""
    container: DnsLabel | None = Field(default=None, json_schema_extra=MENTIONED_CONTAINER)
    """Container to read; omit for the pod's default or only container."""
    tail_lines: int = Field(
        default=100, ge=1, le=2000, json_schema_extra=mentioned_with_unit("items")
    )
    """How many lines from the end of the log to read."""
    grep: GrepText | None = None
    """Keep only lines containing this text (literal, case-insensitive)."""
    previous: bool = False
    """Read the previous (crashed) container instance instead of the current one."""


def pick_pod(apis: KubeApis, *, name: str, namespace: str) -> tuple[dict[str, Any], str]:
    """The pod meant by a name: that pod, or the least healthy pod of that deployment."""
    ref = ObjectRef("pod", apis.alias, name, namespace)
    pod = call_or_none(apis.core.read_namespaced_pod, name, namespace, ref=ref)
    if pod is not None:
        return apis.to_dict(pod), f"pod {name}"
    ref = ObjectRef("deployment", apis.alias, name, namespace)
    deployment = call_or_none(apis.apps.read_namespaced_deployment, name, namespace, ref=ref)
    if deployment is None:
        raise ToolError(
            f"No pod or deployment named '{name}' in namespace '{namespace}' "
            f"on cluster '{apis.alias}'"
        )
    pods = list_deployment_pods(apis, deployment=apis.to_dict(deployment))
    if not pods:
        raise ToolError(f"Deployment '{name}' in namespace '{namespace}' has no pods.")
    # Troubleshooting first: unhealthy pods, then most restarts, then the newest.
    pods.sort(
        key=lambda p: (
            pod_is_healthy(p),
            -pod_status(p)["restarts"],
            (p.get("metadata") or {}).get("name") or "",
        )
    )
    chosen = pods[0]
    why = "" if pod_is_healthy(chosen) else ", the least healthy"
    return chosen, f"pod {chosen['metadata']['name']} (1 of {len(pods)} of deployment {name}{why})"


def filter_lines(text: str, *, grep: str | None) -> list[str]:
    """Log text as lines, keeping those that contain `grep` (case-insensitive literal)."""
    lines = text.splitlines()
    if grep is None:
        return lines
    needle = grep.casefold()
    return [line for line in lines if needle in line.casefold()]


class GetPodLogs(KubeReadTool):
    name = "get_pod_logs"
    description = "Show the last lines of a pod's log (or a deployment's pod), optionally grepped."
    Args = GetPodLogsArgs
    examples = (
        "show me the logs of worker",
        "grep errors in the last 500 lines of api logs in prod",
        "why did web-7d4b9c-x2x9k crash? show the previous container's logs",
    )

    def read(self, args: GetPodLogsArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        pod, described = pick_pod(apis, name=args.name, namespace=namespace)
        pod_name = pod["metadata"]["name"]
        names = container_names(pod)
        annotations = pod["metadata"].get("annotations") or {}
        container = args.container or annotations.get(DEFAULT_CONTAINER_ANNOTATION) or names[0]
        if container not in names:
            raise ToolError(
                f"Pod {pod_name} has no container '{container}'; containers: {', '.join(names)}"
            )
        ref = ObjectRef("pod", apis.alias, pod_name, namespace)
        text = call(
            apis.core.read_namespaced_pod_log,
            pod_name,
            namespace,
            container=container,
            tail_lines=args.tail_lines,
            previous=args.previous or None,
            ref=ref,
        )
        lines = filter_lines(text or "", grep=args.grep)
        which = "previous " if args.previous else ""
        head = f"{len(lines)} lines of {which}logs from {described}, container {container}, "
        head += where(namespace, apis.alias)
        head += f", matching '{args.grep}'" if args.grep else ""
        shown = lines[-LINES_IN_SUMMARY:]
        summary = head + (":\n" + "\n".join(shown) if shown else ".")
        if len(lines) > len(shown):
            summary = summary.replace(":\n", f" (last {len(shown)} shown):\n", 1)
        data = {"pod": pod_name, "container": container, "lines": lines, "previous": args.previous}
        return ToolResult(summary=summary, data=data)
