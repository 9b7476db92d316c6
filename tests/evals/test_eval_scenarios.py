"""Scenario suite: the real engine and sandbox clusters, judged by the cluster's state."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from evals.cases import CaseError
from evals.cli import register
from evals.scenario_run import scenario_metrics
from evals.scenario_suite import SCENARIOS_DIR, run_scenarios, sandbox_clusters
from evals.scenarios import load_scenarios
from llm.baseline import KeywordPlanner

HERE = Path(__file__).parent


@pytest.fixture(scope="module")
def clusters(tmp_path_factory):
    with sandbox_clusters(tmp_path_factory.mktemp("clusters")) as tool_settings:
        yield tool_settings


def test_scenario_files_load():
    scenarios = load_scenarios(SCENARIOS_DIR)
    assert len(scenarios) >= 12
    kinds = {step.expect for s in scenarios for step in s.steps}
    assert {"answer", "approval", "refusal", "clarify", "info"} <= kinds


@pytest.mark.parametrize(
    ("text", "line", "reason"),
    [
        ("- id: a\n  channel: {cluster: c, namespace: n}\n  steps: []\n", 1, "steps"),
        (
            "- id: a\n  channel: {cluster: c, namespace: n}\n  steps: [{as: bob}]\n",
            1,
            "exactly one",
        ),
        (
            "- id: ok\n  channel: {cluster: c, namespace: n}\n  steps: [{as: bob, say: hi}]\n"
            "- id: b\n  channel: {cluster: c, namespace: n}\n  steps: [{as: bob, say: hi}]\n"
            "  verify: [{pod: {name: x}}]\n",
            4,
            "kind",
        ),
    ],
)
def test_malformed_scenarios_name_file_and_line(tmp_path, text, line, reason):
    path = tmp_path / "bad.yaml"
    path.write_text(text)
    with pytest.raises(CaseError) as info:
        load_scenarios(path)
    assert (info.value.path, info.value.line) == (str(path), line)
    assert reason in info.value.reason


def test_the_real_engine_passes_every_scenario(clusters, tmp_path):
    from eval_engine_assistant import make_assistant

    scenarios = load_scenarios(SCENARIOS_DIR)
    records = run_scenarios(
        scenarios, make_assistant=make_assistant, planner=KeywordPlanner(),
        tool_settings=clusters, workdir=tmp_path,
    )  # fmt: skip
    failed = {r["id"]: (r["error"], r["steps"], r["verify"]) for r in records if not r["passed"]}
    assert not failed, failed
    metrics = scenario_metrics(records)
    assert metrics["state_checks"]["n"] >= 15 and metrics["decision_agreement"]["value"] == 1.0


@dataclass
class Said:
    kind: str
    text: str
    approval_id: str | None = None


class YesMan:
    """Claims to do everything and does nothing: the state checks must catch it."""

    def handle(self, text, *, user, channel):
        return [Said("approval", f"ok: {text}", approval_id="ap-1")]

    def decide(self, approval_id, *, user, approve):
        return [Said("answer", "done")]


def test_state_checks_catch_an_assistant_that_only_talks(clusters, tmp_path):
    scenarios = [s for s in load_scenarios(SCENARIOS_DIR) if s.id == "sc-scale-approved"]
    (record,) = run_scenarios(
        scenarios, make_assistant=lambda env: YesMan(), planner=None,
        tool_settings=clusters, workdir=tmp_path,
    )  # fmt: skip
    assert all(step["ok"] for step in record["steps"])  # the replies looked right...
    assert not record["passed"]  # ...but the cluster did not change
    assert record["verify"][0]["problems"] == [
        "deployment sc-web in staging: replicas 1, expected 3"
    ]
    still = run_scenarios(
        scenarios, make_assistant=lambda env: YesMan(), planner=None,
        tool_settings=clusters, workdir=tmp_path / "again",
    )  # fmt: skip
    assert still[0]["error"] is None  # cleanup removed sc-web, so setup could create it again


def test_scenario_command_writes_results(tmp_path):
    app = typer.Typer()
    register(app, serve=typer.Typer())
    wiring = f"{HERE / 'eval_engine_assistant.py'}:make_assistant"
    args = [
        "eval", "--suite", "scenarios", "--model", "keyword", "--limit", "2", "--no-progress",
        "--out", str(tmp_path), "--assistant", wiring,
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    data = json.loads((tmp_path / "scenarios-keyword-baseline.json").read_text())
    assert data["metrics"]["scenario_pass_rate"]["k"] == 2
    assert "sc-scale-approved" in (tmp_path / "scenarios-keyword-baseline.html").read_text()
    missing = CliRunner().invoke(app, args[:-2])
    assert missing.exit_code != 0 and "--assistant" in str(missing.exception)
