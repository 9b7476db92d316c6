"""Discovery: what kubectl and client-go read before any other call."""

from __future__ import annotations

import json
import urllib.request

from kubernetes import client


def _get(url: str) -> dict:
    with urllib.request.urlopen(url, timeout=5) as response:
        assert response.headers["Content-Type"] == "application/json"
        return json.loads(response.read())


def test_version_and_core_versions(empty):
    version = client.VersionApi(empty.api).get_code()
    assert (version.major, version.minor) == ("1", "30")
    core = client.CoreApi(empty.api).get_api_versions()
    assert core.versions == ["v1"]
    assert core.server_address_by_client_cidrs[0].server_address.endswith(str(empty.server.port))


def test_groups_are_listed_with_preferred_versions(empty):
    groups = client.ApisApi(empty.api).get_api_versions().groups
    preferred = {group.name: group.preferred_version.group_version for group in groups}
    assert preferred == {"apps": "apps/v1", "autoscaling": "autoscaling/v2", "policy": "policy/v1"}
    assert client.AppsApi(empty.api).get_api_group().name == "apps"


def test_core_resources_and_subresources(empty):
    resources = {r.name: r for r in client.CoreV1Api(empty.api).get_api_resources().resources}
    for plural in ("namespaces", "nodes", "pods", "services", "configmaps", "secrets", "events"):
        assert plural in resources
    assert resources["pods"].short_names == ["po"]
    assert resources["nodes"].namespaced is False
    eviction = resources["pods/eviction"]
    assert (eviction.group, eviction.version, eviction.kind) == ("policy", "v1", "Eviction")
    assert resources["pods/log"].verbs == ["get"]


def test_apps_scale_subresource_is_autoscaling_v1_scale(empty):
    resources = {r.name: r for r in empty.apps.get_api_resources().resources}
    scale = resources["deployments/scale"]
    assert (scale.group, scale.version, scale.kind) == ("autoscaling", "v1", "Scale")
    assert "watch" in resources["deployments"].verbs
    assert resources["replicasets"].short_names == ["rs"]


def test_autoscaling_v2_resources(empty):
    resources = {r.name for r in empty.autoscaling.get_api_resources().resources}
    assert resources == {"horizontalpodautoscalers", "horizontalpodautoscalers/status"}


def test_unknown_paths_are_kubernetes_not_found(empty):
    base = empty.server.url
    for path in ("/apis/batch/v1", "/api/v2", "/apis/apps/v1/cronjobs", "/nonsense"):
        try:
            urllib.request.urlopen(base + path, timeout=5)
        except urllib.error.HTTPError as exc:
            status = json.loads(exc.read())
            assert (exc.code, status["kind"], status["reason"]) == (404, "Status", "NotFound")
        else:
            raise AssertionError(f"{path} should be 404")


def test_health_endpoints(empty):
    assert _get(empty.server.url + "/healthz") == {"status": "ok"}
    policy = {r["name"] for r in _get(empty.server.url + "/apis/policy/v1")["resources"]}
    assert policy == {"poddisruptionbudgets", "poddisruptionbudgets/status"}


def test_openapi_v2_lists_patch_operations_with_dry_run(empty):
    document = _get(empty.server.url + "/openapi/v2")
    patch = document["paths"]["/apis/apps/v1/namespaces/{namespace}/deployments/{name}"]["patch"]
    assert patch["x-kubernetes-group-version-kind"] == {
        "group": "apps",
        "kind": "Deployment",
        "version": "v1",
    }
    assert "dryRun" in {parameter["name"] for parameter in patch["parameters"]}
    request = urllib.request.Request(
        empty.server.url + "/openapi/v2",
        headers={"Accept": "application/com.github.proto-openapi.spec.v2@v1.0+protobuf"},
    )
    with urllib.request.urlopen(request, timeout=5) as response:
        body = response.read()
    assert response.headers["Content-Type"] == "application/octet-stream"
    assert body.startswith(b"\n\x032.0") and b"x-kubernetes-group-version-kind" in body
