"""`chatops tools`, `chatops tools show NAME` and `chatops tools schema`."""

from __future__ import annotations

import json

import typer
from typer.testing import CliRunner

from tools import cli
from tools.registry import ToolRegistry


def make_app() -> typer.Typer:
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Test root (so `tools` is a subcommand)."""

    cli.register(app, serve=typer.Typer())
    return app


RUNNER = CliRunner()


def test_tools_lists_every_tool_with_its_risk():
    result = RUNNER.invoke(make_app(), ["tools"], env={"COLUMNS": "250"})
    assert result.exit_code == 0, result.output
    registry = ToolRegistry()
    for name in registry.names(include_non_actions=False):
        line = next(row for row in result.output.splitlines() if f" {name} " in row)
        assert registry.get(name).base_risk.value in line
    assert "drain_node" in result.output and "destructive" in result.output


def test_show_prints_schema_and_examples():
    result = RUNNER.invoke(make_app(), ["tools", "show", "scale_deployment"])
    assert result.exit_code == 0, result.output
    assert "risk: write" in result.output
    start = result.output.index("{")
    end = result.output.index("examples:")
    schema = json.loads(result.output[start:end])
    assert schema["properties"]["replicas"]["maximum"] == 100
    assert "scale web to 5 replicas" in result.output


def test_show_unknown_tool_fails_with_known_names():
    result = RUNNER.invoke(make_app(), ["tools", "show", "launch_missiles"])
    assert result.exit_code == 2
    assert "Unknown tool 'launch_missiles'" in result.output
    assert "scale_deployment" in result.output


def test_show_non_action():
    result = RUNNER.invoke(make_app(), ["tools", "show", "clarify"])
    assert result.exit_code == 0
    assert "non-action" in result.output


def test_schema_prints_the_call_schema():
    result = RUNNER.invoke(make_app(), ["tools", "schema"])
    assert result.exit_code == 0
    assert json.loads(result.output) == ToolRegistry().call_schema()
