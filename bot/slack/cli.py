"""`chatops serve slack [--socket-mode]`: the Slack bot over HTTP or Socket Mode."""

from __future__ import annotations

import sys
import threading
from pathlib import Path

import typer
from rich.console import Console

CONFIG_HELP = "Settings YAML (default: $CHATOPS_CONFIG, else the embedded local defaults)."


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `serve slack`."""
    serve.command("slack")(serve_slack)


def serve_slack(
    socket_mode: bool = typer.Option(
        False, "--socket-mode", help="Connect out over Socket Mode (needs the xapp- app token)."
    ),
    host: str | None = typer.Option(None, help="HTTP mode: address to listen on."),
    port: int | None = typer.Option(None, help="HTTP mode: port (0: any free port)."),
    config: Path | None = typer.Option(None, envvar="CHATOPS_CONFIG", help=CONFIG_HELP),
) -> None:
    """Serve the Slack app: mentions, DMs, /ops and approval buttons.

    Tokens come from the environment: CHATOPS_SLACK__BOT_TOKEN, CHATOPS_SLACK__SIGNING_SECRET
    (HTTP mode), CHATOPS_SLACK__APP_TOKEN (Socket Mode).
    """
    from bot.assembly import build_engine
    from bot.settings import load_settings
    from bot.slack.app import build_slack_bot
    from bot.slack.serving import SlackHttpServer, start_socket_mode
    from bot.yaml_lines import ConfigError

    # Acks must not wait behind the engine's worker threads: hand the GIL over every
    # 1 ms instead of 5 ms (measured with bot/slack/loadbench.py: about half the p99).
    sys.setswitchinterval(0.001)
    console = Console(stderr=True)
    try:
        settings = load_settings(config)
        slack = settings.slack
        updates = {"mode": "socket" if socket_mode else slack.mode, "host": host or slack.host}
        slack = slack.model_copy(update={**updates, "port": slack.port if port is None else port})
        if slack.mode == "socket" and slack.app_token is None:
            raise ConfigError("Socket Mode needs CHATOPS_SLACK__APP_TOKEN (xapp-...)")
        engine = build_engine(settings)
        bot = build_slack_bot(engine=engine, settings=slack)
    except (ConfigError, ValueError) as exc:
        console.print(f"[red]Cannot start the Slack bot:[/red] {exc}", markup=True)
        raise typer.Exit(2) from None
    try:
        if slack.mode == "socket":
            handler = start_socket_mode(bot.app, app_token=slack.app_token.get_secret_value())
            console.print("Slack bot connected over Socket Mode. Ctrl-C stops it.")
            try:
                threading.Event().wait()
            finally:
                handler.close()
        else:
            server = SlackHttpServer(bot.app, host=slack.host, port=slack.port)
            # One line a supervisor (or a test) can read to learn the port.
            typer.echo(f"Slack events endpoint: {server.url}")
            server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        bot.close()
        engine.store.close()
