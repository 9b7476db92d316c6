"""With credentials set, inbound activities need a valid Bot Framework JWT; bad ones get 401.

The connector emulator serves the OpenID metadata and keys and signs the tokens, so the
bot's real botbuilder validation runs (issuer, signature, key id, audience, expiry,
service URL).
"""

from __future__ import annotations

import time

import pytest
from cryptography.hazmat.primitives.asymmetric import rsa
from fakes import teams_activities as ta
from fakes.teams_activities import AAD_ALICE, AAD_MALLORY, TeamsSender

from bot.teams.serving import TeamsAuth, TeamsServer

APP_ID = "11111111-2222-4333-8444-555555555555"


@pytest.fixture()
def secured(connector, engine):
    auth = TeamsAuth(
        app_id=APP_ID, app_password="app-secret", openid_metadata_url=connector.openid_url
    )
    with TeamsServer(engine=engine, auth=auth) as server:
        sender = TeamsSender(url=server.url)
        yield sender
        sender.close()


def _message(connector):
    return ta.personal_message(
        service_url=connector.url, user="alice", aad=AAD_ALICE, text="deploy redis"
    )


def _bad_tokens(connector):
    other_key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    good = {"app_id": APP_ID, "service_url": connector.url}
    yield "no token", None
    yield "garbage", "not.a.jwt"
    yield "signed by another key", connector.issue_token(**good, key=other_key)
    yield "wrong audience", connector.issue_token(app_id="someone-else", service_url=connector.url)
    yield "expired", connector.issue_token(**good, exp=int(time.time()) - 3600)
    yield "wrong issuer", connector.issue_token(**good, iss="https://evil.example")
    yield "other service url", connector.issue_token(app_id=APP_ID, service_url="http://evil")
    unknown_kid = connector.issue_token(**good)
    connector.kid, saved = "rotated-away", connector.kid
    try:
        yield "unknown key id", connector.issue_token(**good)
    finally:
        connector.kid = saved
    del unknown_kid


def test_bad_or_missing_tokens_get_401_and_reach_nothing(secured, connector, engine):
    before = len(connector.calls)
    statuses = {}
    for name, token in _bad_tokens(connector):
        statuses[name] = secured.post(_message(connector), token=token).status
    assert statuses == {name: 401 for name in statuses}
    assert engine.requests == [] and engine.decisions == []
    assert connector.calls[before:] == []


def test_a_valid_token_is_accepted(secured, connector, engine):
    card = {
        "id": "act-card",
        "attachments": [
            {"content": {"actions": [{"verb": "approve", "data": {"approval_id": "ap-1"}}]}}
        ],
    }
    click = ta.card_action(
        service_url=connector.url,
        user="mallory",
        aad=AAD_MALLORY,
        card_activity=card,
        conversation_id="a:1-mallory",
        verb="approve",
    )
    token = connector.issue_token(app_id=APP_ID, service_url=connector.url)
    answer = secured.post(click, token=token)
    assert answer.status == 200
    assert engine.decisions == [("ap-1", AAD_MALLORY, True)]
    assert "may not approve" in answer.body["value"]
