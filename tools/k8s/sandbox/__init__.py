"""A Kubernetes API server in a thread, for the demo and the tests (see server.py)."""

from tools.k8s.sandbox.server import SandboxServer

__all__ = ["SandboxServer"]
