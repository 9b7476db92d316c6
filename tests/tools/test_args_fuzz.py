"""Fuzzing each Kubernetes tool's Args: junk is refused clearly, valid args round-trip.

Valid arguments are generated from the call schema the model sees, so these tests also
check that the schema (patterns, bounds) and the validators agree.
"""

from __future__ import annotations

import json

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from k8s_strategies import JSON_VALUES, args_strategy
from pydantic import ValidationError

from tools.registry import InvalidCall, ToolRegistry

REGISTRY = ToolRegistry()
K8S_TOOLS = sorted(
    n for n, t in REGISTRY.tools.items() if type(t).__module__.startswith("tools.k8s.")
)
SCHEMAS = {
    branch["properties"]["tool"]["const"]: branch["properties"]["args"]
    for branch in REGISTRY.call_schema()["anyOf"]
}
STRATEGIES = {name: args_strategy(schema) for name, schema in SCHEMAS.items()}
FUZZ = settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def test_catalogue_tools_are_all_fuzzed():
    assert len(K8S_TOOLS) == 22


@pytest.mark.parametrize("name", K8S_TOOLS)
@FUZZ
@given(data=st.data())
def test_schema_valid_args_round_trip(name, data):
    raw = data.draw(STRATEGIES[name])
    model = REGISTRY.args_model(name)
    try:
        args = model.model_validate(raw)
    except ValidationError as exc:
        # Only rules a JSON schema cannot state (min <= max, request <= limit...) may refuse.
        assert all(error["type"] == "value_error" and not error["loc"] for error in exc.errors()), (
            exc
        )
        assume(False)
    call = REGISTRY.parse_call(json.dumps({"tool": name, "args": raw}))
    assert call.args == args
    dumped = args.model_dump(mode="json", exclude_none=True)
    again = REGISTRY.parse_call({"tool": name, "args": dumped})
    assert again.args == args
    assert again.digest() == call.digest()


@pytest.mark.parametrize("name", K8S_TOOLS)
@FUZZ
@given(raw=st.dictionaries(st.text(max_size=15), JSON_VALUES, max_size=6))
def test_random_dicts_are_refused_clearly(name, raw):
    try:
        call = REGISTRY.parse_call({"tool": name, "args": raw})
    except InvalidCall as exc:
        message = str(exc)
        assert message.startswith(f"Invalid arguments for {name}: ")
        assert len(message) < 4000
        return
    # Accepted junk can only be a valid call (all-optional tools accept {} and nulls).
    assert call.args == REGISTRY.args_model(name).model_validate(call.as_dict()["args"])


@pytest.mark.parametrize("name", K8S_TOOLS)
@FUZZ
@given(data=st.data(), junk=JSON_VALUES)
def test_one_bad_field_names_that_field(name, data, junk):
    raw = data.draw(STRATEGIES[name])
    fields = sorted(SCHEMAS[name]["properties"])
    field = data.draw(st.sampled_from(fields))
    raw[field] = junk
    try:
        REGISTRY.parse_call({"tool": name, "args": raw})
    except InvalidCall as exc:
        message = str(exc)
        # The error says which field is wrong (or that the combination is wrong).
        assert f"{field}" in message or ": Value error" in message, message
        return


@pytest.mark.parametrize("name", K8S_TOOLS)
@FUZZ
@given(data=st.data(), text=st.text(max_size=80))
def test_random_strings_in_string_fields(name, data, text):
    schema = SCHEMAS[name]
    string_fields = [
        field
        for field, node in schema["properties"].items()
        if node.get("type") == "string"
        or any(b.get("type") == "string" for b in node.get("anyOf", []))
    ]
    assume(string_fields)
    raw = data.draw(STRATEGIES[name])
    field = data.draw(st.sampled_from(string_fields))
    raw[field] = text
    try:
        call = REGISTRY.parse_call({"tool": name, "args": raw})
    except InvalidCall:
        return
    assert isinstance(getattr(call.args, field), str)


@given(text=st.text(max_size=200))
@settings(max_examples=100, deadline=None)
def test_random_text_is_never_a_call(text):
    with pytest.raises(InvalidCall):
        REGISTRY.parse_call(text)


@pytest.mark.parametrize(
    ("name", "args", "fragment"),
    [
        ("scale_deployment", {"name": "web", "replicas": 101}, "replicas"),
        ("scale_deployment", {"name": "web", "replicas": -1}, "replicas"),
        ("scale_deployment", {"name": "Web", "replicas": 1}, "name"),
        ("scale_deployment", {"name": "web; rm -rf /", "replicas": 1}, "name"),
        ("scale_deployment", {"name": "web", "replicas": 2, "force": True}, "force"),
        ("deploy_service", {"service": "mysql"}, "service"),
        ("deploy_service", {"service": "redis", "memory": "2GB"}, "memory"),
        ("deploy_service", {"service": "redis", "memory": "128Gi"}, "16Mi to 64Gi"),
        ("deploy_service", {"service": "redis", "replicas": 3}, "single replica"),
        ("deploy_app", {"name": "x", "image": "nginx latest"}, "image"),
        ("deploy_app", {"name": "x", "image": "nginx", "expose": True}, "expose needs"),
        ("deploy_app", {"name": "x", "image": "nginx", "ports": [80, 80]}, "repeat"),
        ("deploy_app", {"name": "x", "image": "nginx", "ports": [0]}, "ports"),
        (
            "deploy_app",
            {"name": "x", "image": "n", "memory_request": "2Gi", "memory_limit": "1Gi"},
            "larger",
        ),
        ("set_env", {"name": "web"}, "at least one"),
        ("set_env", {"name": "web", "set": {"A": "1"}, "unset": ["A"]}, "both set and unset"),
        ("set_env", {"name": "web", "set": {"A": "x\ny"}}, "set"),
        ("set_resources", {"name": "web"}, "at least one"),
        ("set_resources", {"name": "web", "cpu_request": "2", "cpu_limit": "1"}, "larger"),
        ("create_hpa", {"name": "web", "min_replicas": 5, "max_replicas": 2}, "larger than max"),
        ("list_pods", {"deployment": "web", "all_namespaces": True}, "not both"),
        ("get_pod_logs", {"name": "web", "tail_lines": 5000}, "tail_lines"),
        ("get_pod_logs", {"name": "web", "grep": "a\nb"}, "grep"),
        ("rollback_deployment", {"name": "web", "revision": 0}, "revision"),
        ("cordon_node", {"node": "node_1"}, "node"),
        ("create_namespace", {"name": "team", "namespace": "x"}, "namespace"),
        ("list_deployments", {"cluster": "US Central"}, "cluster"),
    ],
)
def test_bad_arguments_get_a_specific_message(name, args, fragment):
    with pytest.raises(InvalidCall) as info:
        REGISTRY.parse_call({"tool": name, "args": args})
    assert fragment in str(info.value)
