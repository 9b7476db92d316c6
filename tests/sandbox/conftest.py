"""Fixtures for the sandbox conformance tests: servers, official clients, kubectl."""

from __future__ import annotations

import itertools
import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from sandbox_helpers import POD_DELAY_S, Clients

from tools.k8s.sandbox import SandboxServer

_names = itertools.count(1)


def _clients(server: SandboxServer, folder: Path) -> Clients:
    return Clients(server, server.write_kubeconfig(folder / "kubeconfig.yaml", context="sandbox"))


@pytest.fixture(scope="module")
def empty(tmp_path_factory) -> Iterator[Clients]:
    """A cluster with only the base objects (system namespaces, one node), per module."""
    with SandboxServer(seed=None, pod_ready_delay_s=POD_DELAY_S) as server:
        yield _clients(server, tmp_path_factory.mktemp("empty"))


@pytest.fixture(scope="session")
def demo(tmp_path_factory) -> Iterator[Clients]:
    """The seeded demo cluster for this directory (only prod/checkout gets changed)."""
    with SandboxServer(seed="demo", pod_ready_delay_s=POD_DELAY_S) as server:
        yield _clients(server, tmp_path_factory.mktemp("demo"))


@pytest.fixture(scope="module")
def kubectl_demo(tmp_path_factory) -> Iterator[Clients]:
    """A demo cluster of its own for the kubectl tests (they scale, drain, roll back)."""
    with SandboxServer(seed="demo", pod_ready_delay_s=POD_DELAY_S) as server:
        yield _clients(server, tmp_path_factory.mktemp("kubectl"))


@pytest.fixture()
def namespace(empty: Clients) -> str:
    """A fresh namespace in the module's empty cluster."""
    name = f"t{next(_names)}"
    empty.core.create_namespace({"metadata": {"name": name}})
    return name


@pytest.fixture(scope="session")
def kubectl() -> str:
    """kubectl to drive the sandbox with: $CHATOPS_KUBECTL or the one on PATH."""
    found = os.environ.get("CHATOPS_KUBECTL") or shutil.which("kubectl")
    if not found:
        pytest.skip("kubectl is not installed (apt-get install kubernetes-client)")
    return found
