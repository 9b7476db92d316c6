"""BFCL-style matching: names, acceptable values, optional and unexpected arguments, types."""

from __future__ import annotations

import pytest

from evals.cases import CaseContext, build_case
from evals.matching import defaults_of, match_call, values_equal


def expect(tool: str, **args):
    return build_case({"id": "c", "text": "t", "expect": {"tool": tool, "args": args}}).expect


def judge(expected, actual, registry, context=None):
    defaults = defaults_of(registry.args_model(expected.tool))
    return match_call(expected, actual, defaults=defaults, context=context)


def test_quantities_compare_by_value(registry):
    expected = expect("set_resources", name="web", memory_limit="2Gi", cpu_request="500m")
    actual = {
        "tool": "set_resources",
        "args": {"name": "web", "memory_limit": "2048Mi", "cpu_request": "0.5"},
    }
    assert judge(expected, actual, registry).exact
    actual["args"]["memory_limit"] = "2G"  # 2 * 10^9 bytes is not 2Gi
    verdict = judge(expected, actual, registry)
    assert not verdict.exact
    assert [(a.name, a.reason) for a in verdict.args if not a.ok] == [
        ("memory_limit", "wrong value")
    ]


def test_quantity_rule_applies_to_quantity_arguments_only():
    assert values_equal("2Gi", "2048Mi", quantity=True)
    assert not values_equal("7", "7.0")  # an image tag, not a quantity
    assert not values_equal("2Gi", "2048Mi")


def test_any_of_accepts_each_listed_value_only(registry):
    expected = expect("get_pod_logs", name="web", grep={"any_of": ["error", "ERROR"]})
    for grep, ok in (("error", True), ("ERROR", True), ("fail", False)):
        actual = {"tool": "get_pod_logs", "args": {"name": "web", "grep": grep}}
        assert judge(expected, actual, registry).exact is ok


def test_optional_argument_may_be_left_out_or_take_an_acceptable_value(registry):
    expected = expect(
        "deploy_service", service="redis", name={"optional": True, "any_of": ["redis"]}
    )
    base = {"service": "redis"}
    assert judge(expected, {"tool": "deploy_service", "args": base}, registry).exact
    assert judge(
        expected, {"tool": "deploy_service", "args": {**base, "name": "redis"}}, registry
    ).exact
    wrong = {"tool": "deploy_service", "args": {**base, "name": "cache"}}
    assert not judge(expected, wrong, registry).exact


def test_unexpected_arguments_fail_but_defaults_do_not(registry):
    expected = expect("deploy_service", service="redis")
    at_defaults = {"service": "redis", "replicas": 1}
    assert judge(expected, {"tool": "deploy_service", "args": at_defaults}, registry).exact
    guessed = {"service": "redis", "memory": "2Gi"}
    verdict = judge(expected, {"tool": "deploy_service", "args": guessed}, registry)
    assert verdict.tool_ok and not verdict.exact
    assert [a.name for a in verdict.unexpected] == ["memory"]


def test_wrong_tool_or_no_call_fails_everything(registry):
    expected = expect("restart_deployment", name="web")
    assert not judge(
        expected, {"tool": "rollback_deployment", "args": {"name": "web"}}, registry
    ).tool_ok
    assert not judge(expected, None, registry).tool_ok


@pytest.mark.parametrize(
    ("expected", "actual", "equal"),
    [
        (True, 1, False),
        (3, "3", False),
        (3, 3.0, False),
        (0.5, 0.5, True),
        (2.0, 2, True),
        ([80, 443], [443, 80], True),
        ([80], [80, 443], False),
        ({"A": "1"}, {"A": "1"}, True),
        ({"A": "1"}, {"A": 1}, False),
        ({"A": "1"}, {"A": "1", "B": "2"}, False),
    ],
)
def test_values_keep_their_json_types(expected, actual, equal):
    assert values_equal(expected, actual) is equal


def test_cluster_and_namespace_compare_after_channel_defaults(registry):
    channel = CaseContext(cluster="us-central", namespace="staging")
    expected = expect("scale_deployment", name="web", replicas=3)
    said = {
        "tool": "scale_deployment",
        "args": {"name": "web", "replicas": 3, "namespace": "staging"},
    }
    assert judge(expected, said, registry, channel).exact
    other = {
        "tool": "scale_deployment",
        "args": {"name": "web", "replicas": 3, "namespace": "prod"},
    }
    verdict = judge(expected, other, registry, channel)
    assert [a.name for a in verdict.unexpected] == ["namespace"]
    expected = expect("scale_deployment", name="web", replicas=3, namespace="staging")
    silent = {"tool": "scale_deployment", "args": {"name": "web", "replicas": 3}}
    assert judge(expected, silent, registry, channel).exact
    assert not judge(expected, silent, registry, CaseContext()).exact


def test_clarify_matches_on_the_decision_not_the_question(registry):
    expected = expect("clarify")
    actual = {"tool": "clarify", "args": {"question": "Which deployment?"}}
    assert judge(expected, actual, registry).exact
