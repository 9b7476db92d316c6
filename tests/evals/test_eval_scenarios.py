"""Scenario suite: the real engine and sandbox clusters, judged by the cluster's state."""

from __future__ import annotations

import json
from dataclasses import dataclass

import pytest
import typer
from typer.testing import CliRunner

from bot.eval_assistant import make_assistant
from evals.cases import CaseError
from evals.cli import DEFAULT_ASSISTANT, register
from evals.scenario_run import ScenarioEnvironment, scenario_metrics
from evals.scenario_suite import SCENARIOS_DIR, run_scenarios, sandbox_clusters
from evals.scenarios import load_scenarios
from llm.baseline import KeywordPlanner


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


def test_scenario_command_uses_the_engine_by_default(tmp_path):
    app = typer.Typer()
    register(app, serve=typer.Typer())
    args = [
        "eval", "--suite", "scenarios", "--model", "keyword", "--limit", "2", "--no-progress",
        "--out", str(tmp_path),
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    data = json.loads((tmp_path / "scenarios-keyword-baseline.json").read_text())
    assert data["model"]["assistant"] == DEFAULT_ASSISTANT == "bot.eval_assistant:make_assistant"
    assert data["metrics"]["scenario_pass_rate"]["k"] == 2
    assert "sc-scale-approved" in (tmp_path / "scenarios-keyword-baseline.html").read_text()


def test_scenario_command_takes_a_factory_from_a_file(tmp_path):
    wiring = tmp_path / "my_wiring.py"
    wiring.write_text("from bot.eval_assistant import make_assistant as build\n")
    app = typer.Typer()
    register(app, serve=typer.Typer())
    args = [
        "eval", "--suite", "scenarios", "--model", "keyword", "--limit", "1", "--no-progress",
        "--out", str(tmp_path / "out"), "--assistant", f"{wiring}:build",
    ]  # fmt: skip
    result = CliRunner().invoke(app, args)
    assert result.exit_code == 0, (result.output, result.exception)
    data = json.loads((tmp_path / "out" / "scenarios-keyword-baseline.json").read_text())
    assert data["model"]["assistant"] == f"{wiring}:build"
    assert data["metrics"]["scenario_pass_rate"]["k"] == 1


@pytest.mark.parametrize(
    ("spec", "named"),
    [
        ("bot.no_such_wiring:make_assistant", "no module named 'bot.no_such_wiring'"),
        ("bot.eval_assistant:make_assistent", "has no function 'make_assistent'"),
        ("no/such/file.py:make_assistant", "no file 'no/such/file.py'"),
        ("bot.eval_assistant", "expected MODULE:FUNCTION"),
    ],
)
def test_a_wrong_assistant_names_what_was_not_found(tmp_path, spec, named):
    app = typer.Typer()
    register(app, serve=typer.Typer())
    for command in (
        ["eval", "--suite", "scenarios", "--model", "keyword", "--out", str(tmp_path)],
        ["eval", "release", "--suites", "scenarios", "--out", str(tmp_path)],
    ):
        result = CliRunner().invoke(app, [*command, "--assistant", spec])
        assert result.exit_code == 2, (result.output, result.exception)
        output = " ".join(result.output.replace("│", " ").split())  # unwrap rich's error box
        assert "--assistant" in output and named in output, output
    assert list(tmp_path.iterdir()) == []  # nothing ran


def test_eval_help_shows_the_default_assistant():
    app = typer.Typer()
    register(app, serve=typer.Typer())
    for command in (["eval", "--help"], ["eval", "release", "--help"]):
        result = CliRunner().invoke(app, command, env={"COLUMNS": "200"})
        assert result.exit_code == 0, result.output
        assert "default: bot.eval_assistant:make_assistant" in result.output, result.output


def test_make_assistant_refuses_to_run_without_the_planner_under_test(tmp_path):
    env = ScenarioEnvironment(tool_settings=None, channels={}, planner=None, workdir=tmp_path)
    with pytest.raises(ValueError, match="env.planner"):
        make_assistant(env)
