"""State files (save, reload, refuse garbage) and the demo seed the spec describes."""

from __future__ import annotations

import base64
import json

import pytest
from sandbox_helpers import Clients, deployment, wait_for

from tools.k8s.sandbox import SandboxServer


def test_state_survives_a_restart(tmp_path):
    state = tmp_path / "state.json"
    with SandboxServer(seed=None, state_file=state, pod_ready_delay_s=0.05) as server:
        first = Clients(server, server.write_kubeconfig(tmp_path / "a.yaml"))
        first.core.create_namespace({"metadata": {"name": "kept"}})
        first.apps.create_namespaced_deployment("kept", deployment("app", replicas=2))
        uid = first.apps.read_namespaced_deployment("app", "kept").metadata.uid
        version = int(first.core.list_namespace().metadata.resource_version)
    assert json.loads(state.read_text())["format"] == 1
    with SandboxServer(seed="demo", state_file=state, pod_ready_delay_s=0.05) as server:
        again = Clients(server, server.write_kubeconfig(tmp_path / "b.yaml"))
        assert again.apps.read_namespaced_deployment("app", "kept").metadata.uid == uid
        assert len(again.core.list_namespaced_pod("kept").items) == 2
        names = {ns.metadata.name for ns in again.core.list_namespace().items}
        assert "kept" in names and "prod" not in names  # loaded, not re-seeded
        made = again.core.create_namespaced_config_map("kept", {"metadata": {"name": "new"}})
        assert int(made.metadata.resource_version) > version


def test_a_corrupt_state_file_is_refused_clearly(tmp_path):
    state = tmp_path / "state.json"
    state.write_text('{"format": 7}')
    with pytest.raises(ValueError, match="cannot load sandbox state .*format 1"):
        SandboxServer(seed=None, state_file=state).start()
    state.write_text("not json")
    with pytest.raises(ValueError, match="cannot load sandbox state"):
        SandboxServer(seed=None, state_file=state).start()


def test_demo_seed_matches_the_spec(demo):
    namespaces = {ns.metadata.name for ns in demo.core.list_namespace().items}
    assert {"default", "staging", "prod", "monitoring"} <= namespaces
    deployed = {
        (d.metadata.namespace, d.metadata.name)
        for d in demo.apps.list_deployment_for_all_namespaces().items
    }
    assert {
        ("staging", "web"),
        ("staging", "api"),
        ("staging", "worker"),
        ("prod", "web"),
        ("prod", "checkout"),
        ("prod", "api"),
    } <= deployed
    assert [n.metadata.name for n in demo.core.list_node().items] == ["node-1", "node-2", "node-3"]
    for namespace in ("staging", "prod"):
        services = {s.metadata.name for s in demo.core.list_namespaced_service(namespace).items}
        assert {"web", "api"} <= services
        assert demo.core.read_namespaced_config_map("app-config", namespace).data
        secret = demo.core.read_namespaced_secret("db-credentials", namespace)
        assert base64.b64decode(secret.data["password"]).decode().startswith("s3cr3t")
    checkout = demo.apps.list_namespaced_replica_set("prod", label_selector="app=checkout").items
    revisions = sorted(
        rs.metadata.annotations["deployment.kubernetes.io/revision"] for rs in checkout
    )
    assert revisions == ["1", "2"]
    (worker,) = demo.core.list_namespaced_pod("staging", label_selector="app=worker").items
    state = worker.status.container_statuses[0]
    assert state.state.waiting.reason == "CrashLoopBackOff" and state.restart_count > 5
    assert worker.spec.containers[0].image.endswith(":broken")
    for pod in demo.core.list_namespaced_pod("prod").items:
        assert pod.status.phase == "Running"
    hpa = demo.autoscaling.read_namespaced_horizontal_pod_autoscaler("web", "prod")
    assert hpa.status.current_replicas == 3


def test_demo_checkout_rolls_back_to_revision_one(demo):
    replicasets = demo.apps.list_namespaced_replica_set("prod", label_selector="app=checkout").items
    first = next(
        rs
        for rs in replicasets
        if rs.metadata.annotations["deployment.kubernetes.io/revision"] == "1"
    )
    template = demo.api.sanitize_for_serialization(first.spec.template)
    template["metadata"]["labels"].pop("pod-template-hash")
    demo.apps.patch_namespaced_deployment(
        "checkout", "prod", [{"op": "replace", "path": "/spec/template", "value": template}]
    )

    def rolled_back():
        shown = demo.apps.read_namespaced_deployment("checkout", "prod")
        return (
            shown.status.updated_replicas == shown.status.ready_replicas == 2
            and shown.status.replicas == 2
        )

    wait_for(rolled_back)
    shown = demo.apps.read_namespaced_deployment("checkout", "prod")
    assert shown.spec.template.spec.containers[0].image == "ghcr.io/planton/checkout:2.3.0"
    assert shown.metadata.annotations["deployment.kubernetes.io/revision"] == "3"
