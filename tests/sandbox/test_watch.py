"""Watch: ADDED/MODIFIED/DELETED streams for pods and deployments, with timeoutSeconds."""

from __future__ import annotations

import threading
import time

import pytest
from kubernetes import watch
from sandbox_helpers import deployment, wait_for

from tools.k8s.sandbox.errors import Gone
from tools.k8s.sandbox.resources import resource_for_plural
from tools.k8s.sandbox.store import Store


def _collect(stream_factory, sink: list, done) -> threading.Thread:
    """Read a watch in a thread until `done(sink)` holds or the stream times out."""
    started = threading.Event()

    def run() -> None:
        started.set()
        for event in stream_factory():
            sink.append((event["type"], event["object"]))
            if done(sink):
                return

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    started.wait(5)
    return thread


def test_watch_deployments_sees_add_modify_delete(empty, namespace):
    events: list = []
    thread = _collect(
        lambda: watch.Watch().stream(
            empty.apps.list_namespaced_deployment, namespace, timeout_seconds=10
        ),
        events,
        lambda seen: seen[-1][0] == "DELETED",
    )
    time.sleep(0.3)
    empty.apps.create_namespaced_deployment(namespace, deployment("watched"))
    empty.apps.patch_namespaced_deployment_scale("watched", namespace, {"spec": {"replicas": 2}})
    wait_for(lambda: any(t == "MODIFIED" and o.spec.replicas == 2 for t, o in events))
    empty.apps.delete_namespaced_deployment("watched", namespace)
    thread.join(timeout=10)
    assert not thread.is_alive()
    kinds = [kind for kind, _ in events]
    assert kinds[0] == "ADDED" and kinds[-1] == "DELETED"
    assert all(o.metadata.name == "watched" for _, o in events)
    versions = [int(o.metadata.resource_version) for _, o in events]
    assert versions == sorted(versions)


def test_watch_pods_with_label_selector_and_initial_list(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("first"))
    events: list = []
    thread = _collect(
        lambda: watch.Watch().stream(
            empty.core.list_namespaced_pod,
            namespace,
            label_selector="app=second",
            timeout_seconds=10,
        ),
        events,
        lambda seen: seen[-1][1].status.phase == "Running",
    )
    time.sleep(0.3)
    empty.apps.create_namespaced_deployment(namespace, deployment("second"))
    thread.join(timeout=10)
    assert not thread.is_alive()
    assert {o.metadata.labels["app"] for _, o in events} == {"second"}
    assert events[0][0] == "ADDED"
    # A fresh watch (no resourceVersion) starts with the current pods as ADDED.
    initial = list(
        watch.Watch().stream(empty.core.list_namespaced_pod, namespace, timeout_seconds=1)
    )
    assert sorted(
        o.metadata.labels["app"] for _, o in [(e["type"], e["object"]) for e in initial]
    ) == ["first", "second"]
    assert {e["type"] for e in initial} == {"ADDED"}


def test_timeout_seconds_ends_the_stream(empty, namespace):
    started = time.monotonic()
    events = list(
        watch.Watch().stream(empty.apps.list_namespaced_deployment, namespace, timeout_seconds=1)
    )
    assert events == []
    assert 0.9 <= time.monotonic() - started < 5


def test_watch_resumes_from_resource_version(empty, namespace):
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "one"}})
    listed = empty.core.list_namespaced_config_map(namespace)
    empty.core.create_namespaced_config_map(namespace, {"metadata": {"name": "two"}})
    events = list(
        watch.Watch().stream(
            empty.core.list_namespaced_config_map,
            namespace,
            resource_version=listed.metadata.resource_version,
            timeout_seconds=1,
        )
    )
    assert [(e["type"], e["object"].metadata.name) for e in events] == [("ADDED", "two")]


def test_relabelled_object_leaves_the_selection_as_deleted(empty, namespace):
    empty.core.create_namespaced_config_map(
        namespace, {"metadata": {"name": "c", "labels": {"keep": "yes"}}}
    )
    version = empty.core.list_namespaced_config_map(namespace).metadata.resource_version
    empty.core.patch_namespaced_config_map("c", namespace, {"metadata": {"labels": {"keep": "no"}}})
    events = list(
        watch.Watch().stream(
            empty.core.list_namespaced_config_map,
            namespace,
            label_selector="keep=yes",
            resource_version=version,
            timeout_seconds=1,
        )
    )
    assert [e["type"] for e in events] == ["DELETED"]


def test_too_old_resource_version_is_gone():
    store = Store(seed="x", history=2)
    configmaps = resource_for_plural("configmaps")
    with store.lock:
        for index in range(4):
            store.insert(
                configmaps,
                store.stamp_new(
                    configmaps, {"metadata": {"name": f"c{index}", "namespace": "default"}}
                ),
            )
        assert [c.resource_version for c in store.changes_since(2)] == [3, 4]
        with pytest.raises(Gone):
            store.changes_since(1)
