"""The whole engine behind the scenario suite's `Assistant` protocol (evals/scenario_run.py).

evals never imports bot, so the scenario suite finds this wiring by name at run time:
`bot.eval_assistant:make_assistant` is the default `--assistant` of `chatops eval --suite
scenarios` and of `chatops eval release`. It builds the engine the bot runs
(bot.assembly.build_engine) with the default policy; only the planner (the model under
test), the clusters and the channel defaults come from the scenario environment.
"""

from __future__ import annotations

import uuid
from typing import Any

from bot.assembly import build_engine
from bot.chat import ChatReply, ChatRequest
from bot.engine import Engine
from bot.settings import ChannelDefaults, ModelSettings, Settings

# Scenario users (alice, bob, ...) are policy user names; on the local platform an id is
# its own user name, so no identity mapping is needed.
PLATFORM = "local"


class EngineAssistant:
    """Each message is a new local-chat event; approval decisions go to Engine.decide."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def handle(self, text: str, *, user: str, channel: str) -> list[ChatReply]:
        """Send one message as `user` in `channel`; the engine's replies."""
        request = ChatRequest(
            platform=PLATFORM,
            user_id=user,
            channel_id=channel,
            text=text,
            event_id=uuid.uuid4().hex,
        )
        return self.engine.handle(request)

    def decide(self, approval_id: str, *, user: str, approve: bool) -> list[ChatReply]:
        """Approve or reject `approval_id` as `user`; the engine's replies."""
        return self.engine.decide(approval_id, platform=PLATFORM, user_id=user, approve=approve)

    def close(self) -> None:
        """Close the engine's store (the scenario runner calls this after each scenario)."""
        self.engine.store.close()


def make_assistant(env: Any) -> EngineAssistant:
    """The engine for one scenario: `env` is an evals.scenario_run.ScenarioEnvironment.

    Default policy, the environment's clusters and channel defaults, a SQLite store in
    `env.workdir`, and `env.planner` as the planner.
    """
    if env.planner is None:
        # build_engine would fall back to the planner the settings name; an eval must
        # measure the planner it was given, never a silent substitute.
        raise ValueError("make_assistant needs env.planner: the planner under test")
    settings = Settings(
        tools=env.tool_settings,
        channels={cid: ChannelDefaults(**defaults) for cid, defaults in env.channels.items()},
        database_url=f"sqlite:///{env.workdir / 'eval-chatops.db'}",
        # The planner is passed in below; "keyword" only keeps build_engine from asking
        # for a model URL and from labelling the audit with a served artifact it did not use.
        model=ModelSettings(planner="keyword"),
    )
    return EngineAssistant(build_engine(settings, planner=env.planner))
