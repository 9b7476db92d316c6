"""The real bolt app over Socket Mode, connected to the local websocket emulator.

One connection serves the whole module (connecting and closing cost seconds); each test
uses its own channel so their calls stay apart.
"""

from __future__ import annotations

import time

import pytest
from fakes import slack_requests as sr
from fakes.scripted_engine import ScriptedEngine
from fakes.slack_socket import SlackSocketServer
from fakes.slack_web_api import SlackWebApi
from slack_support import slack_settings

from bot.slack.app import build_slack_bot
from bot.slack.render import APPROVE_ACTION
from bot.slack.serving import start_socket_mode


@pytest.fixture(scope="module")
def socket_env():
    """(socket server, Web API emulator, engine) with the bot connected over Socket Mode."""
    engine = ScriptedEngine(approvers={"U0BOB"})
    with SlackWebApi() as api, SlackSocketServer(workspace=api.workspace) as socket_server:
        settings = slack_settings(api, mode="socket")
        bot = build_slack_bot(engine=engine, settings=settings)
        handler = start_socket_mode(bot.app, app_token=settings.app_token.get_secret_value())
        socket_server.wait_connected()
        yield socket_server, api, engine
        handler.close()
        bot.close()


def _posts(api: SlackWebApi, channel: str, count: int):
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        found = [c for c in api.calls_to("chat.postMessage") if c.args["channel"] == channel]
        if len(found) >= count:
            return found
        time.sleep(0.02)
    raise AssertionError(f"expected {count} posts in {channel}")


def test_socket_mode_acks_events_and_answers_through_the_web_api(socket_env):
    socket_server, api, engine = socket_env
    engine.delay_s = 0.5
    event = sr.app_mention(user="U0ALICE", channel="C0SOCK1", text="<@UBOT> list pods")
    envelope_id = socket_server.send("events_api", sr.event_callback(event, event_id="EvS1"))
    socket_server.wait_ack(envelope_id, timeout=2.0)
    assert socket_server.acked_at[envelope_id] - socket_server.sent_at[envelope_id] < 0.4
    [post] = _posts(api, "C0SOCK1", 1)
    engine.delay_s = 0.0
    [request] = [r for r in engine.requests if r.event_id == "EvS1"]
    assert (request.text, request.thread_id) == ("list pods", event["ts"])
    assert post.args["thread_ts"] == event["ts"]
    assert [c.method for c in api.calls][:2] == ["auth.test", "apps.connections.open"]


def test_socket_mode_retry_keeps_the_event_id(socket_env):
    socket_server, api, engine = socket_env
    envelope = sr.event_callback(sr.app_mention(user="U0ALICE", channel="C0SOCK2", text="x"))
    first = socket_server.send("events_api", envelope)
    again = socket_server.send("events_api", envelope, retry_attempt=1)
    socket_server.wait_ack(first)
    socket_server.wait_ack(again)
    _posts(api, "C0SOCK2", 2)
    assert [r.event_id for r in engine.requests if r.channel_id == "C0SOCK2"] == [
        envelope["event_id"]
    ] * 2


def test_socket_mode_slash_command_and_button(socket_env):
    socket_server, api, engine = socket_env
    command = sr.slash_command(user="U0ALICE", channel="C0SOCK3", text="approval for scale")
    socket_server.wait_ack(socket_server.send("slash_commands", command))
    _posts(api, "C0SOCK3", 2)
    [message] = [
        m
        for (channel, _), m in api.workspace.messages.items()
        if channel == "C0SOCK3" and len(m["blocks"]) > 1
    ]
    click = sr.button_click(
        user="U0BOB", message=message, channel="C0SOCK3", action_id=APPROVE_ACTION
    )
    socket_server.wait_ack(socket_server.send("interactive", click))
    [update] = api.wait_for("chat.update")
    assert update.args["ts"] == message["ts"]
    assert engine.decisions == [("ap-1", "U0BOB", True)]
