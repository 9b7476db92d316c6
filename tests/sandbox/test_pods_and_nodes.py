"""Pod logs and events; nodes: cordon (spec.unschedulable) and drain via evictions."""

from __future__ import annotations

import json

import kubernetes.client
import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment, wait_for

from tools.k8s.sandbox.seeds import node_body


def _running_pod(empty, namespace, app):
    def find():
        pods = empty.core.list_namespaced_pod(namespace, label_selector=f"app={app}").items
        running = [p for p in pods if p.status.phase == "Running"]
        return running[0] if running else None

    return wait_for(find)


def test_logs_with_tail_lines_container_and_timestamps(empty, namespace):
    body = deployment("logger", ports=[{"containerPort": 8080}])
    body["spec"]["template"]["spec"]["containers"].append({"name": "side", "image": "busybox:1"})
    empty.apps.create_namespaced_deployment(namespace, body)
    pod = _running_pod(empty, namespace, "logger").metadata.name
    with pytest.raises(ApiException) as caught:
        empty.core.read_namespaced_pod_log(pod, namespace)
    assert caught.value.status == 400
    assert "a container name must be specified" in json.loads(caught.value.body)["message"]
    logs = empty.core.read_namespaced_pod_log(pod, namespace, container="logger")
    assert "starting logger (image nginx:1.25)" in logs and "listening on :8080" in logs
    tail = empty.core.read_namespaced_pod_log(pod, namespace, container="logger", tail_lines=1)
    assert tail.count("\n") == 1 and tail.strip() == logs.strip().splitlines()[-1]
    stamped = empty.core.read_namespaced_pod_log(
        pod, namespace, container="side", timestamps=True, tail_lines=1
    )
    assert stamped.split(" ")[0].endswith("Z") and "starting side" not in stamped
    with pytest.raises(ApiException) as previous:
        empty.core.read_namespaced_pod_log(pod, namespace, container="logger", previous=True)
    assert "previous terminated container" in json.loads(previous.value.body)["message"]
    with pytest.raises(ApiException) as unknown:
        empty.core.read_namespaced_pod_log(pod, namespace, container="nope")
    assert unknown.value.status == 400


def test_logs_of_a_pod_that_cannot_start(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("nopull", "ghost:notfound"))
    (pod,) = empty.core.list_namespaced_pod(namespace).items
    with pytest.raises(ApiException) as caught:
        empty.core.read_namespaced_pod_log(pod.metadata.name, namespace)
    assert "is waiting to start" in json.loads(caught.value.body)["message"]
    wait_for(
        lambda: any(
            e.reason == "Failed"
            for e in empty.core.list_namespaced_event(
                namespace, field_selector=f"involvedObject.name={pod.metadata.name}"
            ).items
        )
    )


def test_events_list_with_kind_and_name(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("evt"))
    events = empty.core.list_namespaced_event(
        namespace, field_selector="involvedObject.kind=Deployment,involvedObject.name=evt"
    ).items
    assert [(e.reason, e.type, e.source.component) for e in events] == [
        ("ScalingReplicaSet", "Normal", "deployment-controller")
    ]
    assert events[0].count == 1 and events[0].first_timestamp is not None


@pytest.fixture()
def three_nodes(empty):
    for index in (2, 3):
        if not [n for n in empty.core.list_node().items if n.metadata.name == f"node-{index}"]:
            empty.core.create_node(node_body(index))
    yield ["node-1", "node-2", "node-3"]
    for name in ("node-1", "node-2", "node-3"):
        empty.core.patch_node(name, {"spec": {"unschedulable": None}})


def test_cordon_sets_taint_and_new_pods_avoid_the_node(empty, namespace, three_nodes):
    node = empty.core.patch_node("node-2", {"spec": {"unschedulable": True}})
    assert node.spec.unschedulable is True
    taints = empty.core.read_node("node-2").spec.taints
    assert [(t.key, t.effect) for t in taints] == [
        ("node.kubernetes.io/unschedulable", "NoSchedule")
    ]
    cordoned = empty.core.list_node(field_selector="spec.unschedulable=true").items
    assert [n.metadata.name for n in cordoned] == ["node-2"]
    empty.apps.create_namespaced_deployment(namespace, deployment("spread", replicas=4))
    nodes = {p.spec.node_name for p in empty.core.list_namespaced_pod(namespace).items}
    assert nodes == {"node-1", "node-3"}
    events = empty.core.list_namespaced_event(
        "default", field_selector="involvedObject.kind=Node,involvedObject.name=node-2"
    ).items
    assert "NodeNotSchedulable" in {e.reason for e in events}
    empty.core.patch_node("node-2", {"spec": {"unschedulable": False}})
    assert empty.core.read_node("node-2").spec.taints is None


def test_drain_by_eviction_moves_pods_to_other_nodes(empty, namespace, three_nodes):
    empty.apps.create_namespaced_deployment(namespace, deployment("drained", replicas=3))
    node = empty.core.list_namespaced_pod(namespace).items[0].spec.node_name

    def pods_on_node():
        selector = f"spec.nodeName={node},metadata.namespace={namespace}"
        return empty.core.list_pod_for_all_namespaces(field_selector=selector).items

    victims = pods_on_node()
    empty.core.patch_node(node, {"spec": {"unschedulable": True}})
    for pod in victims:
        empty.core.create_namespaced_pod_eviction(
            pod.metadata.name,
            namespace,
            {
                "apiVersion": "policy/v1",
                "kind": "Eviction",
                "metadata": {"name": pod.metadata.name, "namespace": namespace},
            },
        )
    assert pods_on_node() == []
    pods = empty.core.list_namespaced_pod(namespace).items
    assert len(pods) == 3 and node not in {p.spec.node_name for p in pods}
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_pod_eviction(
            "ghost", namespace, {"metadata": {"name": "ghost"}}
        )
    assert caught.value.status == 404


def test_pods_stay_pending_while_every_node_is_cordoned(empty, namespace, three_nodes):
    for name in three_nodes:
        empty.core.patch_node(name, {"spec": {"unschedulable": True}})
    empty.apps.create_namespaced_deployment(namespace, deployment("stuck"))
    (pod,) = empty.core.list_namespaced_pod(namespace).items
    assert pod.spec.node_name is None and pod.status.phase == "Pending"
    assert pod.status.conditions[0].reason == "Unschedulable"
    events = empty.core.list_namespaced_event(
        namespace, field_selector=f"involvedObject.name={pod.metadata.name}"
    ).items
    assert [e.message for e in events if e.reason == "FailedScheduling"] == [
        "0/3 nodes are available: 3 node(s) were unschedulable."
    ]
    empty.core.patch_node("node-1", {"spec": {"unschedulable": False}})
    scheduled = empty.core.read_namespaced_pod(pod.metadata.name, namespace)
    assert scheduled.spec.node_name == "node-1"
    wait_for(
        lambda: (
            empty.core.read_namespaced_pod(pod.metadata.name, namespace).status.phase == "Running"
        )
    )


def test_eviction_respects_pod_disruption_budgets(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("guarded", replicas=2))
    body = {
        "metadata": {"name": "guard"},
        "spec": {"minAvailable": 2, "selector": {"matchLabels": {"app": "guarded"}}},
    }
    client = kubernetes.client.PolicyV1Api(empty.api)
    client.create_namespaced_pod_disruption_budget(namespace, body)
    wait_for(
        lambda: (
            client.read_namespaced_pod_disruption_budget("guard", namespace).status.current_healthy
            == 2
        )
    )
    status = client.read_namespaced_pod_disruption_budget("guard", namespace).status
    assert (status.expected_pods, status.desired_healthy, status.disruptions_allowed) == (2, 2, 0)
    pod = empty.core.list_namespaced_pod(namespace).items[0].metadata.name
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_pod_eviction(pod, namespace, {"metadata": {"name": pod}})
    assert caught.value.status == 429
    assert "disruption budget" in json.loads(caught.value.body)["message"]
    client.patch_namespaced_pod_disruption_budget("guard", namespace, {"spec": {"minAvailable": 1}})
    empty.core.create_namespaced_pod_eviction(pod, namespace, {"metadata": {"name": pod}})
    assert pod not in {p.metadata.name for p in empty.core.list_namespaced_pod(namespace).items}
