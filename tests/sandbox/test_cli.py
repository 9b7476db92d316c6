"""`chatops sandbox`: serves until Ctrl-C, writes a kubeconfig, keeps state in a file."""

from __future__ import annotations

import signal
import socket
import subprocess
import sys
from pathlib import Path

from kubernetes import client, config

ROOT = Path(__file__).resolve().parents[2]


def _start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "bot.cli", "sandbox", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _read_kubeconfig_line(process: subprocess.Popen) -> Path:
    for line in process.stdout:
        if line.startswith("kubeconfig: "):
            return Path(line.removeprefix("kubeconfig: ").strip())
    raise AssertionError(f"no kubeconfig line; stderr: {process.stderr.read()}")


def test_sandbox_command_serves_until_interrupted(tmp_path):
    kubeconfig, state = tmp_path / "kc.yaml", tmp_path / "state.json"
    process = _start(
        "--seed",
        "demo",
        "--port",
        "0",
        "--kubeconfig",
        str(kubeconfig),
        "--state",
        str(state),
        "--pod-ready-delay",
        "0.1",
    )
    try:
        assert _read_kubeconfig_line(process) == kubeconfig
        hint = process.stdout.readline()
        assert hint.strip() == f"try: kubectl --kubeconfig {kubeconfig} get deploy -A"
        api = config.new_client_from_config(str(kubeconfig), context="sandbox")
        names = {
            d.metadata.name
            for d in client.AppsV1Api(api).list_deployment_for_all_namespaces().items
        }
        assert {"web", "api", "worker", "checkout"} <= names
        client.CoreV1Api(api).create_namespace({"metadata": {"name": "from-cli"}})
    finally:
        process.send_signal(signal.SIGINT)
        assert process.wait(timeout=30) == 0
    assert '"from-cli"' in state.read_text()


def test_bad_seed_state_file_or_port_are_clear_errors(tmp_path):
    process = _start("--seed", "galaxy", "--kubeconfig", str(tmp_path / "kc.yaml"))
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2 and "Unknown seed 'galaxy'" in err
    bad_state = tmp_path / "bad.json"
    bad_state.write_text("[]")
    process = _start(
        "--seed",
        "empty",
        "--port",
        "0",
        "--state",
        str(bad_state),
        "--kubeconfig",
        str(tmp_path / "kc.yaml"),
    )
    _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and "cannot load sandbox state" in err
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        process = _start(
            "--seed", "empty", "--port", str(port), "--kubeconfig", str(tmp_path / "kc.yaml")
        )
        _, err = process.communicate(timeout=60)
    assert process.returncode == 1 and f"Cannot listen on 127.0.0.1:{port}" in err
