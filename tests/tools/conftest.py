"""Fixtures for the Kubernetes tool tests: a fresh app per test, a private cluster for
tests that change shared objects (nodes, seeded workloads), and state snapshots.

The session `sandbox` (tests/conftest.py) is shared with other areas, so tests here only
change objects in namespaces they create; anything else runs on `private_context`.

Tests written against `kctx`/`kapis` run on the sandbox and, when CHATOPS_REAL_KUBECONFIG
names a real cluster's kubeconfig (CHATOPS_REAL_CONTEXT picks a context, default the
current one), on that cluster too: the same tests, marked `real_cluster`.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from k8s_flow import create_app, ready_pods, unique, wait_for

from tools.context import ToolContext
from tools.k8s.clients import KubeApis, get_apis
from tools.k8s.sandbox import SandboxServer
from tools.registry import ToolRegistry
from tools.settings import ClusterSettings, ToolSettings


@pytest.fixture(scope="session")
def registry() -> ToolRegistry:
    return ToolRegistry()


@pytest.fixture()
def apis(tool_context: ToolContext) -> KubeApis:
    """Raw typed APIs of the default cluster, to check what the tools did."""
    return get_apis(tool_context, "us-central")


def real_cluster_context() -> ToolContext:
    """A context whose alias us-central is the real cluster from the environment."""
    from kubernetes.config import list_kube_config_contexts

    kubeconfig = os.environ["CHATOPS_REAL_KUBECONFIG"]
    context = os.environ.get("CHATOPS_REAL_CONTEXT")
    if context is None:
        _, current = list_kube_config_contexts(config_file=kubeconfig)
        context = current["name"]
    cluster = ClusterSettings(context=context, kubeconfig=kubeconfig)
    return ToolContext(
        settings=ToolSettings(clusters={"us-central": cluster}, default_cluster="us-central")
    )


@pytest.fixture(params=["sandbox", pytest.param("real", marks=pytest.mark.real_cluster)])
def kctx(request) -> ToolContext:
    """Where portable tool tests run: the sandbox, and a real cluster when configured."""
    if request.param == "real":
        return real_cluster_context()
    return request.getfixturevalue("tool_context")


@pytest.fixture()
def kapis(kctx: ToolContext) -> KubeApis:
    """Raw typed APIs of `kctx`'s default cluster."""
    return get_apis(kctx, "us-central")


@pytest.fixture()
def app_namespace(kapis: KubeApis) -> Iterator[str]:
    """A fresh namespace on us-central holding deployment + service `app`, pods ready."""
    namespace = unique("t")
    kapis.core.create_namespace({"metadata": {"name": namespace}})
    create_app(kapis, namespace=namespace)
    wait_for(lambda: len(ready_pods(kapis, namespace, "app=app")) == 2, what="app pods ready")
    yield namespace
    kapis.core.delete_namespace(namespace)


@pytest.fixture(scope="module")
def private_sandbox() -> Iterator[SandboxServer]:
    """A demo cluster of this module's own: its nodes and seeded workloads may be changed."""
    with SandboxServer(seed="demo", pod_ready_delay_s=0.1) as server:
        yield server


@pytest.fixture()
def private_context(private_sandbox: SandboxServer, tmp_path) -> ToolContext:
    kubeconfig = private_sandbox.write_kubeconfig(tmp_path / "private.yaml", context="private")
    settings = ToolSettings(
        clusters={
            "lab": ClusterSettings(context="private", kubeconfig=str(kubeconfig)),
            "lab-prod": ClusterSettings(
                context="private", kubeconfig=str(kubeconfig), production=True
            ),
        },
        default_cluster="lab",
    )
    return ToolContext(settings=settings)
