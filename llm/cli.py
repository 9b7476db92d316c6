"""`chatops serve model` (vLLM on a trained artifact) and `chatops bench` (measure it).

Heavy imports (vLLM, torch) happen in the server subprocess, never here.
"""

from __future__ import annotations

import json
import shlex
from pathlib import Path

import typer


def _fail(message: str, *, code: int) -> None:
    typer.secho(message, fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


def serve_model(
    artifact: Path = typer.Option(
        Path("artifacts/models/default"), help="Model artifact folder written by `chatops train`."
    ),
    port: int = typer.Option(8000, help="Port to listen on (0 picks a free one)."),
    host: str = typer.Option("127.0.0.1", help="Address to listen on."),
    no_adapter: bool = typer.Option(False, "--no-adapter", help="Serve the bare base model."),
    adapter_name: str = typer.Option("planton", help="Name clients send as `model`."),
    max_model_len: int | None = typer.Option(
        None, help="Longest prompt + answer in tokens (default: the model's, at most 1024)."
    ),
    log: Path | None = typer.Option(None, help="vLLM log file (default: a temp folder)."),
    kv_cache_gib: float = typer.Option(0.25, help="CPU only: KV cache size in GiB."),
    merge_adapter: bool = typer.Option(
        False, "--merge-adapter", help="Serve base+adapter merged: faster, no bare base."
    ),
    startup_timeout: float = typer.Option(900.0, help="Seconds to wait for readiness."),
) -> None:
    """Serve the model through vLLM's OpenAI-compatible API until Ctrl-C."""
    from llm.errors import ArtifactError, ServerStartError
    from llm.server import VllmServer, tail

    try:
        server = VllmServer(
            artifact,
            port=port,
            host=host,
            with_adapter=not no_adapter,
            adapter_name=adapter_name,
            max_model_len=max_model_len,
            log_path=log,
            startup_timeout_s=startup_timeout,
            kv_cache_gib=kv_cache_gib,
            merge_adapter=merge_adapter,
        )
    except ArtifactError as exc:
        _fail(str(exc), code=2)
    typer.echo(f"Starting vLLM on {artifact} (log: {server.log_path}) ...")
    try:
        server.start()
    except ServerStartError as exc:
        _fail(str(exc), code=1)
    typer.echo(
        f"Ready in {server.startup_s:.1f} s: base_url={server.base_url} "
        f"model={server.model_name} (base: {server.base_model_name}). Ctrl-C stops it."
    )
    try:
        code = server.wait()
    except KeyboardInterrupt:
        typer.echo("Stopping ...")
        server.stop()
        return
    server.stop()
    _fail(f"vLLM exited with code {code}:\n{tail(server.log_path)}", code=1)


def bench(
    url: str = typer.Option("http://127.0.0.1:8000/v1", help="OpenAI-compatible base URL."),
    model: str = typer.Option("planton", help="Model or adapter name to send."),
    requests: int = typer.Option(64, help="Requests per concurrency level (at least the level)."),
    concurrency: str = typer.Option("1,8,32", help="Comma-separated concurrency levels."),
    artifact: Path | None = typer.Option(
        None, help="Start a server on this artifact for the run (then --url is ignored)."
    ),
    server_pid: int | None = typer.Option(
        None, help="PID of the server (default: the process listening on the URL's port)."
    ),
    out: Path = typer.Option(Path("runs/bench/bench"), help="Writes OUT.json and OUT.md."),
    merge_adapter: bool = typer.Option(
        False, "--merge-adapter", help="With --artifact: serve base+adapter merged."
    ),
    kv_cache_gib: float = typer.Option(0.25, help="With --artifact: KV cache size in GiB."),
    shortlist: bool = typer.Option(
        True,
        help="With --artifact: choose the tools with the artifact's tool shortlist, as the "
        "bot does (llm/tool_shortlist.py); its time counts in the latency.",
    ),
) -> None:
    """Measure latency p50/p95, requests/s, time to first token and server memory."""
    from urllib.parse import urlparse

    from llm.bench import listening_pid, render_markdown, run_benchmark
    from llm.errors import ArtifactError, PlannerError, ServerStartError
    from llm.server import VllmServer
    from tools.registry import ToolRegistry

    try:
        levels = tuple(int(level) for level in concurrency.split(","))
    except ValueError:
        _fail(f"--concurrency must be integers separated by commas, not {concurrency!r}", code=2)
    if requests < 1 or any(level < 1 for level in levels):
        _fail("--requests and every concurrency level must be at least 1", code=2)
    registry = ToolRegistry()
    parts = ["chatops", "bench", "--requests", str(requests), "--concurrency", concurrency]
    if artifact:
        parts += ["--artifact", str(artifact), "--kv-cache-gib", f"{kv_cache_gib:g}"]
        parts += ["--merge-adapter"] if merge_adapter else []
        parts += [] if shortlist else ["--no-shortlist"]
    else:
        parts += ["--url", url, "--model", model]
    command = shlex.join([*parts, "--out", str(out)])
    server = tool_shortlist = None
    try:
        if artifact is not None:
            if shortlist:
                from llm.tool_shortlist import ToolShortlist

                tool_shortlist = ToolShortlist.of_artifact(artifact)
            server = VllmServer(
                artifact,
                port=0,
                registry=registry,
                merge_adapter=merge_adapter,
                kv_cache_gib=kv_cache_gib,
            ).start()
            url, model = server.base_url, server.model_name
            typer.echo(f"Server ready in {server.startup_s:.1f} s at {url}")
        pid = server_pid or (server.pid() if server else None)
        pid = pid or listening_pid(urlparse(url).port or 80)
        result = run_benchmark(
            base_url=url, model=model, registry=registry, requests=requests, levels=levels,
            server_pid=pid, shortlist=tool_shortlist,
        )  # fmt: skip
        if server is not None:
            result["startup_s"] = round(server.startup_s or 0.0, 1)
    except (ArtifactError, ServerStartError, PlannerError) as exc:
        _fail(f"{type(exc).__name__}: {exc}", code=1)
    finally:
        if server is not None:
            server.stop()
    result["command"] = command
    out.parent.mkdir(parents=True, exist_ok=True)
    out.with_suffix(".json").write_text(json.dumps(result, indent=2) + "\n")
    markdown = render_markdown(result, command=command)
    out.with_suffix(".md").write_text(markdown)
    typer.echo(markdown)


def register(app: typer.Typer, *, serve: typer.Typer) -> None:
    """Add `serve model` to the serve group and `bench` to the app."""
    serve.command("model")(serve_model)
    app.command("bench")(bench)
