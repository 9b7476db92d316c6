"""Metrics and confidence intervals on inputs with known answers."""

from __future__ import annotations

import math

import pytest

from evals.metrics import ERROR_LABEL, compute_metrics
from evals.stats import (
    bootstrap_interval,
    mcnemar_p,
    quantile_stat,
    summarize_latency,
    two_proportion_p,
    wilson_interval,
)


@pytest.mark.parametrize(
    ("k", "n", "low", "high"),
    [
        (8, 10, 0.4902, 0.9433),
        (0, 10, 0.0, 0.2775),
        (10, 10, 0.7225, 1.0),
        (50, 100, 0.4038, 0.5962),
    ],
)
def test_wilson_interval_known_values(k, n, low, high):
    got = wilson_interval(k, n)
    assert got == pytest.approx((low, high), abs=5e-4)


def test_wilson_rejects_impossible_counts():
    with pytest.raises(ValueError):
        wilson_interval(11, 10)
    assert wilson_interval(0, 0) == (0.0, 1.0)


def test_bootstrap_is_deterministic_and_brackets_the_median():
    data = [0.1 * i for i in range(1, 101)]
    first = bootstrap_interval(data, quantile_stat(0.5))
    assert first == bootstrap_interval(data, quantile_stat(0.5))
    assert first[0] < 5.05 < first[1] and first[1] - first[0] < 3
    summary = summarize_latency(data)
    assert summary["n"] == 100 and summary["p50"]["value"] == pytest.approx(5.05)
    assert summary["p95"]["value"] == pytest.approx(9.505)


def test_tests_of_difference():
    assert mcnemar_p(0, 0) == 1.0
    assert mcnemar_p(10, 0) == pytest.approx(1 / 1024)
    assert mcnemar_p(5, 5) > 0.5
    assert two_proportion_p(90, 100, 60, 100) < 1e-5
    assert two_proportion_p(60, 100, 90, 100) > 0.99
    assert math.isclose(two_proportion_p(50, 100, 50, 100), 0.5)


def record(expected, actual, *, exact=None, policy=("allow", "allow"), latency=0.1, tokens=10):
    ok = actual == expected
    return {
        "id": f"{expected}-{actual}-{latency}",
        "expected_tool": expected,
        "actual": None if actual is None else {"tool": actual, "args": {}},
        "tool_ok": ok,
        "exact": ok if exact is None else exact,
        "args": [{"name": "name", "ok": bool(exact if exact is not None else ok)}] if ok else [],
        "unexpected": [],
        "expected_policy": policy[0],
        "actual_policy": policy[1],
        "latency_s": latency,
        "completion_tokens": tokens,
        "error_kind": None if actual else "UnusableOutput",
        "difficulty": "easy",
        "style": ["terse"],
    }


def test_compute_metrics_on_known_records():
    records = [
        record("scale_deployment", "scale_deployment"),
        record("scale_deployment", "scale_deployment", exact=False),
        record("scale_deployment", "clarify", policy=("needs_approval", None)),
        record("clarify", "clarify", policy=(None, None)),
        record("clarify", "restart_deployment", policy=(None, "needs_approval")),
        record("no_action", "no_action", policy=(None, None)),
        record("list_pods", None, policy=("allow", None), latency=None),
    ]
    m = compute_metrics(records)
    assert (m["tool_accuracy"]["k"], m["tool_accuracy"]["n"]) == (4, 7)
    assert m["exact_accuracy"]["k"] == 3
    assert (m["schema_validity"]["k"], m["schema_validity"]["n"]) == (6, 7)
    # clarify/no_action predicted 3 times (2 right); expected 3 times (2 right)
    assert (m["non_action_precision"]["k"], m["non_action_precision"]["n"]) == (2, 3)
    assert (m["non_action_recall"]["k"], m["non_action_recall"]["n"]) == (2, 3)
    assert (m["clarify_precision"]["k"], m["clarify_precision"]["n"]) == (1, 2)
    assert (m["policy_agreement"]["k"], m["policy_agreement"]["n"]) == (2, 4)
    assert m["confusion"]["scale_deployment"] == {"clarify": 1, "scale_deployment": 2}
    assert m["confusion"]["list_pods"] == {ERROR_LABEL: 1}
    assert m["per_tool"]["scale_deployment"]["exact_accuracy"]["k"] == 1
    assert m["argument_accuracy"]["overall"]["n"] == 4
    assert m["latency_s"]["n"] == 6
    assert m["tokens_per_s"]["value"] == pytest.approx(100.0)
    assert m["errors"] == {"UnusableOutput": 1}
    low, high = m["tool_accuracy"]["ci"]
    assert low < 4 / 7 < high
