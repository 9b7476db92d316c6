"""Adaptive Card approvals: updated in place for everyone; a refused click changes nothing."""

from __future__ import annotations

from fakes import teams_activities as ta
from fakes.teams_activities import AAD_ALICE, AAD_BOB, AAD_MALLORY

from bot.teams.cards import CARD_CONTENT_TYPE


def _approval(teams, connector):
    before = len(connector.calls)
    request = ta.channel_mention(
        service_url=connector.url, user="alice", aad=AAD_ALICE, text="approval please"
    )
    teams.post(request)
    [call] = connector.wait_calls(since=before)
    card_activity = connector.activities[f"act-{len(connector.activities)}"]
    assert card_activity["attachments"][0]["contentType"] == CARD_CONTENT_TYPE
    return request, call, card_activity


def _click(connector, request, card_activity, *, aad, verb):
    return ta.card_action(
        service_url=connector.url,
        user="someone",
        aad=aad,
        card_activity=card_activity,
        conversation_id=request["conversation"]["id"],
        verb=verb,
    )


def test_approval_card_has_approve_and_reject_actions(teams, connector):
    _, call, card_activity = _approval(teams, connector)
    card = card_activity["attachments"][0]["content"]
    assert card["version"] == "1.4"
    assert [(a["type"], a["verb"]) for a in card["actions"]] == [
        ("Action.Execute", "approve"),
        ("Action.Execute", "reject"),
    ]
    assert {a["data"]["approval_id"] for a in card["actions"]} == {"ap-1"}
    text = " ".join(block["text"] for block in card["body"])
    assert "**scale** web to 3?" in text and "+ replicas: 3" in text


def test_an_approvers_click_updates_the_card_in_place(teams, connector, engine):
    request, _, card_activity = _approval(teams, connector)
    answer = teams.post(_click(connector, request, card_activity, aad=AAD_BOB, verb="approve"))
    assert answer.status == 200
    assert answer.body["type"] == CARD_CONTENT_TYPE  # the clicker sees the new card at once
    assert engine.decisions == [("ap-1", AAD_BOB, True)]
    [update] = connector.wait_for("update")
    assert update.activity_id == card_activity["id"]
    card = update.activity["attachments"][0]["content"]
    texts = [block["text"] for block in card["body"]]
    assert any(f"approved by {AAD_BOB}" in t for t in texts)
    assert any("**scale** web to 3?" in t for t in texts)  # the request is still shown
    assert "actions" not in card  # decided: no more buttons
    assert answer.body["value"] == card


def test_a_reject_click_is_a_rejection(teams, connector, engine):
    request, _, card_activity = _approval(teams, connector)
    teams.post(_click(connector, request, card_activity, aad=AAD_BOB, verb="reject"))
    assert engine.decisions == [("ap-1", AAD_BOB, False)]


def test_a_click_by_someone_not_allowed_changes_nothing_and_says_why(teams, connector, engine):
    request, _, card_activity = _approval(teams, connector)
    updates_before = len(connector.calls_of("update"))
    answer = teams.post(_click(connector, request, card_activity, aad=AAD_MALLORY, verb="approve"))
    assert answer.status == 200
    assert answer.body["type"] == "application/vnd.microsoft.activity.message"
    assert "may not approve" in answer.body["value"]
    assert len(connector.calls_of("update")) == updates_before
    stored = connector.activities[card_activity["id"]]
    assert stored["attachments"] == card_activity["attachments"]


def test_a_tampered_summary_is_not_shown_on_the_updated_card(teams, connector):
    request, _, card_activity = _approval(teams, connector)
    click = _click(connector, request, card_activity, aad=AAD_BOB, verb="approve")
    click["value"]["action"]["data"]["summary"] = "harmless: list pods"
    answer = teams.post(click)
    texts = [block["text"] for block in answer.body["value"]["body"]]
    assert not any("harmless" in t for t in texts)
    assert any("approved by" in t for t in texts)


def test_an_invoke_that_is_not_ours_gets_a_bad_request(teams, connector, engine):
    request, _, card_activity = _approval(teams, connector)
    click = _click(connector, request, card_activity, aad=AAD_BOB, verb="approve")
    click["value"]["action"]["verb"] = "delete_everything"
    answer = teams.post(click)
    assert answer.status == 200 and answer.body["statusCode"] == 400
    assert engine.decisions == []
