"""The shared tool kinds (tools/kinds.py) through small real tools on the sandbox.

The tools here are defined by the test, not registered: a write tool that labels a
namespace and a read tool that lists namespace names, built on the Kubernetes bases
exactly as the shipped tools are. They talk to the sandbox over a real socket, or to a
port nothing listens on.
"""

from __future__ import annotations

import socket

import pytest
from k8s_flow import unique

from tools.base import Risk, TemporaryToolError, ToolResult
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, NotFound, ObjectRef, call
from tools.k8s.common import ClusterArgs, KubeReadTool, KubeWriteTool, dry_run_param
from tools.k8s.sandbox.kubeconfig import write_kubeconfig
from tools.kinds import Change
from tools.settings import ClusterSettings, ToolSettings
from tools.validation import DnsLabel


class LabelNamespaceArgs(ClusterArgs):
    """Set the team label of a namespace."""

    name: DnsLabel
    """Namespace to label."""
    team: DnsLabel
    """Value of its "team" label."""


class LabelNamespace(KubeWriteTool):
    name = "label_namespace"
    description = "Set the team label of a namespace."
    Args = LabelNamespaceArgs
    cluster_scoped = True

    def change(self, args: LabelNamespaceArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        ref = ObjectRef("namespace", apis.alias, args.name)
        before = apis.to_dict(call(apis.core.read_namespace, args.name, ref=ref))
        body = {"metadata": {"labels": {"team": args.team}}}
        patch = apis.core.patch_namespace
        after = apis.to_dict(call(patch, args.name, body, ref=ref, **dry_run_param(dry_run)))
        return Change(
            planned=f"Label namespace {args.name} team={args.team}.",
            done=f"Labelled namespace {args.name} team={args.team}.",
            diffs=[(f"namespace/{args.name}", team_of(before), team_of(after))],
            data={"name": args.name},
        )


class ListNamespaceNames(KubeReadTool):
    name = "list_namespace_names"
    description = "List the names of a cluster's namespaces."
    Args = ClusterArgs
    cluster_scoped = True

    def read(self, args: ClusterArgs, ctx: ToolContext) -> ToolResult:
        apis = self.apis(args, ctx)
        ref = ObjectRef("namespace", apis.alias)
        found = apis.to_dict(call(apis.core.list_namespace, ref=ref))
        names = sorted(item["metadata"]["name"] for item in found.get("items") or [])
        return ToolResult(summary=", ".join(names), data={"names": names})


def team_of(namespace: dict) -> dict:
    return {"team": (namespace["metadata"].get("labels") or {}).get("team")}


@pytest.fixture()
def namespace(apis: KubeApis):
    name = unique("kinds")
    apis.core.create_namespace({"metadata": {"name": name, "labels": {"team": "web"}}})
    yield name
    apis.core.delete_namespace(name)


@pytest.fixture()
def unreachable_context(tmp_path) -> ToolContext:
    """A cluster alias whose API server address refuses every connection."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = write_kubeconfig(
        tmp_path / "gone.yaml", url=f"http://127.0.0.1:{port}", context="gone"
    )
    cluster = ClusterSettings(context="gone", kubeconfig=str(kubeconfig))
    return ToolContext(settings=ToolSettings(clusters={"gone": cluster}, default_cluster="gone"))


def test_write_plan_is_a_dry_run_shown_as_a_diff_and_execute_applies(tool_context, apis, namespace):
    tool = LabelNamespace()
    args = LabelNamespaceArgs(name=namespace, team="payments")
    assert tool.risk(args, tool_context) is Risk.WRITE

    plan = tool.plan(args, tool_context)
    assert plan.summary == f"Label namespace {namespace} team=payments."
    assert "-team: web" in plan.diff and "+team: payments" in plan.diff
    assert apis.core.read_namespace(namespace).metadata.labels["team"] == "web", "plan wrote"

    result = tool.execute(args, tool_context)
    assert result.summary == f"Labelled namespace {namespace} team=payments."
    assert apis.core.read_namespace(namespace).metadata.labels["team"] == "payments"


def test_write_tool_on_a_missing_object_raises_the_provider_specific_error(tool_context):
    tool = LabelNamespace()
    args = LabelNamespaceArgs(name=unique("absent"), team="payments")
    for run in (tool.plan, tool.execute):
        with pytest.raises(NotFound, match=f"namespace '{args.name}'.*not found") as info:
            run(args, tool_context)
        assert not isinstance(info.value, TemporaryToolError)


def test_read_plan_touches_nothing_and_execute_reads(tool_context, namespace):
    tool = ListNamespaceNames()
    args = ClusterArgs()
    assert tool.risk(args, tool_context) is Risk.READ
    plan = tool.plan(args, tool_context)
    assert plan.summary == "Read only: list_namespace_names on us-central."
    assert (plan.diff, plan.data) == ("", {"read_only": True})
    assert namespace in tool.execute(args, tool_context).data["names"]


def test_read_plan_needs_no_api_and_execute_reports_a_temporary_error(unreachable_context):
    tool = ListNamespaceNames()
    args = ClusterArgs()
    plan = tool.plan(args, unreachable_context)  # no connection is made: nothing to refuse
    assert plan.summary == "Read only: list_namespace_names on gone."
    with pytest.raises(TemporaryToolError, match="Cluster 'gone' is unreachable"):
        tool.execute(args, unreachable_context)
