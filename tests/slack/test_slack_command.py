"""`chatops serve slack` as a process: settings from a file and the environment, a signed DM
answered through the Web API emulator, Ctrl-C stops it; and clear errors on bad settings."""

from __future__ import annotations

import os

import pytest
import yaml
from fakes import slack_requests as sr
from fakes.slack_bot_process import SlackBotProcess
from fakes.slack_requests import SlackSender
from fakes.slack_web_api import SlackWebApi
from slack_support import SIGNING_SECRET
from typer.testing import CliRunner

from bot.cli import build_app


@pytest.fixture(scope="module")
def sandbox_config(tmp_path_factory):
    from tools.k8s.sandbox import SandboxServer

    folder = tmp_path_factory.mktemp("serve-slack")
    with SandboxServer(seed="demo", pod_ready_delay_s=0.05) as sandbox:
        kubeconfig = sandbox.write_kubeconfig(folder / "kubeconfig.yaml", context="sandbox")
        config = {
            "tools": {
                "clusters": {"sandbox": {"context": "sandbox", "kubeconfig": str(kubeconfig)}},
                "default_cluster": "sandbox",
            },
            "model": {"planner": "keyword"},
            "database_url": f"sqlite:///{folder / 'chatops.db'}",
        }
        path = folder / "chatops.yaml"
        path.write_text(yaml.safe_dump(config))
        yield path


@pytest.mark.slow
def test_serve_slack_answers_a_signed_dm_and_stops_on_ctrl_c(sandbox_config, tmp_path):
    with SlackWebApi() as api:
        env = {
            "CHATOPS_SLACK__BOT_TOKEN": api.workspace.bot_token,
            "CHATOPS_SLACK__SIGNING_SECRET": SIGNING_SECRET,
            "CHATOPS_SLACK__API_URL": api.url,
        }
        bot = SlackBotProcess(
            config=sandbox_config, env=env, log=tmp_path / "bot.log", args=("--port", "0")
        )
        try:
            assert bot.url.startswith("http://127.0.0.1:")
            sender = SlackSender(url=bot.url, signing_secret=SIGNING_SECRET)
            dm = sr.direct_message(
                user="U0DAVE", channel="D0DAVE", text="list deployments in staging"
            )
            assert sender.send_event(sr.event_callback(dm)).status == 200
            [post] = api.wait_for("chat.postMessage", timeout=120)
            assert "web" in post.args["text"] and post.args["thread_ts"] == dm["ts"]
            sender.close()
        finally:
            exit_code = bot.stop()
        assert exit_code == 0, (tmp_path / "bot.log").read_text()[-2000:]


@pytest.mark.parametrize(
    ("args", "env", "needle"),
    [
        (["serve", "slack"], {}, "bot token"),
        (["serve", "slack"], {"CHATOPS_SLACK__BOT_TOKEN": "xoxb-1"}, "SIGNING_SECRET"),
        (["serve", "slack", "--socket-mode"], {"CHATOPS_SLACK__BOT_TOKEN": "xoxb-1"}, "APP_TOKEN"),
        (["serve", "teams"], {"CHATOPS_TEAMS__APP_ID": "abc"}, "APP_PASSWORD"),
    ],
)
def test_serve_refuses_incomplete_settings_clearly(args, env, needle, monkeypatch, tmp_path):
    for name in list(os.environ):
        if name.startswith(("CHATOPS_SLACK__", "CHATOPS_TEAMS__")):
            monkeypatch.delenv(name)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    monkeypatch.setenv("CHATOPS_MODEL__PLANNER", "keyword")
    monkeypatch.setenv("CHATOPS_DATABASE_URL", f"sqlite:///{tmp_path / 'db'}")
    result = CliRunner().invoke(build_app(), args)
    assert result.exit_code == 2, result.output
    assert needle in " ".join(result.output.split())
