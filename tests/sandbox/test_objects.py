"""Objects and metadata: uid, timestamps, generation, resourceVersion, errors as Status."""

from __future__ import annotations

import base64
import json

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment


def _status(exc: ApiException) -> dict:
    return json.loads(exc.body)


def test_create_fills_server_metadata(empty, namespace):
    created = empty.apps.create_namespaced_deployment(namespace, deployment("web"))
    meta = created.metadata
    assert meta.uid and meta.creation_timestamp is not None
    assert meta.generation == 1 and int(meta.resource_version) > 0
    assert meta.namespace == namespace
    assert created.spec.strategy.type == "RollingUpdate"  # defaulted
    assert created.spec.template.spec.containers[0].image_pull_policy == "IfNotPresent"


def test_resource_version_is_a_global_counter(empty, namespace):
    first = empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "a"}})
    second = empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "b"}})
    assert int(second.metadata.resource_version) > int(first.metadata.resource_version)
    listed = empty.core.list_namespaced_config_map(namespace)
    assert int(listed.metadata.resource_version) >= int(second.metadata.resource_version)


def test_generation_counts_spec_changes_only(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("gen"))
    labelled = empty.apps.patch_namespaced_deployment(
        "gen", namespace, {"metadata": {"labels": {"team": "a"}}}
    )
    assert labelled.metadata.generation == 1
    scaled = empty.apps.patch_namespaced_deployment("gen", namespace, {"spec": {"replicas": 2}})
    assert scaled.metadata.generation == 2
    assert scaled.metadata.uid == labelled.metadata.uid


def test_create_twice_is_409_already_exists(empty, namespace):
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "dup"}})
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "dup"}})
    status = _status(caught.value)
    assert caught.value.status == 409 and status["reason"] == "AlreadyExists"
    assert status["message"] == 'configmaps "dup" already exists'
    assert status["details"] == {"name": "dup", "group": "", "kind": "configmaps"}


def test_missing_object_is_404_status(empty, namespace):
    with pytest.raises(ApiException) as caught:
        empty.apps.read_namespaced_deployment("ghost", namespace)
    status = _status(caught.value)
    assert caught.value.status == 404
    assert status["kind"] == "Status" and status["reason"] == "NotFound"
    assert status["message"] == 'deployments.apps "ghost" not found'
    assert status["details"]["group"] == "apps"


def test_create_in_missing_namespace_is_404(empty):
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_config_map("nowhere", {"metadata": {"name": "x"}})
    assert caught.value.status == 404
    assert _status(caught.value)["message"] == 'namespaces "nowhere" not found'


def test_put_with_stale_resource_version_is_409_conflict(empty, namespace):
    created = empty.core.create_namespaced_config_map(
        namespace, {"metadata": {"name": "cfg"}, "data": {"a": "1"}}
    )
    fresh = empty.core.read_namespaced_config_map("cfg", namespace)
    fresh.data = {"a": "2"}
    updated = empty.core.replace_namespaced_config_map("cfg", namespace, fresh)
    assert updated.data == {"a": "2"}
    created.data = {"a": "3"}  # still carries the first resourceVersion
    with pytest.raises(ApiException) as caught:
        empty.core.replace_namespaced_config_map("cfg", namespace, created)
    status = _status(caught.value)
    assert caught.value.status == 409 and status["reason"] == "Conflict"
    assert "the object has been modified" in status["message"]
    assert empty.core.read_namespaced_config_map("cfg", namespace).data == {"a": "2"}


def test_put_without_resource_version_is_unconditional(empty, namespace):
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "u"}})
    body = {"metadata": {"name": "u"}, "data": {"k": "v"}}
    assert empty.core.replace_namespaced_config_map("u", namespace, body).data == {"k": "v"}


def test_name_mismatch_on_put_is_400(empty, namespace):
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "m"}})
    with pytest.raises(ApiException) as caught:
        empty.core.replace_namespaced_config_map("m", namespace, {"metadata": {"name": "other"}})
    assert caught.value.status == 400


def test_generate_name(empty, namespace):
    created = empty.core.create_namespaced_config_map(
        namespace, {"metadata": {"generateName": "job-"}}
    )
    assert created.metadata.name.startswith("job-") and len(created.metadata.name) == 9


def test_secret_string_data_is_stored_base64(empty, namespace):
    created = empty.core.create_namespaced_secret(
        namespace, {"metadata": {"name": "creds"}, "stringData": {"password": "hunter2"}}
    )
    assert created.type == "Opaque"
    assert base64.b64decode(created.data["password"]) == b"hunter2"
    assert created.string_data is None
    with pytest.raises(ApiException) as caught:
        empty.core.create_namespaced_secret(
            namespace, {"metadata": {"name": "bad"}, "data": {"x": "not base64!"}}
        )
    assert caught.value.status == 422 and "data[x]" in _status(caught.value)["message"]


def test_services_get_cluster_ips_and_defaults(empty, namespace):
    body = {
        "metadata": {"name": "web"},
        "spec": {"selector": {"app": "web"}, "ports": [{"port": 80}]},
    }
    service = empty.core.create_namespaced_service(namespace, body)
    assert service.spec.cluster_ip.startswith("10.96.")
    assert service.spec.type == "ClusterIP"
    assert service.spec.ports[0].target_port == 80 and service.spec.ports[0].protocol == "TCP"
    other = empty.core.create_namespaced_service(namespace, {**body, "metadata": {"name": "api"}})
    assert other.spec.cluster_ip != service.spec.cluster_ip
    empty.core.delete_namespaced_service("web", namespace)
    assert [s.metadata.name for s in empty.core.list_namespaced_service(namespace).items] == ["api"]


def test_delete_returns_status_and_preconditions_conflict(empty, namespace):
    made = empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "gone"}})
    with pytest.raises(ApiException) as caught:
        empty.core.delete_namespaced_config_map(
            "gone", namespace, body={"preconditions": {"resourceVersion": "1"}}
        )
    assert caught.value.status == 409
    result = empty.core.delete_namespaced_config_map(
        "gone", namespace, body={"preconditions": {"uid": made.metadata.uid}}
    )
    assert result["status"] == "Success" and result["details"]["name"] == "gone"
    with pytest.raises(ApiException) as missing:
        empty.core.read_namespaced_config_map("gone", namespace)
    assert missing.value.status == 404


def test_namespace_lifecycle_and_cascade(empty):
    created = empty.core.create_namespace({"metadata": {"name": "scratch"}})
    assert created.status.phase == "Active"
    assert created.metadata.labels == {"kubernetes.io/metadata.name": "scratch"}
    empty.apps.create_namespaced_deployment("scratch", deployment("doomed"))
    assert empty.core.list_namespaced_pod("scratch").items
    empty.core.delete_namespace("scratch")
    names = [ns.metadata.name for ns in empty.core.list_namespace().items]
    assert "scratch" not in names
    assert empty.core.list_namespaced_pod("scratch").items == []
    assert empty.apps.list_namespaced_replica_set("scratch").items == []


def test_system_namespaces_cannot_be_deleted(empty):
    with pytest.raises(ApiException) as caught:
        empty.core.delete_namespace("default")
    assert caught.value.status == 403 and _status(caught.value)["reason"] == "Forbidden"


def test_list_chunking_with_limit_and_continue(empty, namespace):
    for index in range(5):
        empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": f"c{index}"}})
    first = empty.core.list_namespaced_config_map(namespace, limit=2)
    assert [c.metadata.name for c in first.items] == ["c0", "c1"]
    assert first.metadata.remaining_item_count == 3
    rest = empty.core.list_namespaced_config_map(
        namespace, limit=10, _continue=first.metadata._continue
    )
    assert [c.metadata.name for c in rest.items] == ["c2", "c3", "c4"]
    assert rest.metadata._continue is None
