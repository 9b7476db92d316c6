"""Fixtures shared across areas: the Kubernetes sandbox clusters and tool settings."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tools.context import ToolContext
from tools.settings import ClusterSettings, ToolSettings


@pytest.fixture(scope="session")
def sandbox():
    """The demo cluster, served over HTTP for the whole test session."""
    from tools.k8s.sandbox import SandboxServer

    server = SandboxServer(seed="demo", pod_ready_delay_s=0.2).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def second_sandbox():
    """An empty second cluster, for multi-cluster tests."""
    from tools.k8s.sandbox import SandboxServer

    server = SandboxServer(seed=None, pod_ready_delay_s=0.2).start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def kubeconfig(sandbox, second_sandbox, tmp_path_factory) -> Path:
    """A kubeconfig with contexts `sandbox` (demo) and `sandbox-eu` (empty)."""
    folder = tmp_path_factory.mktemp("kube")
    demo = sandbox.write_kubeconfig(folder / "demo.yaml", context="sandbox")
    empty = second_sandbox.write_kubeconfig(folder / "eu.yaml", context="sandbox-eu")
    return Path(demo), Path(empty)


@pytest.fixture(scope="session")
def tool_settings(kubeconfig) -> ToolSettings:
    """Two clusters by alias; us-central is the default. Real cluster when REAL_KUBECONFIG set."""
    demo, empty = kubeconfig
    return ToolSettings(
        clusters={
            "us-central": ClusterSettings(context="sandbox", kubeconfig=str(demo)),
            "eu-west": ClusterSettings(context="sandbox-eu", kubeconfig=str(empty)),
        },
        default_cluster="us-central",
    )


@pytest.fixture()
def tool_context(tool_settings) -> ToolContext:
    return ToolContext(settings=tool_settings)


def pytest_collection_modifyitems(config, items):
    """Tests marked real_cluster run only when KUBECONFIG points at a real cluster."""
    if os.environ.get("CHATOPS_REAL_KUBECONFIG"):
        return
    skip = pytest.mark.skip(reason="set CHATOPS_REAL_KUBECONFIG to run against a real cluster")
    for item in items:
        if "real_cluster" in item.keywords:
            item.add_marker(skip)


def _missing(reason: str) -> None:
    """Skip locally; in CI (CHATOPS_CI=1) a missing prerequisite is a failure."""
    if os.environ.get("CHATOPS_CI"):
        pytest.fail(f"CI prerequisite missing: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="session")
def postgres_url() -> str:
    """SQLAlchemy URL of a PostgreSQL test database (CHATOPS_TEST_POSTGRES_URL)."""
    url = os.environ.get("CHATOPS_TEST_POSTGRES_URL")
    if not url:
        _missing("set CHATOPS_TEST_POSTGRES_URL (see .ci/start-postgres.sh)")
    return url


@pytest.fixture(scope="session")
def kubectl() -> str:
    """Path of a kubectl binary."""
    import shutil

    path = shutil.which("kubectl")
    if not path:
        _missing("kubectl not installed (Debian package kubernetes-client)")
    return path
