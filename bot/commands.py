"""The bot's commands: `chatops demo`, `chatops plan`, `chatops audit`.

The Slack and Teams adapters register `chatops serve slack|teams` from their own
packages (bot/slack/cli.py, bot/teams/cli.py) when present.
"""

from __future__ import annotations

import getpass
import importlib
import json
import re
from datetime import UTC, datetime, timedelta
from pathlib import Path

import typer
from rich.console import Console
from rich.table import Table

from bot.chat import ChatRequest
from bot.settings import Settings, load_settings
from bot.yaml_lines import ConfigError

ADAPTER_COMMANDS = ("bot.slack.cli", "bot.teams.cli")
CONFIG_HELP = "Settings YAML (default: $CHATOPS_CONFIG, else the embedded local defaults)."


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add demo, plan and audit; let the chat adapters add their `serve` commands."""
    app.command("demo")(demo)
    app.command("plan")(plan)
    app.command("audit")(audit)
    for module_name in ADAPTER_COMMANDS:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue
        module.register(app, serve=serve)


def _settings(config: Path | None) -> Settings:
    try:
        return load_settings(config)
    except ConfigError as exc:
        typer.echo(f"Settings error: {exc}", err=True)
        raise typer.Exit(2) from None


def demo(
    planner: str = typer.Option(
        "model",
        help="'model' (our trained model via vLLM) or 'keyword' (the keyword baseline, no model).",
    ),
    train: bool = typer.Option(True, help="Train the default model if it is missing."),
    sandbox: bool = typer.Option(True, help="Start the sandbox cluster with demo workloads."),
    state_dir: Path = typer.Option(Path(".chatops"), help="Database, kubeconfig, history."),
    user: str = typer.Option("alice", "--as", help="User to start as (switch with /as)."),
    config: Path | None = typer.Option(None, envvar="CHATOPS_CONFIG", help=CONFIG_HELP),
) -> None:
    """The main job: sandbox cluster + model + SQLite + a terminal chat as any user."""
    from bot.demo import DemoError, DemoOptions, run_demo
    from llm.errors import ArtifactError, ServerStartError

    if planner not in ("model", "keyword"):
        raise typer.BadParameter("use 'model' or 'keyword'", param_hint="--planner")
    options = DemoOptions(
        config=config, planner=planner, train=train, sandbox=sandbox, state_dir=state_dir, user=user
    )
    console = Console()
    try:
        run_demo(options, console=console)
    except (DemoError, ConfigError, ArtifactError, ServerStartError) as exc:
        typer.echo(f"Cannot start the demo: {exc}", err=True)
        raise typer.Exit(2) from None


def plan(
    text: str = typer.Argument(..., help="The chat message, e.g. 'scale web to 3 in staging'."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON."),
    user: str = typer.Option(getpass.getuser(), "--user", help="Who asks (for the decision)."),
    channel: str = typer.Option("local", help="Channel id (for its default cluster/namespace)."),
    planner: str | None = typer.Option(None, help="Override the planner: model or keyword."),
    config: Path | None = typer.Option(None, envvar="CHATOPS_CONFIG", help=CONFIG_HELP),
) -> None:
    """Show the call proposed for one message and the policy's decision; nothing runs."""
    from bot.assembly import build_engine
    from llm.errors import PlannerError

    settings = _settings(config)
    if planner is not None:
        model = settings.model.model_copy(update={"planner": planner})
        settings = settings.model_copy(update={"model": model})
    try:
        engine = build_engine(settings)
        preview = engine.preview(
            ChatRequest(platform="local", user_id=user, channel_id=channel, text=text)
        )
    except (ConfigError, PlannerError) as exc:
        typer.echo(f"{type(exc).__name__}: {exc}", err=True)
        raise typer.Exit(1) from None
    _print_preview(preview, as_json=as_json)


def _print_preview(preview, *, as_json: bool) -> None:
    proposal, prepared, decision = preview.proposal, preview.prepared, preview.decision
    result = {
        "proposed": proposal.call.as_dict(),
        "call": prepared.call.as_dict() if prepared else None,
        "target": prepared.target.model_dump(mode="json") if prepared else None,
        "risk": prepared.risk.value if prepared else None,
        "production": prepared.production if prepared else None,
        "decision": decision.as_dict() if decision else None,
        "error": preview.error,
        "model": proposal.model,
        "adapter": proposal.adapter,
        "latency_s": round(proposal.latency_s, 3),
        "offered_tools": list(offered) if (offered := proposal.offered_tools) else None,
    }
    if as_json:
        typer.echo(json.dumps(result, indent=2))
        return
    console = Console()
    for key, value in result.items():
        if value is not None:
            shown = json.dumps(value) if isinstance(value, dict | list) else str(value)
            console.print(f"[bold]{key:>10}[/bold]  {shown}", markup=True, highlight=False)


def parse_since(value: str, *, now: datetime) -> datetime:
    """'30m', '2h', '7d' (ago) or an ISO date/time (UTC when no zone)."""
    match = re.fullmatch(r"(\d+)\s*([smhd])", value.strip())
    if match:
        unit = {"s": "seconds", "m": "minutes", "h": "hours", "d": "days"}[match.group(2)]
        return now - timedelta(**{unit: int(match.group(1))})
    try:
        parsed = datetime.fromisoformat(value)
    except ValueError:
        raise typer.BadParameter(
            "use e.g. 30m, 2h, 7d or 2026-01-31T12:00", param_hint="--since"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def audit(
    user: str | None = typer.Option(None, help="Only records of this user."),
    tool: str | None = typer.Option(None, help="Only records about this tool."),
    since: str | None = typer.Option(None, help="Only newer records: 30m, 2h, 7d or ISO time."),
    limit: int = typer.Option(50, min=1, max=10000, help="At most this many (the newest)."),
    as_json: bool = typer.Option(False, "--json", help="Print JSON (one array)."),
    config: Path | None = typer.Option(None, envvar="CHATOPS_CONFIG", help=CONFIG_HELP),
) -> None:
    """List audit records, oldest first, filtered."""
    from bot.store import open_store

    settings = _settings(config)
    since_at = parse_since(since, now=datetime.now(UTC)) if since else None
    store = open_store(settings.database_url)
    try:
        entries = store.audit.query(user_id=user, tool=tool, since=since_at, limit=limit)
    finally:
        store.close()
    if as_json:
        rows = [{**vars(e), "at": e.at.isoformat()} for e in entries]
        typer.echo(json.dumps(rows, indent=2, default=str))
        return
    table = Table("at (UTC)", "event", "user", "tool", "decision", "approval", "detail")
    for e in entries:
        decision = (e.decision or {}).get("kind", "")
        detail = e.error or (json.dumps(e.call["args"]) if e.call else "") or (e.text or "")
        table.add_row(
            f"{e.at:%Y-%m-%d %H:%M:%S}",
            e.event,
            e.user_id,
            e.tool or "",
            decision,
            e.approval_id or "",
            detail[:80],
        )
    Console().print(table)
