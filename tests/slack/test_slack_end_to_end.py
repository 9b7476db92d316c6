"""End to end over Slack: the real bolt app, the real engine, the sandbox cluster, SQLite.

A request in a channel, a retried delivery, clicks by someone not allowed and by the
requester, the approval by another user, the cluster changed once, the approval message
updated, the audit complete. The planner is the keyword baseline, and (marked `vllm`)
our pipeline-trained quick model served by a real vLLM server.
"""

from __future__ import annotations

import copy
import time
from pathlib import Path

import pytest
from fakes import slack_requests as sr
from fakes.real_engine import chatops_settings, read_deployment, sandbox_tools
from fakes.slack_requests import SlackSender
from fakes.slack_web_api import SlackWebApi
from slack_support import SIGNING_SECRET, slack_settings

from bot.assembly import build_engine
from bot.settings import ModelSettings
from bot.slack.app import build_slack_bot
from bot.slack.render import ACTIONS_BLOCK, APPROVE_ACTION
from bot.slack.serving import SlackHttpServer

# Slack's own limit. Here the engine warms up (imports, compiles) in the same process while
# acks are measured; ack latency proper is measured by bot/slack/loadbench.py.
ACK_LIMIT = 3.0
SLOW = 90.0  # seconds; the first request imports and warms the whole stack (slow on 2 shared cores)


REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def served_model():
    """Our quick model (trained by the pipeline, cached) behind a real vLLM server."""
    from llm.server import VllmServer
    from training.pipeline import train_model

    artifact = train_model("quick", out_root=REPO / "artifacts" / "models", progress=False)
    log = REPO / "runs" / "slack-tests" / f"vllm-{time.strftime('%Y%m%d-%H%M%S')}.log"
    with VllmServer(
        artifact, port=0, adapter_name="planton", log_path=log, startup_timeout_s=1200
    ) as server:
        yield server


@pytest.fixture()
def cluster_tools(tmp_path):
    """A demo cluster of this test's own (the tests change it)."""
    from tools.k8s.sandbox import SandboxServer

    with SandboxServer(seed="demo", pod_ready_delay_s=0.05) as sandbox:
        yield sandbox_tools(sandbox, tmp_path)


@pytest.fixture(
    params=[
        "keyword",
        pytest.param(
            "vllm",
            marks=[
                pytest.mark.vllm,
                pytest.mark.slow,
            ],
        ),
    ]
)
def model_settings(request) -> ModelSettings:
    if request.param == "keyword":
        return ModelSettings(planner="keyword")
    server = request.getfixturevalue("served_model")
    return ModelSettings(
        planner="model", base_url=server.base_url, name=server.model_name, timeout_s=120
    )


@pytest.fixture()
def world(cluster_tools, model_settings, tmp_path):
    """(Web API emulator, signed sender, engine) around the bot served on a real port."""
    settings = chatops_settings(
        tools=cluster_tools, database_url=f"sqlite:///{tmp_path}/db", model=model_settings
    )
    engine = build_engine(settings)
    with SlackWebApi() as api:
        bot = build_slack_bot(engine=engine, settings=slack_settings(api))
        with SlackHttpServer(bot.app) as server:
            sender = SlackSender(url=server.url, signing_secret=SIGNING_SECRET)
            yield api, sender, engine
            sender.close()
        bot.close()
    engine.store.close()


def _click(api, sender, message, *, user):
    """`user` presses Approve on `message` as their Slack client shows it."""
    response = sender.send_action(
        sr.button_click(user=user, message=message, channel="C0OPS", action_id=APPROVE_ACTION)
    )
    assert response.status == 200
    assert response.elapsed_s < ACK_LIMIT, response.elapsed_s


def test_request_approve_execute_once_over_slack(world, cluster_tools):
    api, sender, engine = world
    text = "<@UBOT> deploy a redis with 2 GB to staging"
    envelope = sr.event_callback(sr.app_mention(user="U0ALICE", channel="C0OPS", text=text))
    first = sender.send_event(envelope)
    retry = sender.send_event(envelope, retry_num=1)  # Slack retries when it thinks we were slow
    assert first.status == retry.status == 200
    assert max(first.elapsed_s, retry.elapsed_s) < ACK_LIMIT, (first.elapsed_s, retry.elapsed_s)
    [post] = api.wait_for("chat.postMessage", timeout=SLOW)
    thread_ts = envelope["event"]["ts"]
    assert post.args["thread_ts"] == thread_ts
    message = copy.deepcopy(next(m for m in api.workspace.messages.values() if m["blocks"]))
    [actions] = [b for b in message["blocks"] if b.get("block_id") == ACTIONS_BLOCK]
    approval_id = actions["elements"][0]["value"]
    assert read_deployment(cluster_tools, "redis", "staging") is None  # dry run only

    _click(api, sender, {**message, "thread_ts": thread_ts}, user="U0MALLORY")
    _click(api, sender, {**message, "thread_ts": thread_ts}, user="U0ALICE")
    refusals = api.wait_for("chat.postEphemeral", count=2, timeout=SLOW)
    assert [r.args["user"] for r in refusals] == ["U0MALLORY", "U0ALICE"]
    assert "not an approver" in refusals[0].args["text"]
    assert "another approver" in refusals[1].args["text"]
    assert api.calls_to("chat.update") == []
    assert read_deployment(cluster_tools, "redis", "staging") is None

    _click(api, sender, message, user="U0BOB")
    [update] = api.wait_for("chat.update", timeout=SLOW)
    assert update.args["ts"] == message["ts"]
    assert "Done" in update.args["text"] and "bob" in update.args["text"]
    shown = api.workspace.messages[("C0OPS", message["ts"])]["blocks"]
    assert not [b for b in shown if b.get("block_id") == ACTIONS_BLOCK]
    created = read_deployment(cluster_tools, "redis", "staging")
    limits = created.spec.template.spec.containers[0].resources.limits
    assert limits["memory"] in ("2Gi", "2048Mi")

    _click(api, sender, message, user="U0BOB")  # a second click from a stale view acts once
    api.wait_for("chat.update", count=2, timeout=SLOW)
    assert read_deployment(cluster_tools, "redis", "staging").metadata.generation == 1
    assert len(api.calls_to("chat.postMessage")) == 1  # the retried event posted nothing

    records = engine.store.audit.query(approval_id=approval_id)
    assert [r.event for r in records] == [
        "approval_requested",
        "approval_refused",
        "approval_refused",
        "approved",
        "executed",
    ]
    asked, executed = records[0], records[-1]
    assert (asked.platform, asked.user_id, asked.channel_id) == ("slack", "alice", "C0OPS")
    assert asked.text == "deploy a redis with 2 GB to staging"
    assert asked.call["tool"] == "deploy_service" and asked.dry_run
    assert executed.approvers == ["slack:bob"] and executed.result
    assert [r.user_id for r in records[1:3]] == ["U0MALLORY", "alice"]


@pytest.mark.parametrize("model_settings", ["keyword"], indirect=True)
def test_help_and_a_read_answer_in_thread(world):
    api, sender, _ = world
    sender.send_command(sr.slash_command(user="U0ALICE", channel="C0OPS", text="help"))
    root, answer = api.wait_for("chat.postMessage", count=2, timeout=SLOW)
    root_ts = next(
        ts for (channel, ts), m in api.workspace.messages.items() if "asked" in m["text"]
    )
    assert answer.args["thread_ts"] == root_ts
    assert "deploy" in answer.args["text"].lower()
    dm = sr.direct_message(user="U0BOB", channel="D0BOB", text="list deployments in staging")
    sender.send_event(sr.event_callback(dm))
    reads = api.wait_for("chat.postMessage", count=3, timeout=SLOW)
    assert "web" in reads[-1].args["text"] and reads[-1].args["thread_ts"] == dm["ts"]


def test_socket_mode_request_and_approval_act_once(cluster_tools, tmp_path):
    from fakes.slack_socket import SlackSocketServer

    from bot.slack.serving import start_socket_mode

    settings = chatops_settings(tools=cluster_tools, database_url=f"sqlite:///{tmp_path}/db")
    engine = build_engine(settings)
    with SlackWebApi() as api, SlackSocketServer(workspace=api.workspace) as socket_server:
        slack = slack_settings(api, mode="socket")
        bot = build_slack_bot(engine=engine, settings=slack)
        handler = start_socket_mode(bot.app, app_token=slack.app_token.get_secret_value())
        try:
            socket_server.wait_connected()
            text = "<@UBOT> deploy a redis with 2 GB to staging"
            envelope = sr.event_callback(sr.app_mention(user="U0ALICE", channel="C0OPS", text=text))
            socket_server.wait_ack(socket_server.send("events_api", envelope))
            socket_server.wait_ack(socket_server.send("events_api", envelope, retry_attempt=1))
            api.wait_for("chat.postMessage", timeout=SLOW)
            message = copy.deepcopy(next(m for m in api.workspace.messages.values() if m["blocks"]))
            click = sr.button_click(
                user="U0BOB", message=message, channel="C0OPS", action_id=APPROVE_ACTION
            )
            socket_server.wait_ack(socket_server.send("interactive", click))
            [update] = api.wait_for("chat.update", timeout=SLOW)
            assert "Done" in update.args["text"]
            assert read_deployment(cluster_tools, "redis", "staging").metadata.generation == 1
            assert len(api.calls_to("chat.postMessage")) == 1
            events = [r.event for r in engine.store.audit.query(limit=100)]
            assert events.count("approval_requested") == events.count("executed") == 1
        finally:
            handler.close()
            bot.close()
            engine.store.close()
