"""`chatops tools`: list the tools with their risk, show one tool's schema, dump the call schema."""

from __future__ import annotations

import json

import typer


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `chatops tools [show NAME | schema]` to the main app."""
    tools_app = typer.Typer(
        help="The tools the assistant can call: names, risk, arguments.",
        invoke_without_command=True,
    )

    @tools_app.callback()
    def list_tools(ctx: typer.Context) -> None:
        """List every tool with its risk and a one-line description."""
        if ctx.invoked_subcommand is not None:
            return
        from rich.console import Console
        from rich.table import Table

        from tools.registry import ToolRegistry

        registry = ToolRegistry()
        table = Table(title=f"{len(registry.tools)} tools")
        table.add_column("tool", style="bold")
        table.add_column("risk")
        table.add_column("description")
        colours = {"read": "green", "write": "yellow", "destructive": "red"}
        for name in registry.names(include_non_actions=False):
            tool = registry.get(name)
            risk = tool.base_risk.value
            table.add_row(name, f"[{colours[risk]}]{risk}[/]", tool.description)
        Console().print(table)

    @tools_app.command("show")
    def show_tool(name: str = typer.Argument(help="Tool name, e.g. scale_deployment.")) -> None:
        """Print one tool's risk, argument JSON schema and example requests."""
        from tools.registry import NON_ACTIONS, InvalidCall, ToolRegistry

        registry = ToolRegistry()
        try:
            model = registry.args_model(name)
        except InvalidCall:
            known = ", ".join(registry.names())
            typer.echo(f"Unknown tool '{name}'. Known tools: {known}", err=True)
            raise typer.Exit(code=2) from None
        if name in NON_ACTIONS:
            typer.echo(f"{name} (non-action)")
        else:
            tool = registry.get(name)
            typer.echo(f"{name}  risk: {tool.base_risk.value}\n{tool.description}")
        typer.echo(json.dumps(model.model_json_schema(), indent=2))
        examples = () if name in NON_ACTIONS else registry.get(name).examples
        if examples:
            typer.echo("examples:")
            for example in examples:
                typer.echo(f"  - {example}")

    @tools_app.command("schema")
    def print_schema() -> None:
        """Print the JSON schema of every valid call (what the model is constrained to)."""
        from tools.registry import ToolRegistry

        typer.echo(json.dumps(ToolRegistry().call_schema(), indent=2))

    app.add_typer(tools_app, name="tools")
