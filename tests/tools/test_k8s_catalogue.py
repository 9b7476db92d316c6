"""The Kubernetes tool catalogue is exactly the fixed one, and its schema is grammar-ready."""

from __future__ import annotations

from typing import Any

import pytest

from tools.base import Risk
from tools.registry import ToolRegistry

COMMON = {"cluster", "namespace"}
CATALOGUE: dict[str, tuple[set[str], Risk]] = {
    "list_deployments": (COMMON | {"all_namespaces"}, Risk.READ),
    "describe_deployment": (COMMON | {"name"}, Risk.READ),
    "list_pods": (COMMON | {"deployment", "all_namespaces"}, Risk.READ),
    "describe_pod": (COMMON | {"name"}, Risk.READ),
    "get_events": (COMMON | {"name", "limit"}, Risk.READ),
    "get_pod_logs": (COMMON | {"name", "container", "tail_lines", "grep", "previous"}, Risk.READ),
    "list_nodes": ({"cluster"}, Risk.READ),
    "deploy_app": (
        COMMON
        | {"name", "image", "replicas", "ports", "env", "expose"}
        | {"cpu_request", "cpu_limit", "memory_request", "memory_limit"},
        Risk.WRITE,
    ),
    "deploy_service": (
        COMMON | {"service", "name", "memory", "cpu", "replicas", "version"},
        Risk.WRITE,
    ),
    "scale_deployment": (COMMON | {"name", "replicas"}, Risk.WRITE),
    "restart_deployment": (COMMON | {"name"}, Risk.WRITE),
    "rollback_deployment": (COMMON | {"name", "revision"}, Risk.WRITE),
    "set_image": (COMMON | {"name", "image", "container"}, Risk.WRITE),
    "set_env": (COMMON | {"name", "set", "unset"}, Risk.WRITE),
    "set_resources": (
        COMMON
        | {"name", "container", "cpu_request", "cpu_limit", "memory_request", "memory_limit"},
        Risk.WRITE,
    ),
    "create_hpa": (COMMON | {"name", "min_replicas", "max_replicas", "cpu_percent"}, Risk.WRITE),
    "create_namespace": ({"cluster", "name"}, Risk.WRITE),
    "delete_deployment": (COMMON | {"name"}, Risk.WRITE),
    "delete_service": (COMMON | {"name"}, Risk.WRITE),
    "cordon_node": ({"cluster", "node"}, Risk.WRITE),
    "uncordon_node": ({"cluster", "node"}, Risk.WRITE),
    "drain_node": ({"cluster", "node"}, Risk.DESTRUCTIVE),
}
# Names of existing deployments come from the live list; new names do not.
LIVE_DEPLOYMENT_NAME = {
    "describe_deployment",
    "scale_deployment",
    "restart_deployment",
    "rollback_deployment",
    "set_image",
    "set_env",
    "set_resources",
    "create_hpa",
    "delete_deployment",
}

REGISTRY = ToolRegistry()


def walk(node: Any, path: str = ""):
    """Every schema node with its path."""
    if isinstance(node, dict):
        yield path, node
        for key, value in node.items():
            yield from walk(value, f"{path}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk(value, f"{path}/{index}")


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_tool_matches_the_fixed_catalogue(name):
    tool = REGISTRY.get(name)
    fields, risk = CATALOGUE[name]
    assert set(tool.Args.model_fields) == fields
    assert tool.base_risk == risk
    assert len(tool.examples) >= 3
    assert tool.description and "\n" not in tool.description and len(tool.description) <= 100
    for field_name, field in tool.Args.model_fields.items():
        assert field.description, f"{name}.{field_name} has no docstring"


def test_every_string_has_a_pattern_or_enum_and_every_number_bounds():
    schema = REGISTRY.call_schema()
    problems = []
    for path, node in walk(schema):
        kind = node.get("type")
        if kind == "string" and not ({"pattern", "enum", "const"} & set(node)):
            problems.append(path)
        if kind == "integer" and not {"minimum", "maximum"} <= set(node):
            problems.append(path)
        if kind == "array" and "maxItems" not in node:
            problems.append(path)
        if kind == "object" and "patternProperties" in node and "maxProperties" not in node:
            problems.append(path)
        if "const" in node and path.endswith("/tool"):
            continue
    assert problems == []


@pytest.mark.parametrize("name", sorted(CATALOGUE))
def test_live_fields_are_marked(name):
    properties = REGISTRY.args_model(name).model_json_schema()["properties"]
    assert properties["cluster"]["x-live"] == "cluster"
    if "namespace" in properties:
        assert properties["namespace"]["x-live"] == "namespace"
    marked = properties.get("name", {}).get("x-live")
    # an existing deployment comes from the cluster; any other name (a pod, a new
    # deployment or namespace, a Service) must be typed by the user
    expected = "deployment" if name in LIVE_DEPLOYMENT_NAME else "mentioned"
    assert marked == (expected if "name" in properties else None)


def args_branch(schema: dict[str, Any], name: str) -> dict[str, Any]:
    for branch in schema["anyOf"]:
        if branch["properties"]["tool"]["const"] == name:
            return branch["properties"]["args"]
    raise AssertionError(name)


def test_live_enums_replace_patterns_per_request():
    live = {
        "cluster": ["us-central", "eu-west"],
        "namespace": ["staging", "prod"],
        "deployment": ["web", "api"],
    }
    schema = REGISTRY.call_schema(live=live)
    scale = args_branch(schema, "scale_deployment")["properties"]
    assert scale["name"]["enum"] == ["api", "web"]
    assert "pattern" not in scale["name"]
    clusters = [b for b in scale["cluster"]["anyOf"] if b.get("type") == "string"]
    assert clusters == [{"type": "string", "enum": ["eu-west", "us-central"]}]
    namespaces = [b for b in scale["namespace"]["anyOf"] if b.get("type") == "string"]
    assert namespaces == [{"type": "string", "enum": ["prod", "staging"]}]
    deploy = args_branch(schema, "deploy_app")["properties"]
    assert "enum" not in deploy["name"] and "pattern" in deploy["name"]
    assert not any("x-live" in node for _, node in walk(schema))


def test_schema_hash_is_stable():
    assert ToolRegistry().schema_hash() == REGISTRY.schema_hash()
