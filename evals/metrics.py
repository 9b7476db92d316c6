"""Metrics over case records (see `evals.runner.CaseRecord` for the record fields).

Every proportion is stored as {value, k, n, ci} (Wilson 95%), latencies as p50/p95 with
bootstrap CIs. Metrics are recomputed from records, so a result file can be re-read and
compared without rerunning the model.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from typing import Any

from evals.cases import NON_ACTION_TOOLS
from evals.stats import proportion, summarize_latency, summarize_rate

ERROR_LABEL = "<error>"  # the "actual tool" of a case whose planner failed

# Metrics the release gate watches (higher is better for all of them).
GATED_METRICS = (
    "tool_accuracy",
    "exact_accuracy",
    "schema_validity",
    "non_action_recall",
    "policy_agreement",
)


def actual_tool(record: dict[str, Any]) -> str:
    """The tool the planner chose, or ERROR_LABEL when it produced no valid call."""
    actual = record.get("actual")
    return actual["tool"] if actual else ERROR_LABEL


def _share(records: list[dict[str, Any]], key: str) -> dict[str, object]:
    return proportion(sum(bool(r[key]) for r in records), len(records))


def _precision_recall(records: list[dict[str, Any]], labels: tuple[str, ...]) -> tuple[dict, dict]:
    """Precision and recall of predicting one of `labels` (the decision, not its args)."""
    predicted = [r for r in records if actual_tool(r) in labels]
    relevant = [r for r in records if r["expected_tool"] in labels]
    hits_p = sum(actual_tool(r) == r["expected_tool"] for r in predicted)
    hits_r = sum(actual_tool(r) == r["expected_tool"] for r in relevant)
    return proportion(hits_p, len(predicted)), proportion(hits_r, len(relevant))


def argument_accuracy(records: list[dict[str, Any]]) -> dict[str, Any]:
    """Per-argument accuracy over cases whose tool matched: overall and by argument name."""
    by_name: dict[str, list[bool]] = defaultdict(list)
    unexpected = 0
    matched = [r for r in records if r["tool_ok"]]
    for record in matched:
        for arg in record["args"]:
            by_name[arg["name"]].append(bool(arg["ok"]))
        unexpected += len(record["unexpected"])
    flat = [ok for oks in by_name.values() for ok in oks]
    return {
        "overall": proportion(sum(flat), len(flat)),
        "by_name": {n: proportion(sum(v), len(v)) for n, v in sorted(by_name.items())},
        "no_unexpected_args": proportion(sum(not r["unexpected"] for r in matched), len(matched)),
        "unexpected_count": unexpected,
    }


def per_group(records: list[dict[str, Any]], key_of) -> dict[str, dict[str, Any]]:
    """Tool and exact accuracy per group (`key_of(record)` -> one key or a list of keys)."""
    groups: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for record in records:
        keys = key_of(record)
        for key in keys if isinstance(keys, list) else [keys]:
            groups[key].append(record)
    return {
        key: {
            "n": len(group),
            "tool_accuracy": _share(group, "tool_ok"),
            "exact_accuracy": _share(group, "exact"),
        }
        for key, group in sorted(groups.items())
    }


def confusion(records: list[dict[str, Any]]) -> dict[str, dict[str, int]]:
    """counts[expected tool][actual tool] (ERROR_LABEL for no valid call)."""
    table: dict[str, Counter] = defaultdict(Counter)
    for record in records:
        table[record["expected_tool"]][actual_tool(record)] += 1
    return {exp: dict(sorted(row.items())) for exp, row in sorted(table.items())}


def compute_metrics(records: list[dict[str, Any]]) -> dict[str, Any]:
    """All metrics of one run."""
    non_action_p, non_action_r = _precision_recall(records, NON_ACTION_TOOLS)
    clarify_p, clarify_r = _precision_recall(records, ("clarify",))
    no_action_p, no_action_r = _precision_recall(records, ("no_action",))
    judged = [r for r in records if r.get("expected_policy")]
    agreed = sum(r.get("actual_policy") == r["expected_policy"] for r in judged)
    timed = [r for r in records if r.get("latency_s") is not None and r.get("actual")]
    with_tokens = [r for r in timed if r.get("completion_tokens")]
    return {
        "cases": len(records),
        "tool_accuracy": _share(records, "tool_ok"),
        "exact_accuracy": _share(records, "exact"),
        "argument_accuracy": argument_accuracy(records),
        "schema_validity": proportion(sum(r["actual"] is not None for r in records), len(records)),
        "schema_valid_first_try": proportion(
            sum(r["actual"] is not None and not r.get("retried") for r in records), len(records)
        ),
        "non_action_precision": non_action_p,
        "non_action_recall": non_action_r,
        "clarify_precision": clarify_p,
        "clarify_recall": clarify_r,
        "no_action_precision": no_action_p,
        "no_action_recall": no_action_r,
        "policy_agreement": proportion(agreed, len(judged)),
        "errors": dict(Counter(r["error_kind"] for r in records if r.get("error_kind"))),
        "latency_s": summarize_latency([r["latency_s"] for r in timed]),
        "tokens_per_s": summarize_rate(
            [r["completion_tokens"] for r in with_tokens], [r["latency_s"] for r in with_tokens]
        ),
        "per_tool": per_group(records, lambda r: r["expected_tool"]),
        "per_difficulty": per_group(records, lambda r: r.get("difficulty", "medium")),
        "per_style": per_group(records, lambda r: r.get("style") or ["plain"]),
        "confusion": confusion(records),
    }


def metric_value(metrics: dict[str, Any], name: str) -> dict[str, Any]:
    """A proportion metric by name (`argument_accuracy` means its overall value)."""
    value = metrics[name]
    return value["overall"] if name == "argument_accuracy" else value
