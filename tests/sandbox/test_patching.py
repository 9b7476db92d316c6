"""PATCH: strategic merge (containers, env, ports merged by key), merge patch, JSON patch."""

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment

from tools.k8s.sandbox.patching import strategic_merge

MERGE = "application/merge-patch+json"


def _container(empty, namespace, name):
    return empty.apps.read_namespaced_deployment(name, namespace).spec.template.spec.containers


@pytest.fixture()
def two_containers(empty, namespace):
    body = deployment(
        "app",
        "nginx:1.24",
        env=[{"name": "A", "value": "1"}, {"name": "B", "value": "2"}],
        ports=[{"containerPort": 80, "name": "http"}],
    )
    body["spec"]["template"]["spec"]["containers"].append(
        {"name": "sidecar", "image": "busybox:1.36"}
    )
    empty.apps.create_namespaced_deployment(namespace, body)
    return namespace


def test_strategic_merge_merges_containers_by_name(empty, two_containers):
    patch = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "sidecar", "image": "busybox:1.37"}]}}
        }
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    app, sidecar = _container(empty, two_containers, "app")
    assert (app.image, sidecar.image) == ("nginx:1.24", "busybox:1.37")
    assert [e.name for e in app.env] == ["A", "B"]


def test_strategic_merge_env_by_name_and_delete(empty, two_containers):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "env": [
                                {"name": "B", "value": "20"},
                                {"name": "C", "value": "3"},
                                {"name": "A", "$patch": "delete"},
                            ],
                        }
                    ]
                }
            }
        }
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    env = {e.name: e.value for e in _container(empty, two_containers, "app")[0].env}
    assert env == {"B": "20", "C": "3"}


def test_strategic_merge_ports_by_container_port(empty, two_containers):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "ports": [
                                {"containerPort": 80, "name": "web"},
                                {"containerPort": 9090},
                            ],
                        }
                    ]
                }
            }
        }
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    ports = _container(empty, two_containers, "app")[0].ports
    assert [(p.container_port, p.name, p.protocol) for p in ports] == [
        (80, "web", "TCP"),
        (9090, None, "TCP"),
    ]


def test_strategic_merge_resources_and_null_deletes(empty, two_containers):
    patch = {
        "spec": {
            "template": {
                "spec": {
                    "containers": [
                        {
                            "name": "app",
                            "resources": {
                                "requests": {"memory": "2Gi"},
                                "limits": {"memory": "2Gi"},
                            },
                        }
                    ]
                }
            }
        }
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    resources = _container(empty, two_containers, "app")[0].resources
    assert resources.requests == {"memory": "2Gi"} and resources.limits == {"memory": "2Gi"}
    unset = {
        "spec": {
            "template": {"spec": {"containers": [{"name": "app", "resources": {"limits": None}}]}}
        }
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, unset)
    resources = _container(empty, two_containers, "app")[0].resources
    assert resources.limits is None and resources.requests == {"memory": "2Gi"}


def test_json_merge_patch_replaces_lists(empty, two_containers):
    patch = {
        "metadata": {"labels": {"team": "a"}},
        "spec": {"template": {"spec": {"containers": [{"name": "solo", "image": "redis:7"}]}}},
    }
    empty.apps.patch_namespaced_deployment("app", two_containers, patch, _content_type=MERGE)
    shown = empty.apps.read_namespaced_deployment("app", two_containers)
    assert [c.name for c in shown.spec.template.spec.containers] == ["solo"]
    assert shown.metadata.labels == {"app": "app", "team": "a"}
    empty.apps.patch_namespaced_deployment(
        "app", two_containers, {"metadata": {"labels": {"team": None}}}, _content_type=MERGE
    )
    assert empty.apps.read_namespaced_deployment("app", two_containers).metadata.labels == {
        "app": "app"
    }


def test_json_patch_operations_and_failure(empty, two_containers):
    ops = [
        {"op": "replace", "path": "/spec/replicas", "value": 2},
        {"op": "add", "path": "/metadata/annotations", "value": {"owner": "team-a"}},
        {"op": "test", "path": "/spec/template/spec/containers/0/name", "value": "app"},
    ]
    patched = empty.apps.patch_namespaced_deployment("app", two_containers, ops)
    assert patched.spec.replicas == 2 and patched.metadata.annotations["owner"] == "team-a"
    with pytest.raises(ApiException) as caught:
        empty.apps.patch_namespaced_deployment(
            "app", two_containers, [{"op": "test", "path": "/spec/replicas", "value": 5}]
        )
    assert caught.value.status == 422
    assert empty.apps.read_namespaced_deployment("app", two_containers).spec.replicas == 2


def test_patch_with_stale_resource_version_conflicts(empty, two_containers):
    patch = {"metadata": {"resourceVersion": "1"}, "spec": {"replicas": 3}}
    with pytest.raises(ApiException) as caught:
        empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    assert caught.value.status == 409


def test_patch_that_breaks_validation_is_422_and_changes_nothing(empty, two_containers):
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "app", "image": ""}]}}}}
    with pytest.raises(ApiException) as caught:
        empty.apps.patch_namespaced_deployment("app", two_containers, patch)
    message = json.loads(caught.value.body)["message"]
    assert "spec.template.spec.containers[0].image: Required value" in message
    assert _container(empty, two_containers, "app")[0].image == "nginx:1.24"


def test_server_side_apply_creates_then_merges(empty, namespace):
    body = deployment("applied")
    created = empty.apps.patch_namespaced_deployment(
        "applied",
        namespace,
        body,
        field_manager="tests",
        _content_type="application/apply-patch+yaml",
    )
    assert created.metadata.name == "applied"
    body["spec"]["replicas"] = 2
    updated = empty.apps.patch_namespaced_deployment(
        "applied",
        namespace,
        body,
        field_manager="tests",
        _content_type="application/apply-patch+yaml",
    )
    assert updated.spec.replicas == 2


def test_strategic_merge_directives_directly():
    original = {
        "spec": {
            "containers": [{"name": "a", "image": "x"}, {"name": "b", "image": "y"}],
            "finalizers": ["one"],
        }
    }
    patch = {
        "spec": {
            "$setElementOrder/containers": [{"name": "b"}, {"name": "a"}],
            "containers": [{"name": "a", "image": "z"}],
            "finalizers": ["two"],
        }
    }
    merged = strategic_merge(original, patch)
    assert merged["spec"]["containers"] == [
        {"name": "b", "image": "y"},
        {"name": "a", "image": "z"},
    ]
    assert merged["spec"]["finalizers"] == ["one", "two"]
    replaced = strategic_merge(
        original, {"spec": {"containers": [{"$patch": "replace"}, {"name": "c"}]}}
    )
    assert replaced["spec"]["containers"] == [{"name": "c"}]
    assert original["spec"]["containers"][0]["image"] == "x"  # input untouched
