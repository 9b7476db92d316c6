"""Wiring: cluster aliases pick the right cluster, defaults, LangChain export, and bad
arguments that never reach an API server."""

from __future__ import annotations

import socket
import threading

import pytest
from k8s_flow import spec_snapshot, unique
from pydantic import ValidationError

from tools.base import ToolError
from tools.context import ToolContext
from tools.k8s.clients import get_apis
from tools.registry import InvalidCall
from tools.settings import ClusterSettings, ToolSettings


def test_eu_west_lands_on_the_second_cluster(registry, tool_context):
    namespace = unique("eu")
    for tool, args in (
        ("create_namespace", {"name": namespace, "cluster": "eu-west"}),
        (
            "deploy_app",
            {"name": "edge", "image": "nginx:1.27", "namespace": namespace, "cluster": "eu-west"},
        ),
    ):
        call = registry.parse_call({"tool": tool, "args": args})
        assert registry.get(tool).target(call.args, tool_context).scope == "eu-west"
        registry.get(tool).execute(call.args, tool_context)
    eu, us = get_apis(tool_context, "eu-west"), get_apis(tool_context, "us-central")
    assert eu.api_client is not us.api_client
    assert (
        eu.apps.read_namespaced_deployment("edge", namespace).spec.template.spec.containers[0].image
        == "nginx:1.27"
    )
    assert namespace not in {n.metadata.name for n in us.core.list_namespace().items}
    listed = registry.get("list_deployments").execute(
        registry.parse_call(
            {"tool": "list_deployments", "args": {"cluster": "eu-west", "namespace": namespace}}
        ).args,
        tool_context,
    )
    assert [d["name"] for d in listed.data["items"]] == ["edge"] and "on eu-west" in listed.summary
    eu.core.delete_namespace(namespace)


def test_missing_cluster_and_namespace_use_the_defaults(registry, tool_context):
    call = registry.parse_call({"tool": "list_deployments", "args": {}})
    target = registry.get("list_deployments").target(call.args, tool_context)
    assert (target.scope, target.namespace) == ("us-central", "default")
    result = registry.get("list_deployments").execute(call.args, tool_context)
    assert (
        "in default on us-central" in result.summary
        or "No deployments in default on us-central" in result.summary
    )


def test_langchain_tools_plan_by_default(registry, kctx, kapis, app_namespace):
    tools = {tool.name: tool for tool in registry.as_langchain_tools(kctx)}
    assert set(tools) == set(registry.tools)
    scale = tools["scale_deployment"]
    assert scale.description == registry.get("scale_deployment").description
    assert set(scale.args) >= {"name", "replicas", "cluster", "namespace"}
    before = spec_snapshot(kapis, app_namespace)
    planned = scale.invoke({"name": "app", "namespace": app_namespace, "replicas": 3})
    assert "-replicas: 2\n+replicas: 3" in planned["diff"]
    assert spec_snapshot(kapis, app_namespace) == before
    done = scale.func(execute=True, name="app", namespace=app_namespace, replicas=3)
    assert done["data"]["replicas"] == 3
    assert kapis.apps.read_namespaced_deployment("app", app_namespace).spec.replicas == 3
    with pytest.raises(ValidationError):
        scale.invoke({"name": "app", "namespace": app_namespace, "replicas": 1000})


@pytest.fixture()
def listener():
    """A socket that counts connection attempts: where an API server would be."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.1)
    accepted: list[object] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = server.accept()
            except OSError:
                continue
            accepted.append(conn)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], accepted
    stop.set()
    thread.join()
    server.close()


BAD_CALLS = [
    ("scale_deployment", {"name": "web", "replicas": 500}),
    ("deploy_service", {"service": "redis", "memory": "2 gigs"}),
    ("delete_deployment", {"name": "../etc"}),
    ("drain_node", {"node": "node 1; rm"}),
    ("set_env", {"name": "web", "set": {"A": "1\r\n2"}}),
    ("get_pod_logs", {"name": "web", "grep": "x\x00"}),
]


def test_bad_arguments_never_reach_the_api(registry, listener, tmp_path, sandbox, apis):
    port, accepted = listener
    kubeconfig = sandbox.write_kubeconfig(tmp_path / "k.yaml", context="sandbox")
    text = kubeconfig.read_text().replace(sandbox.url, f"http://127.0.0.1:{port}")
    kubeconfig.write_text(text)
    ctx = ToolContext(
        settings=ToolSettings(
            clusters={"x": ClusterSettings(context="sandbox", kubeconfig=str(kubeconfig))}
        )
    )
    langchain = {tool.name: tool for tool in registry.as_langchain_tools(ctx)}
    staging = spec_snapshot(apis, "staging")
    for tool, args in BAD_CALLS:
        with pytest.raises(InvalidCall, match=f"Invalid arguments for {tool}"):
            registry.parse_call({"tool": tool, "args": args})
        with pytest.raises(ValidationError):
            langchain[tool].invoke(args)
    assert accepted == []
    assert spec_snapshot(apis, "staging") == staging
    # The same context with valid arguments does reach the listener (so the check can fail).
    call = registry.parse_call({"tool": "list_nodes", "args": {"cluster": "x"}})
    with pytest.raises(ToolError):
        registry.get("list_nodes").execute(call.args, ctx)
    assert accepted
