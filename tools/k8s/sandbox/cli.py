"""`chatops sandbox`: run the Kubernetes sandbox in the foreground until Ctrl-C."""

from __future__ import annotations

import threading
from pathlib import Path

import typer

DEFAULT_KUBECONFIG = Path(".chatops/sandbox-kubeconfig.yaml")


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `chatops sandbox` to the main app."""

    @app.command("sandbox")
    def run_sandbox(
        seed: str = typer.Option(
            "demo", help="Cluster to start with: 'demo' (staging/prod workloads) or 'empty'."
        ),
        host: str = typer.Option("127.0.0.1", help="Address to listen on."),
        port: int = typer.Option(8443, min=0, max=65535, help="Port (0 picks a free one)."),
        kubeconfig: Path = typer.Option(
            DEFAULT_KUBECONFIG, help="Where to write the kubeconfig for kubectl and the bot."
        ),
        state: Path | None = typer.Option(
            None, help="JSON file to load the cluster from (when it exists) and save it to."
        ),
        context: str = typer.Option("sandbox", help="Context name in the written kubeconfig."),
        pod_ready_delay: float = typer.Option(
            1.0, min=0.0, max=600.0, help="Seconds a new pod spends in ContainerCreating."
        ),
    ) -> None:
        """Serve a Kubernetes API (kubectl and the official client work against it)."""
        from tools.k8s.sandbox.server import SandboxServer

        if seed not in ("demo", "empty"):
            typer.echo(f"Unknown seed '{seed}'. Known seeds: demo, empty.", err=True)
            raise typer.Exit(code=2)
        server = SandboxServer(
            seed=None if seed == "empty" else seed,
            state_file=state,
            pod_ready_delay_s=pod_ready_delay,
            host=host,
            port=port,
        )
        try:
            server.start()
        except OSError as exc:
            typer.echo(f"Cannot listen on {host}:{port}: {exc.strerror or exc}", err=True)
            raise typer.Exit(code=1) from None
        except ValueError as exc:
            typer.echo(str(exc), err=True)
            raise typer.Exit(code=1) from None
        try:  # from here on, Ctrl-C (even an early one) stops the server cleanly
            path = server.write_kubeconfig(kubeconfig, context=context)
            typer.echo(f"Kubernetes sandbox ({seed}) serving at {server.url}")
            typer.echo(f"kubeconfig: {path}")
            typer.echo(f"try: kubectl --kubeconfig {path} get deploy -A")
            if state is not None:
                typer.echo(f"state file: {state}")
            typer.echo("Press Ctrl-C to stop.", err=True)
            threading.Event().wait()
        except KeyboardInterrupt:
            typer.echo("stopping", err=True)
        finally:
            server.stop()
