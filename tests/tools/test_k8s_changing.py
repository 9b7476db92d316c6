"""Changing a running deployment: scale, restart, roll back, image, env, resources."""

from __future__ import annotations

import pytest
from k8s_flow import APP_IMAGE, plan_and_execute, ready_pods, spec_snapshot, wait_for

from tools.base import ToolError
from tools.validation import quantities_equal


def read(kapis, namespace, name="app"):
    return kapis.to_dict(kapis.apps.read_namespaced_deployment(name, namespace))


def container(deployment):
    return deployment["spec"]["template"]["spec"]["containers"][0]


def run(registry, ctx, kapis, namespace, tool, execute=True, **args):
    return plan_and_execute(
        registry,
        ctx,
        kapis,
        namespace=namespace,
        tool=tool,
        args={**args, "namespace": namespace},
        execute=execute,
    )


def test_scale_up_and_to_zero(registry, kctx, kapis, app_namespace):
    plan, result = run(
        registry, kctx, kapis, app_namespace, "scale_deployment", name="app", replicas=4
    )
    assert "-replicas: 2\n+replicas: 4" in plan.diff
    assert result.data["from_replicas"] == 2 and result.data["replicas"] == 4
    wait_for(lambda: len(ready_pods(kapis, app_namespace, "app=app")) == 4, what="4 pods")
    _, result = run(
        registry, kctx, kapis, app_namespace, "scale_deployment", name="app", replicas=0
    )
    assert read(kapis, app_namespace)["spec"]["replicas"] == 0
    wait_for(lambda: not ready_pods(kapis, app_namespace, "app=app"), what="no pods")


def test_scale_mentions_the_autoscaler(registry, kctx, kapis, app_namespace):
    run(registry, kctx, kapis, app_namespace, "create_hpa", name="app", max_replicas=5)
    plan, _ = run(
        registry,
        kctx,
        kapis,
        app_namespace,
        "scale_deployment",
        name="app",
        replicas=3,
        execute=False,
    )
    assert "autoscaler app manages its replicas (1..5)" in plan.summary


def test_scale_missing_deployment_is_a_clear_error(registry, kctx, kapis, app_namespace):
    with pytest.raises(ToolError) as info:
        run(registry, kctx, kapis, app_namespace, "scale_deployment", name="nope", replicas=1)
    assert (
        str(info.value)
        == f"deployment 'nope' not found in namespace '{app_namespace}' on cluster 'us-central'"
    )


def test_restart_rolls_the_pods(registry, kctx, kapis, app_namespace):
    old_pods = {p["metadata"]["name"] for p in ready_pods(kapis, app_namespace, "app=app")}
    plan, result = run(registry, kctx, kapis, app_namespace, "restart_deployment", name="app")
    assert "kubectl.kubernetes.io/restartedAt" in plan.diff
    annotations = read(kapis, app_namespace)["spec"]["template"]["metadata"]["annotations"]
    assert annotations["kubectl.kubernetes.io/restartedAt"] == result.data["restarted_at"]

    def rolled():
        pods = {p["metadata"]["name"] for p in ready_pods(kapis, app_namespace, "app=app")}
        return len(pods) == 2 and not pods & old_pods

    wait_for(rolled, timeout_s=15, what="pods replaced")


def test_set_image_then_roll_back(registry, kctx, kapis, app_namespace):
    plan, result = run(
        registry, kctx, kapis, app_namespace, "set_image", name="app", image="nginx:1.27.1"
    )
    assert f"-  image: {APP_IMAGE}\n+  image: nginx:1.27.1" in plan.diff
    assert result.data["from_image"] == APP_IMAGE
    assert container(read(kapis, app_namespace))["image"] == "nginx:1.27.1"
    _, same = run(
        registry, kctx, kapis, app_namespace, "set_image", name="app", image="nginx:1.27.1"
    )
    assert same.data["changed"] is False

    wait_for(
        lambda: (
            read(kapis, app_namespace)["metadata"]["annotations"].get(
                "deployment.kubernetes.io/revision"
            )
            == "2"
        ),
        what="revision 2",
    )
    plan, result = run(registry, kctx, kapis, app_namespace, "rollback_deployment", name="app")
    assert f"-  image: nginx:1.27.1\n+  image: {APP_IMAGE}" in plan.diff
    assert (result.data["from_revision"], result.data["to_revision"]) == (2, 1)
    assert container(read(kapis, app_namespace))["image"] == APP_IMAGE
    template_labels = read(kapis, app_namespace)["spec"]["template"]["metadata"]["labels"]
    assert "pod-template-hash" not in template_labels


def test_rollback_errors_say_what_exists(registry, kctx, kapis, app_namespace):
    with pytest.raises(ToolError, match="no earlier revision to roll back to"):
        run(registry, kctx, kapis, app_namespace, "rollback_deployment", name="app")
    with pytest.raises(ToolError, match=r"revision 7 of deployment 'app' not found; revisions: 1"):
        run(
            registry,
            kctx,
            kapis,
            app_namespace,
            "rollback_deployment",
            name="app",
            revision=7,
        )


def test_rollback_seeded_checkout(registry, private_context, private_sandbox):
    from tools.k8s.clients import get_apis

    kapis = get_apis(private_context, "lab")
    before = container(read(kapis, "prod", "checkout"))["image"]
    plan, result = plan_and_execute(
        registry,
        private_context,
        kapis,
        namespace="prod",
        tool="rollback_deployment",
        args={"name": "checkout", "namespace": "prod"},
    )
    after = container(read(kapis, "prod", "checkout"))["image"]
    assert before != after and f"+  image: {after}" in plan.diff
    assert result.data["to_revision"] < result.data["from_revision"]


def test_set_image_unknown_container(registry, kctx, kapis, app_namespace):
    before = spec_snapshot(kapis, app_namespace)
    with pytest.raises(ToolError, match="has no container 'sidecar'; containers: app"):
        run(
            registry,
            kctx,
            kapis,
            app_namespace,
            "set_image",
            name="app",
            image="x:1",
            container="sidecar",
        )
    assert spec_snapshot(kapis, app_namespace) == before


def test_set_env_sets_and_unsets(registry, kctx, kapis, app_namespace):
    plan, result = run(
        registry,
        kctx,
        kapis,
        app_namespace,
        "set_env",
        name="app",
        set={"LOG_LEVEL": "debug", "WORKERS": "3"},
        unset=["MODE", "ABSENT"],
    )
    assert "+    LOG_LEVEL: debug" in plan.diff and "-    MODE: blue" in plan.diff
    assert "ABSENT not set" in result.summary
    env = {e["name"]: e.get("value") for e in container(read(kapis, app_namespace))["env"]}
    assert env == {"LOG_LEVEL": "debug", "WORKERS": "3"}
    _, again = run(
        registry, kctx, kapis, app_namespace, "set_env", name="app", set={"WORKERS": "3"}
    )
    assert again.data["changed"] is False


def test_set_resources_merges_and_checks_limits(registry, kctx, kapis, app_namespace):
    plan, _ = run(
        registry,
        kctx,
        kapis,
        app_namespace,
        "set_resources",
        name="app",
        memory_request="1Gi",
        memory_limit="2Gi",
        cpu_limit="1",
    )
    assert "+      memory: 2Gi" in plan.diff
    resources = container(read(kapis, app_namespace))["resources"]
    assert quantities_equal(resources["requests"]["memory"], "1Gi")
    assert quantities_equal(resources["limits"]["memory"], "2Gi")
    assert resources["requests"]["cpu"] == "100m" and resources["limits"]["cpu"] == "1"
    before = spec_snapshot(kapis, app_namespace)
    with pytest.raises(ToolError, match="memory request 4Gi would exceed the memory limit 2Gi"):
        run(
            registry,
            kctx,
            kapis,
            app_namespace,
            "set_resources",
            name="app",
            memory_request="4Gi",
        )
    assert spec_snapshot(kapis, app_namespace) == before
    _, same = run(
        registry,
        kctx,
        kapis,
        app_namespace,
        "set_resources",
        name="app",
        memory_limit="2048Mi",
    )
    assert same.data["changed"] is False
