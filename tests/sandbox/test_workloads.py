"""Deployments -> ReplicaSets -> pods: ownership, readiness, scale, revisions, rollback."""

from __future__ import annotations

import json
import time

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import POD_DELAY_S, Clients, deployment, wait_for

from tools.k8s.sandbox import SandboxServer

REVISION = "deployment.kubernetes.io/revision"


def _replicasets(empty, namespace, name):
    items = empty.apps.list_namespaced_replica_set(namespace, label_selector=f"app={name}").items
    return sorted(items, key=lambda rs: int(rs.metadata.annotations[REVISION]))


def _ready(empty, namespace, name, replicas):
    status = empty.apps.read_namespaced_deployment_status(name, namespace).status
    done = (status.updated_replicas, status.ready_replicas, status.replicas)
    return done == (replicas, replicas, replicas)


def test_deployment_owns_replicaset_which_owns_ready_pods(empty, namespace):
    made = empty.apps.create_namespaced_deployment(namespace, deployment("web", replicas=2))
    (rs,) = _replicasets(empty, namespace, "web")
    assert rs.metadata.owner_references[0].uid == made.metadata.uid
    assert rs.metadata.owner_references[0].controller is True
    assert rs.metadata.annotations[REVISION] == "1"
    hash_label = rs.metadata.labels["pod-template-hash"]
    assert rs.metadata.name == f"web-{hash_label}"
    pods = empty.core.list_namespaced_pod(namespace, label_selector="app=web").items
    assert len(pods) == 2
    for pod in pods:
        assert pod.metadata.owner_references[0].uid == rs.metadata.uid
        assert pod.metadata.labels == {"app": "web", "pod-template-hash": hash_label}
        assert pod.metadata.name.startswith(f"{rs.metadata.name}-")
        assert pod.spec.node_name == "node-1"
    wait_for(lambda: _ready(empty, namespace, "web", 2))
    late = empty.core.read_namespaced_pod(pods[0].metadata.name, namespace)
    assert late.status.phase == "Running" and late.status.container_statuses[0].ready
    assert {c.type: c.status for c in late.status.conditions}["Ready"] == "True"
    assert late.status.pod_ip.startswith("10.244.") and late.status.host_ip
    shown = empty.apps.read_namespaced_deployment("web", namespace)
    assert shown.metadata.annotations[REVISION] == "1"
    assert shown.status.observed_generation == shown.metadata.generation
    conditions = {c.type: c.reason for c in shown.status.conditions}
    assert conditions == {
        "Available": "MinimumReplicasAvailable",
        "Progressing": "NewReplicaSetAvailable",
    }


def test_pods_wait_in_container_creating_for_the_delay(tmp_path):
    with SandboxServer(seed=None, pod_ready_delay_s=3.0) as server:
        slow = Clients(server, server.write_kubeconfig(tmp_path / "kubeconfig"))
        slow.apps.create_namespaced_deployment("default", deployment("slow"))
        (pod,) = slow.core.list_namespaced_pod("default").items
        assert pod.status.phase == "Pending"
        assert pod.status.container_statuses[0].state.waiting.reason == "ContainerCreating"
        assert {c.type: c.status for c in pod.status.conditions}["Ready"] == "False"
        name = pod.metadata.name
        wait_for(lambda: slow.core.read_namespaced_pod(name, "default").status.phase == "Running")
        events = slow.core.list_namespaced_event(
            "default", field_selector=f"involvedObject.name={name}"
        )
        reasons = {event.reason for event in events.items}
        assert {"Scheduled", "Pulling", "Pulled", "Created", "Started"} <= reasons


def test_scale_subresource(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("api"))
    scale = empty.apps.read_namespaced_deployment_scale("api", namespace)
    assert (scale.spec.replicas, scale.status.selector) == (1, "app=api")
    patched = empty.apps.patch_namespaced_deployment_scale(
        "api", namespace, {"spec": {"replicas": 3}}
    )
    assert patched.spec.replicas == 3
    assert len(empty.core.list_namespaced_pod(namespace, label_selector="app=api").items) == 3
    wait_for(lambda: _ready(empty, namespace, "api", 3))  # status writes move resourceVersion
    scale = empty.apps.read_namespaced_deployment_scale("api", namespace)
    scale.spec.replicas = 1
    replaced = empty.apps.replace_namespaced_deployment_scale("api", namespace, scale)
    assert replaced.spec.replicas == 1
    wait_for(lambda: len(empty.core.list_namespaced_pod(namespace).items) == 1)
    scale.spec.replicas = 2  # resourceVersion from before the last write
    with pytest.raises(ApiException) as stale:
        empty.apps.replace_namespaced_deployment_scale("api", namespace, scale)
    assert stale.value.status == 409
    with pytest.raises(ApiException) as negative:
        empty.apps.patch_namespaced_deployment_scale("api", namespace, {"spec": {"replicas": -1}})
    assert (
        negative.value.status == 422
        and "spec.replicas" in json.loads(negative.value.body)["message"]
    )
    events = empty.core.list_namespaced_event(
        namespace, field_selector="involvedObject.kind=Deployment,involvedObject.name=api"
    ).items
    messages = [event.message for event in events]
    assert any("Scaled up replica set api-" in m and m.endswith(" to 3") for m in messages)
    assert any("Scaled down replica set api-" in m and "to 1 from 3" in m for m in messages)


def test_scale_to_zero_and_back(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("zero", replicas=2))
    empty.apps.patch_namespaced_deployment_scale("zero", namespace, {"spec": {"replicas": 0}})
    assert empty.core.list_namespaced_pod(namespace).items == []
    empty.apps.patch_namespaced_deployment_scale("zero", namespace, {"spec": {"replicas": 1}})
    wait_for(lambda: _ready(empty, namespace, "zero", 1))


def _set_image(empty, namespace, name, image):
    patch = {"spec": {"template": {"spec": {"containers": [{"name": name, "image": image}]}}}}
    return empty.apps.patch_namespaced_deployment(name, namespace, patch)


def test_template_change_makes_new_revision_and_rolls(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("roll", "nginx:1.24", replicas=3))
    wait_for(lambda: _ready(empty, namespace, "roll", 3))
    _set_image(empty, namespace, "roll", "nginx:1.25")
    first, second = _replicasets(empty, namespace, "roll")
    assert second.metadata.annotations[REVISION] == "2"
    assert second.spec.template.spec.containers[0].image == "nginx:1.25"
    wait_for(lambda: _ready(empty, namespace, "roll", 3))
    first, second = _replicasets(empty, namespace, "roll")
    assert (first.spec.replicas, second.spec.replicas) == (0, 3)
    shown = empty.apps.read_namespaced_deployment("roll", namespace)
    assert shown.metadata.annotations[REVISION] == "2"
    images = {p.spec.containers[0].image for p in empty.core.list_namespaced_pod(namespace).items}
    assert images == {"nginx:1.25"}


def test_rollback_by_patching_template_reuses_previous_replicaset(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("back", "nginx:1.24"))
    _set_image(empty, namespace, "back", "nginx:1.25")
    old, current = _replicasets(empty, namespace, "back")
    template = empty.api.sanitize_for_serialization(old.spec.template)
    del template["metadata"]["labels"]["pod-template-hash"]
    patch = [{"op": "replace", "path": "/spec/template", "value": template}]
    empty.apps.patch_namespaced_deployment("back", namespace, patch)
    replicasets = _replicasets(empty, namespace, "back")
    assert [rs.metadata.name for rs in replicasets] == [current.metadata.name, old.metadata.name]
    assert replicasets[-1].metadata.annotations[REVISION] == "3"
    assert replicasets[-1].metadata.annotations["deployment.kubernetes.io/revision-history"] == "1"
    shown = empty.apps.read_namespaced_deployment("back", namespace)
    assert shown.metadata.annotations[REVISION] == "3"
    assert shown.spec.template.spec.containers[0].image == "nginx:1.24"
    wait_for(lambda: _ready(empty, namespace, "back", 1))


def test_rollout_restart_annotation_makes_new_replicaset(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("restart", replicas=2))
    wait_for(lambda: _ready(empty, namespace, "restart", 2))
    before = {p.metadata.name for p in empty.core.list_namespaced_pod(namespace).items}
    stamp = {"kubectl.kubernetes.io/restartedAt": "2024-05-01T10:00:00Z"}
    empty.apps.patch_namespaced_deployment(
        "restart", namespace, {"spec": {"template": {"metadata": {"annotations": stamp}}}}
    )
    assert len(_replicasets(empty, namespace, "restart")) == 2
    wait_for(lambda: _ready(empty, namespace, "restart", 2))
    after = {p.metadata.name for p in empty.core.list_namespaced_pod(namespace).items}
    assert len(after) == 2 and not before & after
    pod = empty.core.read_namespaced_pod(sorted(after)[0], namespace)
    assert pod.metadata.annotations == stamp


def test_broken_image_crash_loops(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("crash", "app:broken"))
    (pod,) = empty.core.list_namespaced_pod(namespace, label_selector="app=crash").items
    name = pod.metadata.name

    def restarts() -> int:
        status = empty.core.read_namespaced_pod(name, namespace).status
        return status.container_statuses[0].restart_count

    wait_for(lambda: restarts() >= 1)
    first = restarts()
    wait_for(lambda: restarts() > first, timeout=30)  # back-off doubles: allow for a slow host
    status = empty.core.read_namespaced_pod(name, namespace).status
    container = status.container_statuses[0]
    assert status.phase == "Running" and container.ready is False
    assert container.state.waiting.reason == "CrashLoopBackOff"
    assert container.last_state.terminated.exit_code == 1
    events = empty.core.list_namespaced_event(
        namespace, field_selector=f"involvedObject.name={name}"
    )
    backoff = [e for e in events.items if e.reason == "BackOff"]
    assert backoff and backoff[0].type == "Warning" and backoff[0].count >= 1
    logs = empty.core.read_namespaced_pod_log(name, namespace)
    assert "ERROR failed to connect to database" in logs
    assert "ERROR" in empty.core.read_namespaced_pod_log(name, namespace, previous=True)
    shown = empty.apps.read_namespaced_deployment("crash", namespace)
    assert shown.status.ready_replicas is None and shown.status.unavailable_replicas == 1


def test_rolling_update_to_broken_image_keeps_old_pods_serving(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("safe", "nginx:1.24", replicas=2))
    wait_for(lambda: _ready(empty, namespace, "safe", 2))
    _set_image(empty, namespace, "safe", "nginx:broken")
    time.sleep(POD_DELAY_S * 4)
    old, new = _replicasets(empty, namespace, "safe")
    assert (old.spec.replicas, new.spec.replicas) == (2, 1)  # maxSurge 1, maxUnavailable 0
    status = empty.apps.read_namespaced_deployment_status("safe", namespace).status
    assert (status.ready_replicas, status.updated_replicas, status.replicas) == (2, 1, 3)
    progressing = {c.type: c for c in status.conditions}["Progressing"]
    assert progressing.reason == "ReplicaSetUpdated"


def test_recreate_strategy_replaces_all_pods_at_once(empty, namespace):
    body = deployment("rec", "nginx:1.24", replicas=2)
    body["spec"]["strategy"] = {"type": "Recreate"}
    empty.apps.create_namespaced_deployment(namespace, body)
    _set_image(empty, namespace, "rec", "nginx:1.25")
    pods = empty.core.list_namespaced_pod(namespace).items
    assert {p.spec.containers[0].image for p in pods} == {"nginx:1.25"} and len(pods) == 2


def test_revision_history_limit_prunes_old_replicasets(empty, namespace):
    body = deployment("hist", "nginx:1.0")
    body["spec"]["revisionHistoryLimit"] = 1
    empty.apps.create_namespaced_deployment(namespace, body)
    for version in ("1.1", "1.2", "1.3"):
        _set_image(empty, namespace, "hist", f"nginx:{version}")
        wait_for(lambda: _ready(empty, namespace, "hist", 1))
    revisions = [rs.metadata.annotations[REVISION] for rs in _replicasets(empty, namespace, "hist")]
    assert revisions == ["3", "4"]


def test_deleted_pod_is_replaced(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("heal"))
    (pod,) = empty.core.list_namespaced_pod(namespace).items
    deleted = empty.core.delete_namespaced_pod(pod.metadata.name, namespace)
    assert deleted.metadata.name == pod.metadata.name
    (replacement,) = empty.core.list_namespaced_pod(namespace).items
    assert replacement.metadata.name != pod.metadata.name


def test_delete_cascades_unless_orphaned(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("cascade"))
    empty.apps.create_namespaced_deployment(namespace, deployment("orphan"))
    empty.apps.delete_namespaced_deployment("cascade", namespace)
    empty.apps.delete_namespaced_deployment("orphan", namespace, propagation_policy="Orphan")
    (rs,) = empty.apps.list_namespaced_replica_set(namespace).items
    assert rs.metadata.name.startswith("orphan-") and rs.metadata.owner_references is None
    pods = empty.core.list_namespaced_pod(namespace).items
    assert [p.metadata.labels["app"] for p in pods] == ["orphan"]


def test_hpa_keeps_replicas_in_range(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("auto"))
    body = {
        "metadata": {"name": "auto"},
        "spec": {
            "scaleTargetRef": {"apiVersion": "apps/v1", "kind": "Deployment", "name": "auto"},
            "minReplicas": 2,
            "maxReplicas": 4,
            "metrics": [
                {
                    "type": "Resource",
                    "resource": {
                        "name": "cpu",
                        "target": {"type": "Utilization", "averageUtilization": 60},
                    },
                }
            ],
        },
    }
    hpa = empty.autoscaling.create_namespaced_horizontal_pod_autoscaler(namespace, body)
    assert hpa.spec.max_replicas == 4
    assert empty.apps.read_namespaced_deployment("auto", namespace).spec.replicas == 2
    status = empty.autoscaling.read_namespaced_horizontal_pod_autoscaler("auto", namespace).status
    assert status.desired_replicas == 2
    assert status.current_metrics[0].resource.current.average_utilization > 0
    assert {c.type for c in status.conditions} == {"AbleToScale", "ScalingActive", "ScalingLimited"}
    empty.apps.patch_namespaced_deployment_scale("auto", namespace, {"spec": {"replicas": 9}})
    assert empty.apps.read_namespaced_deployment("auto", namespace).spec.replicas == 4
    events = empty.core.list_namespaced_event(
        namespace, field_selector="involvedObject.kind=HorizontalPodAutoscaler"
    ).items
    assert {e.reason for e in events} == {"SuccessfulRescale"}
