"""`chatops sandbox`: serves until Ctrl-C, writes a kubeconfig, keeps state in a file."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

import typer
from fakes.interrupt import default_sigint
from kubernetes import client, config
from typer.testing import CliRunner

from tools.k8s.sandbox.cli import register

ROOT = Path(__file__).resolve().parents[2]


def test_sandbox_command_serves_until_interrupted(tmp_path):
    kubeconfig, state = tmp_path / "kc.yaml", tmp_path / "state.json"
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "bot.cli",
            "sandbox",
            "--seed",
            "empty",
            "--port",
            "0",
            "--kubeconfig",
            str(kubeconfig),
            "--state",
            str(state),
            "--pod-ready-delay",
            "0.1",
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=default_sigint,
    )
    try:
        lines = [process.stdout.readline() for _ in range(3)]
        assert lines[0].startswith("Kubernetes sandbox (empty) serving at http://127.0.0.1:")
        assert lines[1].strip() == f"kubeconfig: {kubeconfig}"
        assert lines[2].strip() == f"try: kubectl --kubeconfig {kubeconfig} get deploy -A"
        api = config.new_client_from_config(str(kubeconfig), context="sandbox")
        core = client.CoreV1Api(api)
        assert "default" in {ns.metadata.name for ns in core.list_namespace().items}
        core.create_namespace({"metadata": {"name": "from-cli"}})
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0, process.stderr.read()
    assert '"from-cli"' in state.read_text()


def _invoke(*args: str):
    app = typer.Typer()

    @app.callback()
    def main() -> None:
        """Stand-in for the chatops app."""

    register(app, serve=typer.Typer())
    return CliRunner().invoke(app, ["sandbox", *args])


def test_unknown_seed_is_a_clear_error(tmp_path):
    result = _invoke("--seed", "galaxy", "--kubeconfig", str(tmp_path / "kc.yaml"))
    assert result.exit_code == 2 and "Unknown seed 'galaxy'" in result.output


def test_unreadable_state_file_is_a_clear_error(tmp_path):
    bad_state = tmp_path / "bad.json"
    bad_state.write_text("[]")
    result = _invoke(
        "--seed",
        "empty",
        "--port",
        "0",
        "--state",
        str(bad_state),
        "--kubeconfig",
        str(tmp_path / "kc.yaml"),
    )
    assert result.exit_code == 1 and "cannot load sandbox state" in result.output


def test_busy_port_is_a_clear_error(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = _invoke(
            "--seed", "empty", "--port", str(port), "--kubeconfig", str(tmp_path / "kc.yaml")
        )
    assert result.exit_code == 1 and f"Cannot listen on 127.0.0.1:{port}" in result.output
