"""Risk is decided by code from validated arguments and cluster settings (fail closed)."""

from __future__ import annotations

import pytest

from tools.base import Risk
from tools.context import ToolContext
from tools.registry import ToolRegistry
from tools.settings import ClusterSettings, ToolSettings

REGISTRY = ToolRegistry()


@pytest.fixture()
def ctx() -> ToolContext:
    # No cluster is contacted: risk needs settings only.
    return ToolContext(
        settings=ToolSettings(
            clusters={
                "dev": ClusterSettings(context="dev"),
                "live": ClusterSettings(context="live", production=True),
                "shared": ClusterSettings(context="shared", production_namespaces=["payments"]),
            },
            default_cluster="dev",
        )
    )


def risk_of(ctx, tool, **args):
    return REGISTRY.risk(REGISTRY.parse_call({"tool": tool, "args": args}), ctx)


@pytest.mark.parametrize(
    ("tool", "args", "expected"),
    [
        ("scale_deployment", {"name": "web", "replicas": 0}, Risk.DESTRUCTIVE),
        ("scale_deployment", {"name": "web", "replicas": 1}, Risk.WRITE),
        (
            "scale_deployment",
            {"name": "web", "replicas": 0, "namespace": "staging"},
            Risk.DESTRUCTIVE,
        ),
        ("delete_deployment", {"name": "web", "namespace": "staging"}, Risk.WRITE),
        ("delete_deployment", {"name": "web", "namespace": "prod"}, Risk.DESTRUCTIVE),
        ("delete_deployment", {"name": "web", "namespace": "production"}, Risk.DESTRUCTIVE),
        ("delete_deployment", {"name": "web", "cluster": "live"}, Risk.DESTRUCTIVE),
        (
            "delete_deployment",
            {"name": "web", "cluster": "shared", "namespace": "payments"},
            Risk.DESTRUCTIVE,
        ),
        (
            "delete_deployment",
            {"name": "web", "cluster": "shared", "namespace": "prod"},
            Risk.WRITE,
        ),
        ("delete_service", {"name": "web", "namespace": "prod"}, Risk.DESTRUCTIVE),
        ("delete_service", {"name": "web"}, Risk.WRITE),
        ("cordon_node", {"node": "node-1"}, Risk.WRITE),
        ("cordon_node", {"node": "node-1", "cluster": "live"}, Risk.DESTRUCTIVE),
        ("uncordon_node", {"node": "node-1", "cluster": "live"}, Risk.DESTRUCTIVE),
        ("uncordon_node", {"node": "node-1"}, Risk.WRITE),
        ("drain_node", {"node": "node-1"}, Risk.DESTRUCTIVE),
        ("list_deployments", {"cluster": "live"}, Risk.READ),
        ("get_pod_logs", {"name": "web", "namespace": "prod"}, Risk.READ),
        ("deploy_service", {"service": "redis", "namespace": "prod"}, Risk.WRITE),
        ("set_image", {"name": "web", "image": "nginx:1.27"}, Risk.WRITE),
    ],
)
def test_risk_from_arguments(ctx, tool, args, expected):
    assert risk_of(ctx, tool, **args) == expected


def test_default_namespace_is_not_production_unless_listed(ctx):
    settings = ctx.settings.model_copy(
        update={
            "clusters": {"dev": ClusterSettings(context="dev", production_namespaces=["default"])}
        }
    )
    strict = ToolContext(settings=settings)
    assert risk_of(strict, "delete_deployment", name="web") == Risk.DESTRUCTIVE
    assert risk_of(ctx, "delete_deployment", name="web") == Risk.WRITE


def test_unknown_cluster_fails_closed(ctx):
    assert risk_of(ctx, "delete_deployment", name="web", cluster="nowhere") == Risk.DESTRUCTIVE
    assert risk_of(ctx, "cordon_node", node="node-1", cluster="nowhere") == Risk.DESTRUCTIVE


@pytest.mark.parametrize(
    ("tool", "args", "namespace"),
    [
        ("scale_deployment", {"name": "web", "replicas": 2}, "default"),
        ("scale_deployment", {"name": "web", "replicas": 2, "namespace": "prod"}, "prod"),
        ("list_deployments", {"all_namespaces": True}, None),
        ("list_nodes", {}, None),
        ("create_namespace", {"name": "team-a"}, "team-a"),
    ],
)
def test_target_resolves_defaults(ctx, tool, args, namespace):
    call = REGISTRY.parse_call({"tool": tool, "args": args})
    target = REGISTRY.get(tool).target(call.args, ctx)
    assert target.kind == "kubernetes"
    assert target.scope == "dev"
    assert target.namespace == namespace
