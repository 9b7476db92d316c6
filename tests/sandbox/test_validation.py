"""Validation: official schemas (kubernetes-validate) plus API rules, as 422 Invalid."""

from __future__ import annotations

import json

import pytest
from kubernetes.client.exceptions import ApiException
from sandbox_helpers import deployment, raw_request, wait_for

from tools.k8s.sandbox.resources import RESOURCE_TYPES
from tools.k8s.sandbox.validation import schema_causes


def _rejected(call) -> dict:
    with pytest.raises(ApiException) as caught:
        call()
    return _invalid(caught.value.status, caught.value.body)


def _invalid(code: int, body: bytes | str) -> dict:
    assert code == 422, body
    status = json.loads(body)
    assert (status["kind"], status["reason"], status["code"]) == ("Status", "Invalid", 422)
    return status


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].pop("image"),
            "spec.template.spec.containers[0].image",
            "Required value",
        ),
        (lambda d: d["spec"].update(replicas=-2), "spec.replicas", "greater than or equal to 0"),
        (
            lambda d: d["spec"]["selector"]["matchLabels"].update(app="other"),
            "spec.template.metadata.labels",
            "does not match",
        ),
        (lambda d: d["metadata"].update(name="Web_App"), "metadata.name", "RFC 1123"),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
                resources={"requests": {"memory": "2Gi"}, "limits": {"memory": "1Gi"}}
            ),
            "spec.template.spec.containers[0].resources.requests",
            "must be less than or equal to memory limit of 1Gi",
        ),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
                resources={"requests": {"cpu": "lots"}}
            ),
            "spec.template.spec.containers[0].resources.requests.cpu",
            "quantities must match",
        ),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
                env=[{"name": "1BAD", "value": "x"}]
            ),
            "spec.template.spec.containers[0].env[0].name",
            "valid environment variable name",
        ),
        (
            lambda d: d["spec"]["template"]["spec"]["containers"][0].update(
                ports=[{"containerPort": 70000}]
            ),
            "spec.template.spec.containers[0].ports[0].containerPort",
            "between 1 and 65535",
        ),
        (
            lambda d: (
                d["spec"]["strategy"].update(type="Sideways")
                if "strategy" in d["spec"]
                else d["spec"].update(strategy={"type": "Sideways"})
            ),
            "spec.strategy.type",
            "Unsupported value",
        ),
    ],
)
def test_invalid_deployments_name_the_field(empty, namespace, change, field, words):
    body = deployment("web")
    change(body)
    status = _rejected(lambda: empty.apps.create_namespaced_deployment(namespace, body))
    assert f"{field}: " in status["message"] and words in status["message"], status["message"]
    assert any(cause["field"] == field for cause in status["details"]["causes"])
    assert status["details"]["kind"] == "Deployment" and status["details"]["group"] == "apps"
    assert empty.apps.list_namespaced_deployment(namespace).items == []


def test_wrong_types_are_422_naming_the_field(empty, namespace):
    body = deployment("web")
    body["spec"]["replicas"] = "three"
    path = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    code, _, answer = raw_request(empty, "POST", path, body)
    status = _invalid(code, answer)
    assert 'spec.replicas: Invalid value: "three": must be of type integer' in status["message"]


def test_selector_is_immutable(empty, namespace):
    empty.apps.create_namespaced_deployment(namespace, deployment("web"))
    wait_for(lambda: empty.apps.read_namespaced_deployment("web", namespace).status.ready_replicas)
    current = empty.apps.read_namespaced_deployment("web", namespace)
    current.spec.selector.match_labels = {"app": "web", "v": "2"}
    current.spec.template.metadata.labels = {"app": "web", "v": "2"}
    status = _rejected(lambda: empty.apps.replace_namespaced_deployment("web", namespace, current))
    assert "spec.selector: Invalid value: field is immutable" in status["message"]


def test_service_and_hpa_rules(empty, namespace):
    status = _rejected(
        lambda: empty.core.create_namespaced_service(
            namespace, {"metadata": {"name": "svc"}, "spec": {"ports": [{"port": 0}]}}
        )
    )
    assert "spec.ports[0].port" in status["message"]
    status = _rejected(
        lambda: empty.autoscaling.create_namespaced_horizontal_pod_autoscaler(
            namespace,
            {
                "metadata": {"name": "h"},
                "spec": {
                    "scaleTargetRef": {"kind": "Deployment", "name": "web"},
                    "minReplicas": 5,
                    "maxReplicas": 2,
                },
            },
        )
    )
    assert "spec.maxReplicas" in status["message"]


def test_unknown_fields_are_dropped_with_a_warning_or_rejected_when_strict(empty, namespace):
    body = deployment("web")
    body["spec"]["template"]["spec"]["containers"][0]["imagee"] = "typo"
    path = f"/apis/apps/v1/namespaces/{namespace}/deployments"
    code, headers, _ = raw_request(empty, "POST", path, body)
    assert code == 201
    assert headers["Warning"] == "299 - \"unknown field 'spec.template.spec.containers[0].imagee'\""
    stored = empty.apps.read_namespaced_deployment("web", namespace)
    assert stored.spec.template.spec.containers[0].image == "nginx:1.25"
    body["metadata"]["name"] = "strict"
    code, _, answer = raw_request(empty, "POST", path + "?fieldValidation=Strict", body)
    assert code == 400
    assert (
        'unknown field "spec.template.spec.containers[0].imagee"' in json.loads(answer)["message"]
    )


def test_every_seeded_object_satisfies_the_official_schema(demo):
    store = demo.server.store
    checked = 0
    with store.lock:
        for rt in RESOURCE_TYPES:
            for obj in store.items(rt.plural):
                assert schema_causes(rt, obj) == [], (rt.kind, obj["metadata"]["name"])
                checked += 1
    assert checked > 100
