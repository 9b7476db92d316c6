"""Helpers shared by the sandbox tests (import as `sandbox_helpers`)."""

from __future__ import annotations

import time
from collections.abc import Callable
from pathlib import Path

from kubernetes import client, config

from tools.k8s.sandbox import SandboxServer

POD_DELAY_S = 0.2


class Clients:
    """The official client's APIs bound to one sandbox."""

    def __init__(self, server: SandboxServer, kubeconfig: Path) -> None:
        self.server = server
        self.kubeconfig = kubeconfig
        self.api = config.new_client_from_config(str(kubeconfig))
        self.core = client.CoreV1Api(self.api)
        self.apps = client.AppsV1Api(self.api)
        self.autoscaling = client.AutoscalingV2Api(self.api)


def wait_for(check: Callable[[], object], *, timeout: float = 10.0, every: float = 0.05):
    """Poll `check` until it returns something truthy; fail after `timeout` seconds."""
    deadline = time.monotonic() + timeout
    while True:
        result = check()
        if result:
            return result
        if time.monotonic() > deadline:
            raise AssertionError(f"condition not met within {timeout}s: {check}")
        time.sleep(every)


def deployment(
    name: str, image: str = "nginx:1.25", *, replicas: int = 1, **container: object
) -> dict:
    """A minimal Deployment body labelled app=NAME."""
    return {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": name, "labels": {"app": name}},
        "spec": {
            "replicas": replicas,
            "selector": {"matchLabels": {"app": name}},
            "template": {
                "metadata": {"labels": {"app": name}},
                "spec": {"containers": [{"name": name, "image": image, **container}]},
            },
        },
    }


def raw_request(
    clients: Clients,
    method: str,
    path: str,
    body: object = None,
    *,
    content_type: str = "application/json",
    accept: str = "application/json",
) -> tuple[int, dict[str, str], bytes]:
    """One HTTP call with no client-side checks (to send what the typed client refuses)."""
    import json
    import urllib.error
    import urllib.request

    data = None if body is None else json.dumps(body).encode()
    request = urllib.request.Request(
        clients.server.url + path,
        data=data,
        method=method,
        headers={"Content-Type": content_type, "Accept": accept},
    )
    try:
        with urllib.request.urlopen(request, timeout=10) as response:
            return response.status, dict(response.headers), response.read()
    except urllib.error.HTTPError as exc:
        return exc.code, dict(exc.headers), exc.read()
