"""Teams fixtures: the local Bot Framework connector and the bot on a real port."""

from __future__ import annotations

import pytest
from fakes.bf_connector import BotConnector
from fakes.scripted_engine import ScriptedEngine
from fakes.teams_activities import AAD_BOB, TeamsSender

from bot.teams.serving import TeamsAuth, TeamsServer


@pytest.fixture(scope="module")
def connector():
    with BotConnector() as bf:
        yield bf


@pytest.fixture()
def engine():
    return ScriptedEngine(approvers={AAD_BOB})


@pytest.fixture()
def teams(connector, engine):
    """A sender that POSTs activities to the bot (no credentials: authentication off)."""
    with TeamsServer(engine=engine, auth=TeamsAuth()) as server:
        sender = TeamsSender(url=server.url)
        yield sender
        sender.close()
