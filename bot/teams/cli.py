"""`chatops serve teams`: the Teams bot's /api/messages endpoint."""

from __future__ import annotations

from pathlib import Path

import typer
from rich.console import Console

CONFIG_HELP = "Settings YAML (default: $CHATOPS_CONFIG, else the embedded local defaults)."


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `serve teams`."""
    serve.command("teams")(serve_teams)


def serve_teams(
    host: str | None = typer.Option(None, help="Address to listen on."),
    port: int | None = typer.Option(None, help="Port (0: any free port)."),
    config: Path | None = typer.Option(None, envvar="CHATOPS_CONFIG", help=CONFIG_HELP),
) -> None:
    """Serve the Teams bot (Bot Framework) on /api/messages.

    With teams.app_id set (and CHATOPS_TEAMS__APP_PASSWORD), inbound tokens are verified
    and bad ones get 401; with no app id authentication is off (local testing only).
    """
    from bot.assembly import build_engine
    from bot.settings import load_settings
    from bot.teams.serving import TeamsAuth, TeamsServer
    from bot.yaml_lines import ConfigError

    console = Console(stderr=True)
    try:
        settings = load_settings(config)
        teams = settings.teams
        auth = TeamsAuth(
            app_id=teams.app_id,
            app_password=teams.app_password.get_secret_value() if teams.app_password else None,
            tenant_id=teams.tenant_id,
        )
        if auth.app_id and not auth.app_password:
            raise ConfigError("teams.app_id is set: CHATOPS_TEAMS__APP_PASSWORD is needed too")
        engine = build_engine(settings)
    except ConfigError as exc:
        console.print(f"[red]Cannot start the Teams bot:[/red] {exc}", markup=True)
        raise typer.Exit(2) from None
    if not auth.app_id:
        console.print("[yellow]No teams.app_id: inbound requests are NOT authenticated.[/yellow]")
    server = TeamsServer(
        engine=engine, auth=auth, host=host or teams.host, port=teams.port if port is None else port
    )
    try:
        server.start()
        typer.echo(f"Teams messaging endpoint: {server.url}")
        server.wait()
    except KeyboardInterrupt:
        pass
    finally:
        server.stop()
        engine.store.close()
