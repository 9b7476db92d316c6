"""Read tools against the demo sandbox through the real client (nothing is changed)."""

from __future__ import annotations

import pytest
from k8s_flow import spec_snapshot

from tools.base import ToolError


def read(registry, ctx, tool, **args):
    call = registry.parse_call({"tool": tool, "args": args})
    implementation = registry.get(tool)
    plan = implementation.plan(call.args, ctx)
    assert plan.diff == "" and plan.data == {"read_only": True}
    return implementation.execute(call.args, ctx)


@pytest.fixture()
def unchanged(apis):
    """The staging namespace must look the same after every read."""
    before = spec_snapshot(apis, "staging")
    yield
    assert spec_snapshot(apis, "staging") == before


def test_list_deployments(registry, tool_context, unchanged):
    result = read(registry, tool_context, "list_deployments", namespace="staging")
    names = {d["name"] for d in result.data["items"]}
    assert {"web", "api", "worker"} <= names
    assert "worker: 0/1 ready" in result.summary or "worker:" in result.summary
    everywhere = read(registry, tool_context, "list_deployments", all_namespaces=True)
    assert {("prod", "checkout"), ("staging", "web")} <= {
        (d["namespace"], d["name"]) for d in everywhere.data["items"]
    }
    assert "prod/checkout" in everywhere.summary


def test_describe_deployment(registry, tool_context, unchanged):
    result = read(registry, tool_context, "describe_deployment", name="web", namespace="staging")
    assert result.data["name"] == "web" and result.data["namespace"] == "staging"
    assert result.data["containers"][0]["image"].startswith("nginx")
    assert len(result.data["pods"]) == result.data["replicas"] or result.data["pods"]
    assert "Deployment web in staging on us-central" in result.summary


def test_list_pods_shows_the_crashloop(registry, tool_context, unchanged):
    result = read(registry, tool_context, "list_pods", deployment="worker", namespace="staging")
    assert result.data["items"], result.summary
    assert all(p["name"].startswith("worker-") for p in result.data["items"])
    assert any(p["status"] in ("CrashLoopBackOff", "Error") for p in result.data["items"])
    assert "not running" in result.summary
    everywhere = read(registry, tool_context, "list_pods", all_namespaces=True)
    assert {"staging", "prod"} <= {p["namespace"] for p in everywhere.data["items"]}


def test_describe_pod(registry, tool_context, unchanged):
    pods = read(registry, tool_context, "list_pods", deployment="worker", namespace="staging").data[
        "items"
    ]
    result = read(registry, tool_context, "describe_pod", name=pods[0]["name"], namespace="staging")
    assert result.data["containers"][0]["restarts"] >= 1
    assert result.data["node"]
    with pytest.raises(
        ToolError, match="pod 'ghost-1' not found in namespace 'staging' on cluster 'us-central'"
    ):
        read(registry, tool_context, "describe_pod", name="ghost-1", namespace="staging")


def test_events_of_a_deployment_include_its_pods(registry, tool_context, unchanged):
    result = read(
        registry, tool_context, "get_events", name="worker", namespace="staging", limit=50
    )
    objects = {item["object"].split("/")[0] for item in result.data["items"]}
    assert "pod" in objects
    assert any(i["type"] == "Warning" and i["reason"] == "BackOff" for i in result.data["items"])
    limited = read(
        registry, tool_context, "get_events", name="worker", namespace="staging", limit=2
    )
    assert len(limited.data["items"]) == 2
    times = [i["time"] for i in result.data["items"]]
    assert times == sorted(times, reverse=True)


def test_events_of_a_pod_and_of_nothing(registry, tool_context, unchanged):
    pod = read(registry, tool_context, "list_pods", deployment="worker", namespace="staging").data[
        "items"
    ][0]
    result = read(registry, tool_context, "get_events", name=pod["name"], namespace="staging")
    assert result.data["kind"] == "pod"
    assert {i["object"] for i in result.data["items"]} == {f"pod/{pod['name']}"}
    with pytest.raises(ToolError, match="No deployment or pod named 'ghost'"):
        read(registry, tool_context, "get_events", name="ghost", namespace="staging")


def test_logs_of_the_crashing_worker(registry, tool_context, unchanged):
    result = read(registry, tool_context, "get_pod_logs", name="worker", namespace="staging")
    assert result.data["pod"].startswith("worker-") and result.data["container"] == "worker"
    assert any("ERROR" in line for line in result.data["lines"])
    grepped = read(
        registry, tool_context, "get_pod_logs", name="worker", namespace="staging", grep="error"
    )
    assert grepped.data["lines"] and all("error" in line.lower() for line in grepped.data["lines"])
    tail = read(
        registry, tool_context, "get_pod_logs", name="web", namespace="staging", tail_lines=3
    )
    assert len(tail.data["lines"]) == 3
    previous = read(
        registry, tool_context, "get_pod_logs", name="worker", namespace="staging", previous=True
    )
    assert previous.data["previous"] is True and "previous logs" in previous.summary


def test_logs_errors(registry, tool_context):
    with pytest.raises(ToolError, match="No pod or deployment named 'ghost'"):
        read(registry, tool_context, "get_pod_logs", name="ghost", namespace="staging")
    with pytest.raises(ToolError, match="has no container 'sidecar'"):
        read(
            registry,
            tool_context,
            "get_pod_logs",
            name="web",
            namespace="staging",
            container="sidecar",
        )


def test_list_nodes(registry, tool_context):
    result = read(registry, tool_context, "list_nodes")
    assert {"node-1", "node-2", "node-3"} <= {n["name"] for n in result.data["items"]}
    assert all(n["cpu"] and n["memory"] for n in result.data["items"])
