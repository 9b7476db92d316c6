"""Label selectors (=, !=, in, notin, exists, !exists) and field selectors."""

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment, wait_for

from tools.k8s.sandbox.selectors import parse_field_selector, parse_label_selector


@pytest.fixture()
def labelled(empty, namespace):
    for name, labels in {
        "a": {"app": "web", "tier": "frontend"},
        "b": {"app": "api", "tier": "backend"},
        "c": {"app": "worker"},
    }.items():
        empty.core.create_namespaced_config_map(
            namespace, {"metadata": {"name": name, "labels": labels}}
        )
    return namespace


@pytest.mark.parametrize(
    ("selector", "expected"),
    [
        ("app=web", ["a"]),
        ("app==api", ["b"]),
        ("app!=web", ["b", "c"]),
        ("app in (web, api)", ["a", "b"]),
        ("app notin (web,api)", ["c"]),
        ("tier", ["a", "b"]),
        ("!tier", ["c"]),
        ("tier,app!=api", ["a"]),
        ("tier in (frontend),app in (web,api)", ["a"]),
        ("", ["a", "b", "c"]),
    ],
)
def test_label_selectors(empty, labelled, selector, expected):
    found = empty.core.list_namespaced_config_map(labelled, label_selector=selector).items
    assert [item.metadata.name for item in found] == expected


def test_bad_label_selector_is_400(empty, labelled):
    with pytest.raises(ApiException) as caught:
        empty.core.list_namespaced_config_map(labelled, label_selector="app in web")
    assert caught.value.status == 400


def test_field_selectors_on_name_and_namespace(empty, labelled):
    by_name = empty.core.list_config_map_for_all_namespaces(field_selector="metadata.name=b")
    assert {c.metadata.name for c in by_name.items} == {"b"}
    assert labelled in {c.metadata.namespace for c in by_name.items}
    both = empty.core.list_config_map_for_all_namespaces(
        field_selector=f"metadata.name=b,metadata.namespace={labelled}"
    )
    assert [(c.metadata.namespace, c.metadata.name) for c in both.items] == [(labelled, "b")]
    elsewhere = empty.core.list_config_map_for_all_namespaces(
        field_selector=f"metadata.namespace!={labelled}"
    )
    assert all(c.metadata.namespace != labelled for c in elsewhere.items)


def test_pod_field_selectors(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("ok", replicas=2))
    empty.apps.create_namespaced_deployment(namespace, deployment("bad", "x:notfound"))
    wait_for(
        lambda: (
            len(
                empty.core.list_namespaced_pod(
                    namespace, field_selector="status.phase=Running"
                ).items
            )
            == 2
        )
    )
    pending = empty.core.list_namespaced_pod(namespace, field_selector="status.phase=Pending")
    assert [p.metadata.labels["app"] for p in pending.items] == ["bad"]

    def pull_failure() -> bool:
        pod = empty.core.read_namespaced_pod(pending.items[0].metadata.name, namespace)
        waiting = pod.status.container_statuses[0].state.waiting.reason
        return waiting in ("ErrImagePull", "ImagePullBackOff") and pod.status.phase == "Pending"

    wait_for(pull_failure)
    on_node = empty.core.list_pod_for_all_namespaces(field_selector="spec.nodeName=node-1")
    assert namespace in {p.metadata.namespace for p in on_node.items}
    assert {p.spec.node_name for p in on_node.items} == {"node-1"}
    nowhere = empty.core.list_namespaced_pod(namespace, field_selector="spec.nodeName=node-9")
    assert nowhere.items == []


def test_event_field_selectors(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("ev"))
    (rs,) = empty.apps.list_namespaced_replica_set(namespace).items
    events = empty.core.list_namespaced_event(
        namespace,
        field_selector=f"involvedObject.kind=ReplicaSet,involvedObject.name={rs.metadata.name}",
    ).items
    assert [e.reason for e in events] == ["SuccessfulCreate"]
    assert events[0].involved_object.uid == rs.metadata.uid


def test_unsupported_field_is_400(empty, namespace):
    with pytest.raises(ApiException) as caught:
        empty.core.list_namespaced_pod(namespace, field_selector="spec.image=nginx")
    assert caught.value.status == 400
    assert json.loads(caught.value.body)["message"] == 'field label not supported: "spec.image"'


def test_selector_parsers_directly():
    match = parse_label_selector("env in (prod, staging),!canary,team!=ops")
    assert match({"env": "prod"})
    assert not match({"env": "prod", "canary": "yes"})
    assert not match({"env": "dev"})
    assert not match({"env": "staging", "team": "ops"})
    fields = parse_field_selector("spec.unschedulable=true", kind="Node")
    assert fields({"spec": {"unschedulable": True}})
    assert not fields({"spec": {}})
