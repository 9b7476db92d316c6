"""`chatops demo`: start what is missing, then open the local terminal chat.

Missing pieces are started in this process and stopped on exit: the sandbox cluster
with its demo workloads (a thread), the model (trained once if absent, then served by
vLLM in a child process) unless the keyword planner is chosen or a model URL is
configured, and the SQLite store under the state folder.
"""

from __future__ import annotations

from contextlib import ExitStack
from dataclasses import dataclass
from pathlib import Path

from rich.console import Console
from rich.text import Text

from bot.assembly import build_engine
from bot.local_chat import LocalChat
from bot.settings import DEMO_CLUSTER_ALIAS, Settings, load_settings
from llm.client import Planner
from tools.settings import ClusterSettings

DEFAULT_DATABASE = Settings.model_fields["database_url"].default


class DemoError(RuntimeError):
    """The demo cannot start; the message says what to do."""


@dataclass(frozen=True)
class DemoOptions:
    """What `chatops demo` was asked for."""

    config: Path | None
    """Settings file (None: the embedded defaults)."""
    planner: str
    """'model' or 'keyword'."""
    train: bool
    """Train the default model when its artifact is missing."""
    sandbox: bool
    """Start the sandbox cluster (else use the configured clusters)."""
    state_dir: Path
    """Folder for the SQLite database, the sandbox's kubeconfig and state, chat history."""
    user: str
    """User the chat starts as."""


def run_demo(options: DemoOptions, *, console: Console) -> None:
    """Start what is missing and chat until the user quits; everything stops on exit."""
    settings = load_settings(options.config)
    options.state_dir.mkdir(parents=True, exist_ok=True)
    if settings.database_url == DEFAULT_DATABASE:
        settings = settings.model_copy(
            update={"database_url": f"sqlite:///{options.state_dir / 'chatops.db'}"}
        )
    with ExitStack() as stack:
        if options.sandbox:
            settings = _start_sandbox(stack, settings, options.state_dir, console)
        planner = None
        if options.planner == "keyword":
            model = settings.model.model_copy(update={"planner": "keyword"})
            settings = settings.model_copy(update={"model": model})
        elif settings.model.base_url is None:
            planner = _start_model(stack, settings, train=options.train, console=console)
        engine = build_engine(settings, planner=planner)
        stack.callback(engine.store.close)
        console.print(Text(f"Store: {settings.database_url}  Planner: {settings.model.planner}"))
        console.print(
            Text(
                "Users in the default policy: alice, erin (developers), "
                "bob, carol, frank (operators, approvers), dave (viewer)."
            )
        )
        chat = LocalChat(
            engine, console=console, user=options.user, history_file=options.state_dir / "history"
        )
        chat.run()


def _start_sandbox(
    stack: ExitStack, settings: Settings, state_dir: Path, console: Console
) -> Settings:
    from tools.k8s.sandbox import SandboxServer

    folder = state_dir / "sandbox"
    folder.mkdir(parents=True, exist_ok=True)
    server = SandboxServer(seed="demo", state_file=folder / "state.json").start()
    stack.callback(server.stop)
    kubeconfig = server.write_kubeconfig(folder / "kubeconfig.yaml", context="sandbox")
    alias = DEMO_CLUSTER_ALIAS
    console.print(
        Text(f"Sandbox cluster '{alias}' at {server.url} (kubectl --kubeconfig {kubeconfig})")
    )
    clusters = {
        **settings.tools.clusters,
        alias: ClusterSettings(context="sandbox", kubeconfig=str(kubeconfig)),
    }
    tools = settings.tools.model_copy(
        update={"clusters": clusters, "default_cluster": settings.tools.default_cluster or alias}
    )
    return settings.model_copy(update={"tools": tools})


def _start_model(stack: ExitStack, settings: Settings, *, train: bool, console: Console) -> Planner:
    artifact = settings.model.artifact
    if not (artifact / "artifact.json").exists():
        if not train:
            raise DemoError(
                f"No trained model at {artifact}. Run `chatops train`, drop "
                "--no-train, or try `chatops demo --planner keyword`."
            )
        console.print(Text(f"Training the default model into {artifact} (first run only)..."))
        from training.pipeline import train_model

        artifact = train_model("default", out_root=artifact.parent)
    from llm.client import ToolCallClient
    from llm.server import VllmServer
    from llm.tool_shortlist import ToolShortlist
    from tools.registry import ToolRegistry

    console.print(Text(f"Starting vLLM on {artifact} (about half a minute)..."))
    server = stack.enter_context(
        VllmServer(artifact, port=0, merge_adapter=settings.model.merge_adapter)
    )
    console.print(Text(f"Model {server.model_name} at {server.base_url}"))
    return ToolCallClient(
        base_url=server.base_url,
        model=server.model_name,
        registry=ToolRegistry(),
        timeout_s=settings.model.timeout_s,
        shortlist=ToolShortlist.of_artifact(artifact),
    )
