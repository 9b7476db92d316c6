"""The release gate (compare) and the HTML report, on real runs of real planners."""

from __future__ import annotations

import base64
import json
import re

import pytest
import typer
from typer.testing import CliRunner

from evals.cli import register
from evals.compare import compare_results
from evals.judging import build_risk_judge
from evals.metrics import compute_metrics
from evals.report import build_result, read_result, render_report, write_result
from evals.runner import run_cases
from evals.suites import load_suite
from llm.baseline import KeywordPlanner
from llm.client import Proposal


class OneTrickPlanner:
    """A clearly worse planner: whatever is asked, it lists deployments."""

    def __init__(self, registry) -> None:
        self.registry = registry

    def propose(self, text, *, context, live):
        call = self.registry.parse_call({"tool": "list_deployments", "args": {}})
        return Proposal(call, "{}", "one-trick", None, 0.001, 3, False)


@pytest.fixture(scope="module")
def results(registry):
    judge = build_risk_judge(registry)
    cases = load_suite("handwritten")
    out = {}
    for name, planner in (
        ("keyword", KeywordPlanner(registry=registry)),
        ("worse", OneTrickPlanner(registry)),
    ):
        records = run_cases(cases, planner, registry=registry, judge=judge)
        out[name] = build_result(
            suite="handwritten", model={"name": name}, metrics=compute_metrics(records),
            records=records, command="test", machine="test machine",
        )  # fmt: skip
    return out


def test_gate_fails_for_a_clearly_worse_result(results):
    comparison = compare_results(results["keyword"], results["worse"])
    assert comparison["paired"] and not comparison["passed"]
    assert {"tool_accuracy", "exact_accuracy", "non_action_recall"} <= set(
        comparison["regressions"]
    )


def test_gate_passes_for_an_equal_or_better_result(results):
    assert compare_results(results["keyword"], results["keyword"])["passed"]
    assert compare_results(results["worse"], results["keyword"])["passed"]


def test_gate_ignores_noise(results):
    """One case flipped from right to wrong is not a significant drop."""
    noisy = json.loads(json.dumps(results["keyword"]))
    flipped = next(r for r in noisy["records"] if r["exact"] and r["tool_ok"])
    flipped.update(tool_ok=False, exact=False, actual={"tool": "list_nodes", "args": {}})
    noisy["metrics"] = compute_metrics(noisy["records"])
    comparison = compare_results(results["keyword"], noisy)
    assert comparison["passed"], comparison["regressions"]
    unpaired = {**noisy, "records": []}  # falls back to the two-proportion test
    assert compare_results(results["keyword"], unpaired)["passed"]


def test_compare_command_exit_codes(results, tmp_path):
    paths = {n: write_result(r, tmp_path / f"{n}.json") for n, r in results.items()}
    app = typer.Typer()
    register(app, serve=typer.Typer())
    runner = CliRunner()
    worse = runner.invoke(app, ["eval", "compare", str(paths["keyword"]), str(paths["worse"])])
    assert worse.exit_code == 1, worse.output
    assert "REGRESSION" in worse.output and "gate: FAIL" in worse.output
    assert re.search(r"scale_deployment\s+\S+%\s+0\.0%", worse.output)
    same = runner.invoke(app, ["eval", "compare", str(paths["keyword"]), str(paths["keyword"])])
    assert same.exit_code == 0, same.output
    assert "gate: PASS" in same.output
    (tmp_path / "junk.json").write_text("[1, 2]")
    bad = runner.invoke(
        app, ["eval", "compare", str(paths["keyword"]), str(tmp_path / "junk.json")]
    )
    assert bad.exit_code == 2 and "not an eval result" in bad.output


def test_report_has_metrics_plots_and_failures(results, tmp_path):
    html = render_report(results["worse"])
    images = re.findall(r'src="data:image/png;base64,([A-Za-z0-9+/=]+)"', html)
    assert len(images) == 3
    assert all(base64.b64decode(image)[:8] == b"\x89PNG\r\n\x1a\n" for image in images)
    failure_count = sum(not r["exact"] for r in results["worse"]["records"])
    assert f"Failures ({failure_count})" in html
    assert "deploy a redis to staging with 2GB of memory" in html  # a failed case's text
    assert "&#34;tool&#34;: &#34;deploy_service&#34;" in html  # its expected call, escaped
    path = write_result(results["worse"], tmp_path / "r.json")
    assert read_result(path)["metrics"]["cases"] == len(results["worse"]["records"])


def test_release_summary_lists_runs_and_gates(results, tmp_path):
    from evals.release import _gate, write_summary

    paths = {
        ("handwritten", n): write_result(r, tmp_path / f"handwritten-{n}.json")
        for n, r in results.items()
    }
    gate = _gate(
        "handwritten", paths[("handwritten", "keyword")], paths[("handwritten", "worse")], tmp_path
    )
    assert not gate["passed"] and (tmp_path / "gate-handwritten-keyword-vs-worse.txt").exists()
    summary = write_summary(paths, [gate], out=tmp_path, command="chatops eval release").read_text()
    assert "| metric | keyword | worse |" in summary
    assert "handwritten: `handwritten-keyword.json` -> `handwritten-worse.json`: **FAIL" in summary
    assert "Machine: test machine" in summary
    assert "Scenario assistant" not in summary  # no scenario run, no wiring to name
    with_scenarios = write_summary(
        paths, [gate], out=tmp_path, command="chatops eval release",
        assistant="bot.eval_assistant:make_assistant",
    ).read_text()  # fmt: skip
    assert "Scenario assistant: `bot.eval_assistant:make_assistant`" in with_scenarios
