"""The real engine (bot.assembly.build_engine) behind the evals `Assistant` protocol.

evals may not import bot, so this wiring lives outside the evals package; the scenario
suite takes it as `--assistant tests/evals/engine_assistant.py:make_assistant`.
"""

from __future__ import annotations

import uuid

from bot.assembly import build_engine
from bot.chat import ChatRequest
from bot.settings import ChannelDefaults, ModelSettings, Settings

PLATFORM = "local"


class EngineAssistant:
    """Each message is a new local-chat event; decisions go to Engine.decide."""

    def __init__(self, engine) -> None:
        self.engine = engine

    def handle(self, text: str, *, user: str, channel: str):
        request = ChatRequest(
            platform=PLATFORM,
            user_id=user,
            channel_id=channel,
            text=text,
            event_id=uuid.uuid4().hex,
        )
        return self.engine.handle(request)

    def decide(self, approval_id: str, *, user: str, approve: bool):
        return self.engine.decide(approval_id, platform=PLATFORM, user_id=user, approve=approve)

    def close(self) -> None:
        self.engine.store.close()


def make_assistant(env) -> EngineAssistant:
    """Build the engine for a ScenarioEnvironment (default policy, SQLite in env.workdir)."""
    settings = Settings(
        tools=env.tool_settings,
        channels={cid: ChannelDefaults(**defaults) for cid, defaults in env.channels.items()},
        database_url=f"sqlite:///{env.workdir / 'eval-chatops.db'}",
        model=ModelSettings(planner="keyword"),
    )
    return EngineAssistant(build_engine(settings, planner=env.planner))
