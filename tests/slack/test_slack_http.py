"""The real bolt app in HTTP mode on a real port, against the local Slack Web API emulator."""

from __future__ import annotations

import json
import time

from fakes import slack_requests as sr


def test_mention_is_acked_at_once_and_answered_in_its_thread(slack_http, slack_api, engine):
    sender, _ = slack_http
    engine.delay_s = 1.0  # a slow model must not delay the ack
    event = sr.app_mention(user="U0ALICE", channel="C0OPS", text="<@UBOT>  list pods <@U0CAROL>")
    response = sender.send_event(sr.event_callback(event, event_id="Ev001"))
    assert response.status == 200
    assert response.elapsed_s < 0.9  # the engine takes 1 s
    assert engine.requests == []  # acked before the engine even finished
    [request] = engine.wait_requests(1)
    assert request.platform == "slack"
    assert (request.user_id, request.channel_id) == ("U0ALICE", "C0OPS")
    assert request.text == "list pods <@U0CAROL>"
    assert (request.thread_id, request.event_id) == (event["ts"], "Ev001")
    [post] = slack_api.wait_for("chat.postMessage")
    assert post.args["channel"] == "C0OPS"
    assert post.args["thread_ts"] == event["ts"]
    assert "you said: list pods" in post.args["text"]


def test_reply_in_an_existing_thread_stays_in_that_thread(slack_http, slack_api, engine):
    sender, _ = slack_http
    event = sr.app_mention(user="U0ALICE", channel="C0OPS", text="<@UBOT> hi", thread_ts="1.5")
    assert sender.send_event(sr.event_callback(event)).status == 200
    [post] = slack_api.wait_for("chat.postMessage")
    assert post.args["thread_ts"] == "1.5"


def test_bad_signature_gets_401_and_nothing_happens(slack_http, slack_api, engine):
    sender, _ = slack_http
    body = sr.event_callback(sr.app_mention(user="U0ALICE", channel="C0OPS", text="hi"))

    forged = sender.post(json.dumps(body), "application/json", signature="v0=" + "0" * 64)
    stale_ts = int(time.time()) - 600
    stale = sender.post(json.dumps(body), "application/json", timestamp=stale_ts)
    unsigned = sender.http.post(sender.url, json=body)
    assert (forged.status, stale.status, unsigned.status_code) == (401, 401, 401)
    time.sleep(0.3)
    assert engine.requests == []
    assert [c.method for c in slack_api.calls if c.method != "auth.test"] == []


def test_a_retried_event_carries_the_same_event_id(slack_http, engine):
    sender, _ = slack_http
    envelope = sr.event_callback(sr.app_mention(user="U0ALICE", channel="C0OPS", text="x"))
    assert sender.send_event(envelope).status == 200
    assert sender.send_event(envelope, retry_num=1).status == 200
    requests = engine.wait_requests(2)
    assert {r.event_id for r in requests} == {envelope["event_id"]}


def test_direct_messages_are_requests_but_bots_edits_and_chatter_are_not(
    slack_http, slack_api, engine
):
    sender, _ = slack_http
    bot_mention = sr.app_mention(user="U0OTHERBOT", channel="C0OPS", text="<@UBOT> deploy")
    assert sender.send_event(sr.event_callback({**bot_mention, "bot_id": "B0OTHER"})).status == 200
    ignored = [
        sr.direct_message(user="UBOT", channel="D0BOT", text="my own reply", bot_id="BBOT"),
        sr.direct_message(user="U0ALICE", channel="D0BOT", text="edit", subtype="message_changed"),
        {**sr.direct_message(user="U0ALICE", channel="C0OPS", text="x"), "channel_type": "channel"},
    ]
    for event in ignored:
        assert sender.send_event(sr.event_callback(event)).status == 200
    dm = sr.direct_message(user="U0ALICE", channel="D0BOT", text="show logs of web")
    assert sender.send_event(sr.event_callback(dm)).status == 200
    [request] = engine.wait_requests(1)
    assert (request.text, request.channel_id, request.thread_id) == (
        "show logs of web",
        "D0BOT",
        dm["ts"],
    )
    slack_api.wait_for("chat.postMessage")
    time.sleep(0.3)
    assert len(engine.requests) == 1


def test_slash_command_acks_then_answers_under_a_root_message(slack_http, slack_api, engine):
    sender, _ = slack_http
    engine.delay_s = 1.0
    fields = sr.slash_command(user="U0ALICE", channel="C0OPS", text="  help  ")
    response = sender.send_command(fields)
    assert response.status == 200 and response.elapsed_s < 0.9  # the engine takes 1 s
    root, answer = slack_api.wait_for("chat.postMessage", count=2)
    assert "<@U0ALICE> asked: `/ops help`" == root.args["text"]
    [request] = engine.requests
    assert (request.text, request.event_id) == ("help", fields["trigger_id"])
    root_ts = slack_api.workspace.messages  # the root is the first message posted
    assert answer.args["thread_ts"] == request.thread_id
    assert (root.args["channel"], request.thread_id) in root_ts


def test_engine_failure_still_answers_in_the_thread(slack_http, slack_api):
    sender, _ = slack_http
    event = sr.app_mention(user="U0ALICE", channel="C0OPS", text="<@UBOT> boom")
    sender.send_event(sr.event_callback(event))
    [post] = slack_api.wait_for("chat.postMessage")
    assert "failed inside the bot" in post.args["text"]
    assert post.args["thread_ts"] == event["ts"]


def test_url_verification_challenge_is_answered_only_when_signed(slack_http, engine):
    sender, _ = slack_http

    body = json.dumps({"token": "legacy", "challenge": "c-123", "type": "url_verification"})
    answered = sender.post(body, "application/json")
    assert answered.status == 200 and "c-123" in answered.body
    assert sender.post(body, "application/json", signature="v0=bad").status == 401
    assert engine.requests == []
