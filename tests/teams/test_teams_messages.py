"""Teams messages in 1:1 chats and channels, through a real /api/messages and connector."""

from __future__ import annotations

from fakes import teams_activities as ta
from fakes.teams_activities import AAD_ALICE


def test_personal_message_becomes_a_request_and_the_reply_reaches_the_connector(
    teams, connector, engine
):
    before = len(connector.calls)
    activity = ta.personal_message(
        service_url=connector.url, user="alice", aad=AAD_ALICE, text="  list pods  "
    )
    answer = teams.post(activity)
    assert answer.status in (200, 201)
    [call] = connector.wait_calls(since=before)
    [request] = engine.requests
    assert (request.platform, request.user_id, request.text) == ("teams", AAD_ALICE, "list pods")
    assert request.channel_id == "a:1-alice" and request.thread_id is None
    assert request.event_id == f"a:1-alice/{activity['id']}"
    assert call.conversation_id == "a:1-alice"
    assert call.activity["text"] == "you said: list pods"
    assert call.activity["replyToId"] == activity["id"]


def test_channel_mention_is_stripped_and_answered_in_the_thread(teams, connector, engine):
    before = len(connector.calls)
    activity = ta.channel_mention(
        service_url=connector.url,
        user="alice",
        aad=AAD_ALICE,
        text="restart web",
        thread="1690000000001",
    )
    assert teams.post(activity).status in (200, 201)
    [call] = connector.wait_calls(since=before)
    [request] = engine.requests
    assert request.text == "restart web"
    assert (request.channel_id, request.thread_id) == (ta.CHANNEL, "1690000000001")
    assert call.conversation_id == f"{ta.CHANNEL};messageid=1690000000001"


def test_a_redelivered_activity_carries_the_same_event_id(teams, connector, engine):
    activity = ta.personal_message(
        service_url=connector.url, user="alice", aad=AAD_ALICE, text="hello"
    )
    teams.post(activity)
    teams.post(activity)
    engine.wait_requests(2)
    assert [r.event_id for r in engine.requests] == [f"a:1-alice/{activity['id']}"] * 2


def test_engine_failure_is_answered(teams, connector, engine):
    before = len(connector.calls)
    activity = ta.personal_message(
        service_url=connector.url, user="alice", aad=AAD_ALICE, text="boom"
    )
    teams.post(activity)
    [call] = connector.wait_calls(since=before)
    assert "failed inside the bot" in call.activity["text"]


def test_user_without_aad_id_is_identified_by_channel_account(teams, connector, engine):
    teams.post(ta.personal_message(service_url=connector.url, user="guest", aad=None, text="hi"))
    assert engine.wait_requests(1)[0].user_id == "29:guest"
