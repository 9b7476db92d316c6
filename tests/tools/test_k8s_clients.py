"""Clients per cluster alias, and API failures mapped to permanent/temporary tool errors.

A small HTTP server on an ephemeral port plays an API server that answers with chosen
Kubernetes Status errors; the official client talks to it over a real socket.
"""

from __future__ import annotations

import json
import socket
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import yaml

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.k8s import clients
from tools.k8s.clients import AlreadyExists, NotFound, ObjectRef, call, call_or_none, get_apis
from tools.settings import ClusterSettings, ToolSettings


class ScriptedApi(BaseHTTPRequestHandler):
    """Answers every request with the server's current (status, body, headers, delay)."""

    def do_GET(self) -> None:  # noqa: N802 - http.server naming
        status, body, headers, delay = self.server.answer  # type: ignore[attr-defined]
        self.server.paths.append(self.path)  # type: ignore[attr-defined]
        time.sleep(delay)
        payload = json.dumps(body).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        for key, value in headers.items():
            self.send_header(key, value)
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args) -> None:
        pass


@pytest.fixture()
def api_server():
    server = ThreadingHTTPServer(("127.0.0.1", 0), ScriptedApi)
    server.answer = (200, {}, {}, 0.0)
    server.paths = []
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def write_kubeconfig(path: Path, url: str, context: str = "test") -> Path:
    config = {
        "apiVersion": "v1",
        "kind": "Config",
        "clusters": [{"name": "c", "cluster": {"server": url}}],
        "users": [{"name": "u", "user": {"token": "t"}}],
        "contexts": [{"name": context, "context": {"cluster": "c", "user": "u"}}],
        "current-context": context,
    }
    path.write_text(yaml.safe_dump(config))
    return path


@pytest.fixture()
def ctx(api_server, tmp_path) -> ToolContext:
    url = f"http://127.0.0.1:{api_server.server_address[1]}"
    kubeconfig = write_kubeconfig(tmp_path / "kube.yaml", url)
    settings = ToolSettings(
        clusters={"lab": ClusterSettings(context="test", kubeconfig=str(kubeconfig))},
        default_cluster="lab",
    )
    return ToolContext(settings=settings)


def status(code: int, reason: str, message: str, details: dict | None = None) -> dict:
    body = {
        "kind": "Status",
        "apiVersion": "v1",
        "status": "Failure",
        "code": code,
        "reason": reason,
    }
    body["message"] = message
    if details:
        body["details"] = details
    return body


def read_web(ctx: ToolContext):
    apis = get_apis(ctx, "lab")
    ref = ObjectRef("deployment", "lab", "web", "staging")
    return call(apis.apps.read_namespaced_deployment, "web", "staging", ref=ref)


def test_client_is_built_once_per_alias(ctx, api_server):
    assert get_apis(ctx, "lab").api_client is get_apis(ctx, None).api_client
    deployment = {
        "apiVersion": "apps/v1",
        "kind": "Deployment",
        "metadata": {"name": "web", "namespace": "staging"},
        "spec": {
            "selector": {"matchLabels": {"app": "web"}},
            "template": {"spec": {"containers": [{"name": "web", "image": "nginx"}]}},
        },
    }
    api_server.answer = (200, deployment, {}, 0.0)
    assert read_web(ctx).metadata.name == "web"
    assert api_server.paths == ["/apis/apps/v1/namespaces/staging/deployments/web"]


def test_not_found_names_object_namespace_and_cluster(ctx, api_server):
    api_server.answer = (404, status(404, "NotFound", 'deployments.apps "web" not found'), {}, 0.0)
    with pytest.raises(NotFound) as info:
        read_web(ctx)
    assert str(info.value) == "deployment 'web' not found in namespace 'staging' on cluster 'lab'"
    apis = get_apis(ctx, "lab")
    ref = ObjectRef("deployment", "lab", "web", "staging")
    assert call_or_none(apis.apps.read_namespaced_deployment, "web", "staging", ref=ref) is None


def test_missing_namespace_is_reported_as_such(ctx, api_server):
    body = status(
        404, "NotFound", 'namespaces "staging" not found', {"name": "staging", "kind": "namespaces"}
    )
    api_server.answer = (404, body, {}, 0.0)
    with pytest.raises(NotFound, match="namespace 'staging' not found on cluster 'lab'"):
        read_web(ctx)
    apis = get_apis(ctx, "lab")
    ref = ObjectRef("deployment", "lab", "web", "staging")
    with pytest.raises(NotFound):  # a missing namespace is not "the object is absent"
        call_or_none(apis.apps.read_namespaced_deployment, "web", "staging", ref=ref)


@pytest.mark.parametrize(
    ("code", "reason", "error", "fragment"),
    [
        (
            409,
            "AlreadyExists",
            AlreadyExists,
            "deployment 'web' in namespace 'staging' on cluster 'lab' already exists",
        ),
        (409, "Conflict", ToolError, "changed by someone else"),
        (422, "Invalid", ToolError, "spec.replicas: Invalid value: -1"),
        (403, "Forbidden", ToolError, "Not allowed on cluster 'lab'"),
        (400, "BadRequest", ToolError, "refused the request"),
    ],
)
def test_permanent_errors(ctx, api_server, code, reason, error, fragment):
    api_server.answer = (code, status(code, reason, "spec.replicas: Invalid value: -1"), {}, 0.0)
    with pytest.raises(error) as info:
        read_web(ctx)
    assert fragment in str(info.value)
    assert not isinstance(info.value, TemporaryToolError)


@pytest.mark.parametrize("code", [500, 503, 429])
def test_server_trouble_is_temporary(ctx, api_server, code):
    api_server.answer = (
        code,
        status(code, "ServiceUnavailable", "etcd is sad"),
        {"Retry-After": "7"},
        0.0,
    )
    with pytest.raises(TemporaryToolError) as info:
        read_web(ctx)
    assert "etcd is sad" in str(info.value)
    assert info.value.retry_after_s == 7.0


def test_refused_connection_is_temporary(tmp_path):
    with socket.socket() as probe:  # a port that nothing listens on
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    kubeconfig = write_kubeconfig(tmp_path / "kube.yaml", f"http://127.0.0.1:{port}")
    ctx = ToolContext(
        settings=ToolSettings(
            clusters={"lab": ClusterSettings(context="test", kubeconfig=str(kubeconfig))}
        )
    )
    with pytest.raises(TemporaryToolError, match="Cluster 'lab' is unreachable"):
        read_web(ctx)


def test_slow_server_times_out_as_temporary(ctx, api_server, monkeypatch):
    monkeypatch.setattr(clients, "REQUEST_TIMEOUT_S", (1.0, 0.3))
    api_server.answer = (200, {}, {}, 1.5)
    with pytest.raises(TemporaryToolError, match="unreachable"):
        read_web(ctx)


def test_malformed_answer_is_a_clear_error(ctx, api_server):
    api_server.answer = (200, {"metadata": {"name": "web"}}, {}, 0.0)
    with pytest.raises(ToolError, match="could not use the answer of cluster 'lab'.*spec"):
        read_web(ctx)


def test_bad_kubeconfig_is_a_clear_error(tmp_path):
    missing = ToolContext(
        settings=ToolSettings(
            clusters={
                "lab": ClusterSettings(context="test", kubeconfig=str(tmp_path / "absent.yaml"))
            }
        )
    )
    with pytest.raises(ToolError, match="Cannot load context 'test' for cluster 'lab'"):
        get_apis(missing, "lab")
    kubeconfig = write_kubeconfig(tmp_path / "kube.yaml", "http://127.0.0.1:1")
    wrong_context = ToolContext(
        settings=ToolSettings(
            clusters={"lab": ClusterSettings(context="other", kubeconfig=str(kubeconfig))}
        )
    )
    with pytest.raises(ToolError, match="Cannot load context 'other'"):
        get_apis(wrong_context, "lab")


def test_unknown_alias_is_a_clear_error(ctx):
    with pytest.raises(ToolError, match="Unknown cluster 'mars'. Known clusters: lab"):
        get_apis(ctx, "mars")
