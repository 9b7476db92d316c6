"""Cordon, uncordon and drain on a private demo cluster (nodes are shared state)."""

from __future__ import annotations

import pytest
from k8s_flow import wait_for

from tools.base import Risk, ToolError
from tools.k8s.clients import get_apis


@pytest.fixture()
def lab(private_context):
    return get_apis(private_context, "lab")


def node_state(apis, node):
    return apis.to_dict(apis.core.read_node(node))["spec"].get("unschedulable", False)


def pods_on(apis, node):
    found = apis.to_dict(
        apis.core.list_pod_for_all_namespaces(field_selector=f"spec.nodeName={node}")
    )
    return sorted(
        f"{p['metadata']['namespace']}/{p['metadata']['name']}"
        for p in found["items"]
        if not p["metadata"].get("deletionTimestamp")
    )


def run(registry, ctx, tool, method, **args):
    call = registry.parse_call({"tool": tool, "args": args})
    return getattr(registry.get(tool), method)(call.args, ctx)


def test_cordon_then_uncordon(registry, private_context, lab):
    plan = run(registry, private_context, "cordon_node", "plan", node="node-1")
    assert "-unschedulable: false\n+unschedulable: true" in plan.diff
    assert node_state(lab, "node-1") is False
    result = run(registry, private_context, "cordon_node", "execute", node="node-1")
    assert "Cordoned node node-1" in result.summary and node_state(lab, "node-1") is True
    again = run(registry, private_context, "cordon_node", "execute", node="node-1")
    assert "already cordoned" in again.summary
    plan = run(registry, private_context, "uncordon_node", "plan", node="node-1")
    assert "+unschedulable: false" in plan.diff and node_state(lab, "node-1") is True
    run(registry, private_context, "uncordon_node", "execute", node="node-1")
    assert node_state(lab, "node-1") is False


def test_cordon_risk_in_a_production_cluster(registry, private_context):
    call = registry.parse_call(
        {"tool": "cordon_node", "args": {"node": "node-1", "cluster": "lab-prod"}}
    )
    assert registry.risk(call, private_context) == Risk.DESTRUCTIVE
    call = registry.parse_call(
        {"tool": "cordon_node", "args": {"node": "node-1", "cluster": "lab"}}
    )
    assert registry.risk(call, private_context) == Risk.WRITE


def test_unknown_node(registry, private_context):
    with pytest.raises(ToolError, match="node 'node-9' not found on cluster 'lab'"):
        run(registry, private_context, "cordon_node", "plan", node="node-9")
    with pytest.raises(ToolError, match="node 'node-9' not found on cluster 'lab'"):
        run(registry, private_context, "drain_node", "execute", node="node-9")


def test_drain_plan_changes_nothing_then_drain_moves_pods(registry, private_context, lab):
    before = pods_on(lab, "node-2")
    assert before, "the demo seeds pods on node-2"
    plan = run(registry, private_context, "drain_node", "plan", node="node-2")
    assert "-unschedulable: false\n+unschedulable: true" in plan.diff
    assert f"-- {before[0]}" in plan.diff
    assert pods_on(lab, "node-2") == before and node_state(lab, "node-2") is False

    result = run(registry, private_context, "drain_node", "execute", node="node-2")
    assert node_state(lab, "node-2") is True
    assert sorted(result.data["evicted"]) == sorted(set(before) - set(result.data["skipped"]))
    wait_for(
        lambda: pods_on(lab, "node-2") == sorted(result.data["skipped"]),
        timeout_s=15,
        what="node-2 empty",
    )
    # The controllers recreate the evicted pods elsewhere.
    deployments = {
        p.split("/")[0] + "/" + p.split("/")[1].rsplit("-", 2)[0] for p in result.data["evicted"]
    }
    for item in deployments:
        namespace, name = item.split("/")

        def replaced(namespace=namespace, name=name):
            scale = lab.to_dict(lab.apps.read_namespaced_deployment(name, namespace))
            pods = [
                p
                for p in pods_on(lab, "node-1") + pods_on(lab, "node-3")
                if p.startswith(f"{namespace}/{name}-")
            ]
            return len(pods) >= 1 and scale["spec"]["replicas"] >= 1

        wait_for(replaced, timeout_s=15, what=f"{item} rescheduled")
    run(registry, private_context, "uncordon_node", "execute", node="node-2")


def test_drain_refuses_unmanaged_pods(registry, private_context, lab):
    lab.core.create_namespaced_pod(
        "default",
        {
            "metadata": {"name": "bare"},
            "spec": {"nodeName": "node-3", "containers": [{"name": "c", "image": "busybox:1.36"}]},
        },
    )
    with pytest.raises(ToolError, match="default/bare.*Nothing was changed"):
        run(registry, private_context, "drain_node", "execute", node="node-3")
    assert node_state(lab, "node-3") is False
    lab.core.delete_namespaced_pod("bare", "default")


def test_drain_reports_pods_a_disruption_budget_protects(registry, private_context, lab):
    from kubernetes import client as k8s

    web = lab.to_dict(lab.apps.read_namespaced_deployment("web", "prod"))
    selector = web["spec"]["selector"]["matchLabels"]
    budget = {
        "metadata": {"name": "web-budget"},
        "spec": {"minAvailable": web["spec"]["replicas"], "selector": {"matchLabels": selector}},
    }
    policy = k8s.PolicyV1Api(lab.api_client)
    policy.create_namespaced_pod_disruption_budget("prod", budget)
    label = ",".join(f"{k}={v}" for k, v in selector.items())
    pods = lab.to_dict(lab.core.list_namespaced_pod("prod", label_selector=label))["items"]
    node = pods[0]["spec"]["nodeName"]
    protected = sorted(
        f"prod/{p['metadata']['name']}" for p in pods if p["spec"]["nodeName"] == node
    )
    try:
        result = run(registry, private_context, "drain_node", "execute", node=node)
        assert sorted(b["pod"] for b in result.data["blocked"]) == protected
        assert "blocked by disruption budgets" in result.summary and "retry later" in result.summary
        assert set(protected) <= set(pods_on(lab, node))
        assert not set(protected) & set(result.data["evicted"])
    finally:
        policy.delete_namespaced_pod_disruption_budget("web-budget", "prod")
        run(registry, private_context, "uncordon_node", "execute", node=node)
