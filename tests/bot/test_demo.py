"""`chatops demo` driven through a pty, as a person would: request as one user, approve as
another, see the deployment in the sandbox. Uses the model when one is trained, else
the keyword planner."""

from __future__ import annotations

import os
import re
import sys
from pathlib import Path

import pexpect
import pytest

ROOT = Path(__file__).resolve().parents[2]
MODEL = ROOT / "artifacts" / "models" / "default" / "artifact.json"


@pytest.fixture()
def demo(tmp_path):
    # The README's path is our trained model; without a trained default model (as in a
    # fresh CI clone) the keyword planner stands in.
    planner = "model" if MODEL.exists() else "keyword"
    env = {**os.environ, "TERM": "dumb", "COLUMNS": "160", "PYTHONUNBUFFERED": "1"}
    env = {k: v for k, v in env.items() if not k.startswith("CHATOPS_")}
    child = pexpect.spawn(
        sys.executable,
        [
            "-m",
            "bot.cli",
            "demo",
            "--planner",
            planner,
            "--no-train",
            "--state-dir",
            str(tmp_path / "state"),
        ],
        cwd=str(ROOT),
        env=env,
        encoding="utf-8",
        timeout=120 if planner == "model" else 60,
        dimensions=(50, 160),
    )
    child.logfile_read = open(tmp_path / "demo.log", "w")  # noqa: SIM115 - closed below
    yield child, tmp_path / "state"
    if child.isalive():
        child.sendline("/quit")
        child.expect(pexpect.EOF, timeout=30)
    child.logfile_read.close()


def test_demo_request_approve_and_see_the_deployment(demo):
    child, state = demo
    child.expect("alice> ")
    child.sendline("deploy a redis with 2 GB to staging")
    child.expect(r"Approval ([0-9a-f]{8}):")
    approval_id = child.match.group(1)
    child.expect("alice> ")
    child.sendline(f"/approve {approval_id}")
    child.expect("another approver must approve")
    child.expect("alice> ")
    child.sendline("/as bob")
    child.expect("You are now bob")
    child.expect("bob> ")
    child.sendline(f"/approve {approval_id}")
    child.expect(r"Done \(" + approval_id)
    child.expect("bob> ")
    child.sendline("list deployments in staging")
    child.expect(r"redis: \d/1 ready")
    child.expect("bob> ")
    _assert_in_sandbox(state / "sandbox" / "kubeconfig.yaml")
    child.sendline("/quit")
    child.expect(pexpect.EOF)
    assert re.search(r"approved", Path(child.logfile_read.name).read_text())


def _assert_in_sandbox(kubeconfig: Path) -> None:
    """Read the deployment straight from the demo's sandbox cluster (still running)."""
    from kubernetes import client, config

    api = client.AppsV1Api(
        config.new_client_from_config(config_file=str(kubeconfig), context="sandbox")
    )
    redis = api.read_namespaced_deployment("redis", "staging")
    memory = redis.spec.template.spec.containers[0].resources.limits["memory"]
    assert memory in ("2Gi", "2048Mi")
