"""Creating and deleting through the real client against the sandbox: plan changes nothing."""

from __future__ import annotations

import pytest
from k8s_flow import plan_and_execute, ready_pods, spec_snapshot, unique, wait_for

from tools.base import ToolError
from tools.validation import quantities_equal


def container_of(kapis, namespace, name):
    deployment = kapis.to_dict(kapis.apps.read_namespaced_deployment(name, namespace))
    return deployment, deployment["spec"]["template"]["spec"]["containers"][0]


def test_deploy_app_with_everything(registry, kctx, kapis, app_namespace):
    args = {
        "name": "shop",
        "namespace": app_namespace,
        "image": "ghcr.io/acme/shop:1.2.0",
        "replicas": 2,
        "ports": [8080, 9090],
        "env": {"MODE": "prod", "WORKERS": "4"},
        "cpu_request": "0.25",
        "memory_request": "512Mi",
        "memory_limit": "1024Mi",
        "expose": True,
    }
    plan, result = plan_and_execute(
        registry, kctx, kapis, namespace=app_namespace, tool="deploy_app", args=args
    )
    assert "+  image: ghcr.io/acme/shop:1.2.0" in plan.diff
    assert "--- service/shop (current)" in plan.diff
    assert "Deployed shop" in result.summary and app_namespace in result.summary
    deployment, container = container_of(kapis, app_namespace, "shop")
    assert deployment["spec"]["replicas"] == 2
    assert container["image"] == "ghcr.io/acme/shop:1.2.0"
    assert [p["containerPort"] for p in container["ports"]] == [8080, 9090]
    assert {e["name"]: e["value"] for e in container["env"]} == {"MODE": "prod", "WORKERS": "4"}
    assert container["resources"]["requests"] == {"cpu": "250m", "memory": "512Mi"}
    assert quantities_equal(container["resources"]["limits"]["memory"], "1Gi")
    service = kapis.to_dict(kapis.core.read_namespaced_service("shop", app_namespace))
    assert service["spec"]["selector"] == {"app": "shop"}
    assert sorted(p["port"] for p in service["spec"]["ports"]) == [8080, 9090]
    wait_for(lambda: len(ready_pods(kapis, app_namespace, "app=shop")) == 2, what="shop pods")


def test_deploy_app_refuses_to_overwrite(registry, kctx, kapis, app_namespace):
    call = registry.parse_call(
        {
            "tool": "deploy_app",
            "args": {"name": "app", "namespace": app_namespace, "image": "evil:1"},
        }
    )
    before = spec_snapshot(kapis, app_namespace)
    for method in ("plan", "execute"):
        with pytest.raises(ToolError, match="deployment 'app' already exists"):
            getattr(registry.get("deploy_app"), method)(call.args, kctx)
    assert spec_snapshot(kapis, app_namespace) == before


def test_deploy_into_missing_namespace_names_it(registry, kctx):
    call = registry.parse_call(
        {"tool": "deploy_app", "args": {"name": "x", "namespace": "no-such-ns", "image": "nginx"}}
    )
    with pytest.raises(ToolError, match="namespace 'no-such-ns' not found on cluster 'us-central'"):
        registry.get("deploy_app").plan(call.args, kctx)


def test_deploy_service_redis_memory_lands_as_request_and_limit(
    registry, kctx, kapis, app_namespace
):
    args = {"service": "redis", "namespace": app_namespace, "memory": "2048Mi"}
    plan, result = plan_and_execute(
        registry, kctx, kapis, namespace=app_namespace, tool="deploy_service", args=args
    )
    assert "memory: 2Gi" in plan.diff
    assert result.data["endpoint"] == f"redis.{app_namespace}.svc:6379"
    _, container = container_of(kapis, app_namespace, "redis")
    assert container["image"] == "redis:7.2"
    assert quantities_equal(container["resources"]["requests"]["memory"], "2Gi")
    assert quantities_equal(container["resources"]["limits"]["memory"], "2Gi")
    assert container["resources"]["requests"]["cpu"] == "100m"
    service = kapis.to_dict(kapis.core.read_namespaced_service("redis", app_namespace))
    assert [p["port"] for p in service["spec"]["ports"]] == [6379]


def test_deploy_service_postgres_gets_a_password_secret(registry, kctx, kapis, app_namespace):
    args = {"service": "postgres", "name": "orders-db", "namespace": app_namespace, "version": "15"}
    plan, result = plan_and_execute(
        registry, kctx, kapis, namespace=app_namespace, tool="deploy_service", args=args
    )
    assert "secret/orders-db-credentials" in plan.diff and "password" in plan.diff
    _, container = container_of(kapis, app_namespace, "orders-db")
    assert container["image"] == "postgres:15"
    ref = next(e for e in container["env"] if e["name"] == "POSTGRES_PASSWORD")["valueFrom"]
    assert ref == {"secretKeyRef": {"name": "orders-db-credentials", "key": "password"}}
    secret = kapis.to_dict(
        kapis.core.read_namespaced_secret("orders-db-credentials", app_namespace)
    )
    assert set(secret["data"]) == {"password"}
    assert "password" not in result.summary.lower() or "secret" in result.summary.lower()


def test_create_namespace_then_again(registry, kctx, kapis):
    name = unique("ns")
    plan, result = plan_and_execute(
        registry,
        kctx,
        kapis,
        namespace="default",
        tool="create_namespace",
        args={"name": name},
    )
    assert f"+name: {name}" in plan.diff
    assert result.data["created"] is True
    assert kapis.core.read_namespace(name).metadata.name == name
    _, again = plan_and_execute(
        registry,
        kctx,
        kapis,
        namespace="default",
        tool="create_namespace",
        args={"name": name},
    )
    assert again.data["created"] is False and "already exists" in again.summary
    kapis.core.delete_namespace(name)


def test_create_hpa_then_update(registry, kctx, kapis, app_namespace):
    args = {
        "name": "app",
        "namespace": app_namespace,
        "min_replicas": 2,
        "max_replicas": 6,
        "cpu_percent": 70,
    }
    plan, result = plan_and_execute(
        registry, kctx, kapis, namespace=app_namespace, tool="create_hpa", args=args
    )
    assert "+maxReplicas: 6" in plan.diff and result.data["created"] is True
    hpa = kapis.to_dict(
        kapis.autoscaling.read_namespaced_horizontal_pod_autoscaler("app", app_namespace)
    )
    assert (hpa["spec"]["minReplicas"], hpa["spec"]["maxReplicas"]) == (2, 6)
    assert hpa["spec"]["scaleTargetRef"] == {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "name": "app",
    }
    assert hpa["spec"]["metrics"][0]["resource"]["target"]["averageUtilization"] == 70
    plan, result = plan_and_execute(
        registry,
        kctx,
        kapis,
        namespace=app_namespace,
        tool="create_hpa",
        args={**args, "max_replicas": 9},
    )
    assert "-maxReplicas: 6\n+maxReplicas: 9" in plan.diff and result.data["created"] is False
    hpa = kapis.to_dict(
        kapis.autoscaling.read_namespaced_horizontal_pod_autoscaler("app", app_namespace)
    )
    assert hpa["spec"]["maxReplicas"] == 9


def test_create_hpa_for_missing_deployment(registry, kctx, app_namespace):
    call = registry.parse_call(
        {
            "tool": "create_hpa",
            "args": {"name": "ghost", "namespace": app_namespace, "max_replicas": 3},
        }
    )
    with pytest.raises(
        ToolError, match=f"deployment 'ghost' not found in namespace '{app_namespace}'"
    ):
        registry.get("create_hpa").execute(call.args, kctx)


def test_delete_deployment_and_service(registry, kctx, kapis, app_namespace):
    plan, result = plan_and_execute(
        registry,
        kctx,
        kapis,
        namespace=app_namespace,
        tool="delete_deployment",
        args={"name": "app", "namespace": app_namespace},
    )
    lines = plan.diff.splitlines()
    assert "-  image: nginx:1.25.3" in lines
    assert not [line for line in lines if line.startswith("+") and not line.startswith("+++")]
    assert "Deleted deployment app" in result.summary
    assert kapis.to_dict(kapis.apps.list_namespaced_deployment(app_namespace))["items"] == []
    plan, result = plan_and_execute(
        registry,
        kctx,
        kapis,
        namespace=app_namespace,
        tool="delete_service",
        args={"name": "app", "namespace": app_namespace},
    )
    assert "-name: app" in plan.diff
    assert kapis.to_dict(kapis.core.list_namespaced_service(app_namespace))["items"] == []
    with pytest.raises(ToolError, match=f"service 'app' not found in namespace '{app_namespace}'"):
        plan_and_execute(
            registry,
            kctx,
            kapis,
            namespace=app_namespace,
            tool="delete_service",
            args={"name": "app", "namespace": app_namespace},
        )
