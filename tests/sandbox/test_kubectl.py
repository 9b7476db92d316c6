"""kubectl (Debian's kubernetes-client, 1.20) against the sandbox, unchanged."""

from __future__ import annotations

import subprocess

import pytest
from sandbox_helpers import wait_for


@pytest.fixture(scope="module")
def run(kubectl, kubectl_demo):
    def run_kubectl(*args: str, ok: bool = True) -> str:
        done = subprocess.run(
            [kubectl, "--kubeconfig", str(kubectl_demo.kubeconfig), *args],
            capture_output=True,
            text=True,
            timeout=60,
        )
        if ok:
            assert done.returncode == 0, done.stderr
        return done.stdout + done.stderr

    return run_kubectl


def test_get_deployments_in_all_namespaces(run):
    lines = run("get", "deploy", "-A").splitlines()
    assert lines[0].split() == ["NAMESPACE", "NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"]
    rows = {tuple(line.split()[:3]) for line in lines[1:]}
    assert {
        ("prod", "checkout", "2/2"),
        ("staging", "worker", "0/1"),
        ("staging", "web", "2/2"),
    } <= rows


def test_get_pods_shows_the_crash_loop(run):
    output = run("get", "pods", "-n", "staging")
    worker = next(line for line in output.splitlines() if line.startswith("worker-"))
    assert worker.split()[1:3] == ["0/1", "CrashLoopBackOff"]


def test_scale(run, kubectl_demo):
    assert "deployment.apps/web scaled" in run(
        "-n", "staging", "scale", "deploy/web", "--replicas=4"
    )
    assert kubectl_demo.apps.read_namespaced_deployment("web", "staging").spec.replicas == 4
    assert "successfully rolled out" in run(
        "-n", "staging", "rollout", "status", "deploy/web", "--timeout=30s"
    )


def test_rollout_history_and_undo(run, kubectl_demo):
    history = run("-n", "prod", "rollout", "history", "deploy/checkout")
    assert "release 2.4.0" in history
    assert "rolled back" in run("-n", "prod", "rollout", "undo", "deploy/checkout")
    shown = kubectl_demo.apps.read_namespaced_deployment("checkout", "prod")
    assert shown.spec.template.spec.containers[0].image == "ghcr.io/planton/checkout:2.3.0"
    assert shown.metadata.annotations["deployment.kubernetes.io/revision"] == "3"
    assert "successfully rolled out" in run(
        "-n", "prod", "rollout", "status", "deploy/checkout", "--timeout=30s"
    )


def test_rollout_restart(run, kubectl_demo):
    assert "restarted" in run("-n", "staging", "rollout", "restart", "deploy/api")
    template = kubectl_demo.apps.read_namespaced_deployment("api", "staging").spec.template
    assert "kubectl.kubernetes.io/restartedAt" in template.metadata.annotations
    assert "successfully rolled out" in run(
        "-n", "staging", "rollout", "status", "deploy/api", "--timeout=30s"
    )


def test_cordon_drain_uncordon(run, kubectl_demo):
    assert "node/node-3 cordoned" in run("cordon", "node-3")
    nodes = run("get", "nodes")
    assert "Ready,SchedulingDisabled" in next(
        line for line in nodes.splitlines() if line.startswith("node-3")
    )
    run("uncordon", "node-3")
    drained = run("drain", "node-2", "--ignore-daemonsets", "--timeout=60s")
    assert "node/node-2 drained" in drained or "node/node-2 evicted" in drained
    remaining = kubectl_demo.core.list_pod_for_all_namespaces(field_selector="spec.nodeName=node-2")
    assert remaining.items == []
    assert kubectl_demo.core.read_node("node-2").spec.unschedulable is True
    run("uncordon", "node-2")


def test_logs_and_describe(run):
    logs = run("-n", "staging", "logs", "deploy/worker", "--tail=3")
    assert "ERROR failed to connect to database" in logs
    described = run("-n", "prod", "describe", "deployment", "web")
    assert "Replicas:" in described and "ScalingReplicaSet" in described
    events = run("-n", "staging", "get", "events", "--field-selector", "reason=BackOff")
    assert "Back-off restarting failed container worker" in events


def test_create_expose_and_delete(run, kubectl_demo):
    run("create", "namespace", "scratch")
    run("-n", "scratch", "create", "deployment", "hello", "--image=nginx:1.25", "--replicas=2")
    run("-n", "scratch", "expose", "deployment", "hello", "--port=80")
    wait_for(
        lambda: (
            (kubectl_demo.apps.read_namespaced_deployment("hello", "scratch").status.ready_replicas)
            == 2
        )
    )
    listing = run("-n", "scratch", "get", "all")
    assert "deployment.apps/hello" in listing and "service/hello" in listing
    assert 'deployment.apps "hello" deleted' in run("-n", "scratch", "delete", "deploy", "hello")
    run("delete", "namespace", "scratch")
    missing = run("get", "namespace", "scratch", ok=False)
    assert 'namespaces "scratch" not found' in missing


MANIFEST = """\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: applied
  namespace: default
spec:
  replicas: {replicas}
  selector: {{matchLabels: {{app: applied}}}}
  template:
    metadata: {{labels: {{app: applied}}}}
    spec:
      containers: [{{name: applied, image: "nginx:1.25"}}]
"""


def test_apply_diff_and_server_dry_run(run, kubectl_demo, tmp_path):
    manifest = tmp_path / "applied.yaml"
    manifest.write_text(MANIFEST.format(replicas=2))
    assert "deployment.apps/applied created" in run("apply", "-f", str(manifest))
    assert "deployment.apps/applied unchanged" in run("apply", "-f", str(manifest))
    manifest.write_text(MANIFEST.format(replicas=3))
    assert "replicas: 3" in run("diff", "-f", str(manifest), ok=False)
    assert "deployment.apps/applied configured" in run("apply", "-f", str(manifest))
    assert kubectl_demo.apps.read_namespaced_deployment("applied", "default").spec.replicas == 3
    run("scale", "deploy/applied", "--replicas=5", "--dry-run=server")
    run("delete", "-f", str(manifest), "--dry-run=server")
    assert kubectl_demo.apps.read_namespaced_deployment("applied", "default").spec.replicas == 3
