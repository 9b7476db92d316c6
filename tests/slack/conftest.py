"""Slack fixtures: the Web API emulator, and the real bolt app served over HTTP."""

from __future__ import annotations

import pytest
from fakes.scripted_engine import ScriptedEngine
from fakes.slack_requests import SlackSender
from fakes.slack_web_api import SlackWebApi
from slack_support import SIGNING_SECRET, slack_settings

from bot.slack.app import build_slack_bot
from bot.slack.serving import SlackHttpServer


@pytest.fixture()
def slack_api():
    with SlackWebApi() as api:
        yield api


@pytest.fixture()
def engine():
    return ScriptedEngine(approvers={"U0BOB"})


@pytest.fixture()
def slack_http(slack_api, engine):
    """(sender, server): the bolt app on a real port, and a client that signs like Slack."""
    bot = build_slack_bot(engine=engine, settings=slack_settings(slack_api))
    server = SlackHttpServer(bot.app, port=0).start()
    sender = SlackSender(url=server.url, signing_secret=SIGNING_SECRET)
    yield sender, server
    sender.close()
    server.stop()
    bot.close()
