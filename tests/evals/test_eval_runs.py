"""Runs end to end: a served model over a real socket, the synthetic split, the CLI."""

from __future__ import annotations

import json

import pytest
import typer
from typer.testing import CliRunner

from evals.cases import DEFAULT_LIVE
from evals.cli import register
from evals.judging import build_risk_judge
from evals.metrics import compute_metrics
from evals.planners import open_planner
from evals.runner import run_cases
from evals.suites import load_suite
from llm.baseline import plan_call
from llm.errors import ModelUnavailable


def keyword_answer(registry):
    available = set(registry.names(include_non_actions=False))
    fields = lambda name: registry.args_model(name).model_fields  # noqa: E731
    return lambda text: json.dumps(
        plan_call(text, live=DEFAULT_LIVE, available=available, fields_of=fields)
    )


def test_served_model_over_http(registry, model_server_factory):
    server = model_server_factory(keyword_answer(registry))
    cases = load_suite("easy")[:12]
    with open_planner(server.base_url, registry=registry) as (planner, description):
        assert description == {"name": "planton", "kind": "server", "url": server.base_url}
        records = run_cases(cases, planner, registry=registry, judge=build_risk_judge(registry))
    metrics = compute_metrics(records)
    assert len(server.requests) == 12
    assert server.requests[0]["response_format"]["type"] == "json_schema"
    assert metrics["schema_validity"]["k"] == 12
    assert metrics["tool_accuracy"]["k"] >= 11
    assert metrics["tokens_per_s"]["value"] > 0 and metrics["latency_s"]["n"] == 12


def test_unusable_output_is_a_failed_case_and_a_dead_server_stops_the_run(
    registry, model_server_factory
):
    server = model_server_factory(
        lambda text: '{"tool": "scale_deployment", "args": {"name": "Web!"}}'
    )
    cases = load_suite("easy")[:3]
    with open_planner(server.base_url, registry=registry) as (planner, _):
        records = run_cases(cases, planner, registry=registry)
    assert [r["error_kind"] for r in records] == ["UnusableOutput"] * 3
    assert len(server.requests) == 6  # one retry each
    assert compute_metrics(records)["schema_validity"]["k"] == 0
    url = server.base_url
    server.__exit__(None, None, None)
    from llm.client import ToolCallClient

    with ToolCallClient(base_url=url, model="planton", registry=registry, timeout_s=2) as client:
        with pytest.raises(ModelUnavailable):
            run_cases(cases, client, registry=registry)


def test_synthetic_split_becomes_cases(registry, tmp_path):
    records = [
        {
            "id": "v1-test-00000", "family": "scale.terse", "tool": "scale_deployment",
            "messages": [
                {"role": "system", "content": "cluster=us-central namespace=staging"},
                {"role": "user", "content": "web -> 4 replicas"},
                {"role": "assistant", "content": "{}"},
            ],
            "target": {"tool": "scale_deployment", "args": {"name": "web", "replicas": 4}},
            "context": {"cluster": "us-central", "namespace": "staging"},
            "live": {"deployment": ["web", "api"]}, "tags": ["terse"],
        },
        {
            "id": "v1-test-00001", "family": "clarify.vague", "tool": "clarify",
            "messages": [
                {"role": "system", "content": ""},
                {"role": "user", "content": "do the thing"},
            ],
            "target": {"tool": "clarify", "args": {"question": "What should I do?"}},
            "context": {}, "live": {}, "tags": [],
        },
    ]  # fmt: skip
    path = tmp_path / "test.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    scale, vague = load_suite(str(path), judge=build_risk_judge(registry), registry=registry)
    assert (scale.text, scale.policy, scale.style) == (
        "web -> 4 replicas",
        "needs_approval",
        ["terse"],
    )
    assert scale.live == {"deployment": ["web", "api"]}
    assert vague.tool == "clarify" and vague.expect.args == {} and vague.policy is None


def test_eval_command_writes_json_and_html(tmp_path):
    app = typer.Typer()
    register(app, serve=typer.Typer())
    args = [
        "eval",
        "--suite",
        "easy",
        "--model",
        "keyword",
        "--out",
        str(tmp_path),
        "--no-progress",
    ]
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, result.output
    assert "exact_accuracy" in result.output
    data = json.loads((tmp_path / "easy-keyword-baseline.json").read_text())
    assert data["suite"] == "easy" and data["model"]["kind"] == "keyword"
    assert data["command"].startswith("chatops ") and "cores" in data["machine"] and data["date"]
    assert data["metrics"]["cases"] == len(data["records"]) >= 30
    assert "<img" in (tmp_path / "easy-keyword-baseline.html").read_text()
    bad = CliRunner().invoke(
        app, ["eval", "--suite", "nope", "--model", "keyword", "--out", str(tmp_path)]
    )
    assert bad.exit_code != 0 and "unknown suite" in str(bad.exception or bad.output)
