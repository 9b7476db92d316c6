"""Server-side dry run (dryRun=All): admitted and answered, never persisted."""

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment, wait_for


def _version(empty) -> int:
    return int(empty.core.list_namespace().metadata.resource_version)


def _settled(empty, namespace, name):
    status = empty.apps.read_namespaced_deployment(name, namespace).status
    return status.ready_replicas == status.replicas


def test_dry_run_create_returns_would_be_object_and_persists_nothing(empty, namespace):
    before = _version(empty)
    made = empty.apps.create_namespaced_deployment(namespace, deployment("dry"), dry_run="All")
    assert made.metadata.name == "dry" and made.metadata.uid
    assert made.spec.strategy.type == "RollingUpdate"  # defaults applied
    assert made.metadata.resource_version is None
    assert _version(empty) == before
    with pytest.raises(ApiException) as caught:
        empty.apps.read_namespaced_deployment("dry", namespace)
    assert caught.value.status == 404
    assert empty.apps.list_namespaced_replica_set(namespace).items == []


def test_dry_run_still_validates(empty, namespace):
    with pytest.raises(ApiException) as caught:
        empty.apps.create_namespaced_deployment(
            namespace, deployment("dry", replicas=-1), dry_run="All"
        )
    assert caught.value.status == 422
    assert "spec.replicas" in json.loads(caught.value.body)["message"]


def test_dry_run_patch_update_and_scale(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("web"))
    wait_for(lambda: _settled(empty, namespace, "web"))
    current = empty.apps.read_namespaced_deployment("web", namespace)
    before = _version(empty)
    patch = {"spec": {"template": {"spec": {"containers": [{"name": "web", "image": "nginx:2"}]}}}}
    would = empty.apps.patch_namespaced_deployment("web", namespace, patch, dry_run="All")
    assert would.spec.template.spec.containers[0].image == "nginx:2"
    assert would.metadata.generation == current.metadata.generation + 1
    current.spec.replicas = 5
    replaced = empty.apps.replace_namespaced_deployment("web", namespace, current, dry_run="All")
    assert replaced.spec.replicas == 5
    scaled = empty.apps.patch_namespaced_deployment_scale(
        "web", namespace, {"spec": {"replicas": 7}}, dry_run="All"
    )
    assert scaled.spec.replicas == 7
    assert _version(empty) == before
    after = empty.apps.read_namespaced_deployment("web", namespace)
    assert after.spec.replicas == 1
    assert after.spec.template.spec.containers[0].image == "nginx:1.25"
    assert len(empty.apps.list_namespaced_replica_set(namespace).items) == 1


def test_dry_run_delete_keeps_the_object(empty, namespace):
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "keep"}})
    empty.apps.create_namespaced_deployment(namespace, deployment("stay"))
    wait_for(lambda: _settled(empty, namespace, "stay"))
    before = _version(empty)
    empty.core.delete_namespaced_config_map("keep", namespace, dry_run="All")
    empty.apps.delete_namespaced_deployment("stay", namespace, dry_run="All")
    (pod,) = empty.core.list_namespaced_pod(namespace).items
    empty.core.delete_namespaced_pod(pod.metadata.name, namespace, dry_run="All")
    empty.core.create_namespaced_pod_eviction(
        pod.metadata.name,
        namespace,
        {"metadata": {"name": pod.metadata.name}, "deleteOptions": {"dryRun": ["All"]}},
    )
    assert _version(empty) == before
    assert empty.core.read_namespaced_config_map("keep", namespace)
    assert empty.core.read_namespaced_pod(pod.metadata.name, namespace)


def test_bad_dry_run_value_is_400(empty, namespace):
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_config_map(
            namespace, {"metadata": {"name": "x"}}, dry_run="Yes"
        )
    assert caught.value.status == 400
