"""Approve/Reject buttons: the message is updated in place; a refused click changes nothing."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from fakes import slack_requests as sr

from bot.slack.render import ACTIONS_BLOCK, APPROVE_ACTION, REJECT_ACTION


def _approval_message(sender, slack_api):
    event = sr.app_mention(user="U0ALICE", channel="C0OPS", text="<@UBOT> approval please")
    assert sender.send_event(sr.event_callback(event)).status == 200
    [post] = slack_api.wait_for("chat.postMessage")
    [message] = [m for m in slack_api.workspace.messages.values() if m["blocks"]]
    return event, post, message


def test_approval_is_posted_with_buttons_carrying_the_approval_id(slack_http, slack_api):
    sender, _ = slack_http
    event, post, message = _approval_message(sender, slack_api)
    assert post.args["thread_ts"] == event["ts"]
    [actions] = [b for b in message["blocks"] if b.get("block_id") == ACTIONS_BLOCK]
    values = {e["action_id"]: e["value"] for e in actions["elements"]}
    assert values == {APPROVE_ACTION: "ap-1", REJECT_ACTION: "ap-1"}
    assert any("replicas: 3" in b.get("text", {}).get("text", "") for b in message["blocks"])


def test_an_approvers_click_updates_the_message_with_the_decision(slack_http, slack_api, engine):
    sender, _ = slack_http
    _, _, message = _approval_message(sender, slack_api)
    click = sr.button_click(
        user="U0BOB", message=message, channel="C0OPS", action_id=APPROVE_ACTION
    )
    engine.delay_s = 1.0  # executing takes a while; the click is acked first
    response = sender.send_action(click)
    assert response.status == 200 and response.elapsed_s < 0.9
    assert engine.decisions == []
    [update] = slack_api.wait_for("chat.update")
    assert (update.args["channel"], update.args["ts"]) == ("C0OPS", message["ts"])
    assert engine.decisions == [("ap-1", "U0BOB", True)]
    stored = slack_api.workspace.messages[("C0OPS", message["ts"])]
    texts = [b.get("text", {}).get("text", "") for b in stored["blocks"]]
    assert any("approved by U0BOB" in t for t in texts)
    assert any("*scale* web to 3?" in t for t in texts)  # the request itself is kept
    assert not [b for b in stored["blocks"] if b.get("block_id") == ACTIONS_BLOCK]
    assert slack_api.calls_to("chat.postEphemeral") == []


def test_a_reject_click_is_passed_as_a_rejection(slack_http, slack_api, engine):
    sender, _ = slack_http
    _, _, message = _approval_message(sender, slack_api)
    click = sr.button_click(user="U0BOB", message=message, channel="C0OPS", action_id=REJECT_ACTION)
    sender.send_action(click)
    [update] = slack_api.wait_for("chat.update")
    assert engine.decisions == [("ap-1", "U0BOB", False)]
    assert "rejected by U0BOB" in update.args["text"]


def test_a_click_by_someone_not_allowed_gets_an_ephemeral_refusal(slack_http, slack_api, engine):
    sender, _ = slack_http
    event, _, message = _approval_message(sender, slack_api)
    before = [dict(m) for m in slack_api.workspace.messages.values()]
    message_in_thread = {**message, "thread_ts": event["ts"]}
    click = sr.button_click(
        user="U0MALLORY", message=message_in_thread, channel="C0OPS", action_id=APPROVE_ACTION
    )
    assert sender.send_action(click).status == 200
    [ephemeral] = slack_api.wait_for("chat.postEphemeral")
    assert ephemeral.args["user"] == "U0MALLORY"
    assert ephemeral.args["channel"] == "C0OPS"
    assert ephemeral.args["thread_ts"] == event["ts"]
    assert "may not approve" in ephemeral.args["text"]
    assert slack_api.calls_to("chat.update") == []
    assert [dict(m) for m in slack_api.workspace.messages.values()] == before


def test_a_forged_click_gets_401_and_decides_nothing(slack_http, slack_api, engine):
    sender, _ = slack_http
    _, _, message = _approval_message(sender, slack_api)
    click = sr.button_click(
        user="U0BOB", message=message, channel="C0OPS", action_id=APPROVE_ACTION
    )

    body = urlencode({"payload": json.dumps(click)})
    response = sender.post(body, "application/x-www-form-urlencoded", signature="v0=bad")
    assert response.status == 401
    assert engine.decisions == []
