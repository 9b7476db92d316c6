"""The one `chatops` command. Each capability registers its own subcommands next to its code.

Every module listed here exposes `register(app: typer.Typer) -> None`. Importing them is
cheap (heavy imports such as torch or vLLM happen inside the commands).
"""

from __future__ import annotations

import importlib

import typer

# Order is the order of `chatops --help`.
COMMAND_MODULES = (
    "bot.commands",  # demo, plan, serve slack/teams, audit
    "tools.cli",  # tools, tools show
    "tools.k8s.sandbox.cli",  # sandbox
    "training.cli",  # train, data
    "llm.cli",  # serve model, bench
    "evals.cli",  # eval, eval compare
)


def build_app() -> typer.Typer:
    app = typer.Typer(
        name="chatops",
        help="Planton ChatOps: chat requests -> validated tool calls -> policy -> clusters.",
        no_args_is_help=True,
        pretty_exceptions_enable=False,
    )
    serve = typer.Typer(help="Run a server: the model (vLLM), the Slack or the Teams bot.")
    app.add_typer(serve, name="serve")
    for module_name in COMMAND_MODULES:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:  # a real missing dependency, not a missing module
                raise
            continue
        module.register(app, serve=serve)
    return app


def main() -> None:
    build_app()()


if __name__ == "__main__":
    main()
