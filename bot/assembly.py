"""Building the engine from settings: planner, tools, policy, store, identities."""

from __future__ import annotations

import json
from typing import Any

from bot.engine import Engine
from bot.identity import Identities
from bot.policy import load_policy
from bot.settings import Settings
from bot.store import open_store
from bot.yaml_lines import ConfigError
from llm.client import Planner
from tools.context import ToolContext
from tools.registry import ToolRegistry


def build_planner(settings: Settings, *, registry: ToolRegistry) -> Planner:
    """The planner the settings name: the served model or the keyword baseline."""
    if settings.model.planner == "keyword":
        from llm.baseline import KeywordPlanner

        return KeywordPlanner(registry=registry)
    if not settings.model.base_url:
        raise ConfigError(
            "model.base_url is not set: start the model (`chatops serve model`) and set "
            "CHATOPS_MODEL__BASE_URL, use `chatops demo`, or choose the keyword planner "
            "(CHATOPS_MODEL__PLANNER=keyword)."
        )
    from llm.client import ToolCallClient
    from llm.errors import ArtifactError
    from llm.tool_shortlist import ToolShortlist

    try:
        # The served adapter's own shortlist, when the artifact the settings name has one.
        shortlist = ToolShortlist.of_artifact(settings.model.artifact)
    except ArtifactError as exc:
        raise ConfigError(f"model.artifact: {exc}") from None
    return ToolCallClient(
        base_url=settings.model.base_url,
        model=settings.model.name,
        registry=registry,
        timeout_s=settings.model.timeout_s,
        shortlist=shortlist,
    )


def describe_model(settings: Settings) -> str | None:
    """A short label of the model artifact the settings point at (for the audit)."""
    if settings.model.planner == "keyword":
        return None
    meta_file = settings.model.artifact / "artifact.json"
    try:
        meta = json.loads(meta_file.read_text())
    except (OSError, ValueError):
        return None
    return (
        f"{meta.get('name')} created {meta.get('created')} base {meta.get('base_model')} "
        f"data {str(meta.get('data_hash'))[:12]} schema {meta.get('tool_schema_hash')}"
    )


def build_engine(
    settings: Settings, *, planner: Planner | None = None, **engine_args: Any
) -> Engine:
    """An Engine wired from settings. `planner` overrides the one the settings name;
    `engine_args` (e.g. `clock`) are passed to Engine."""
    registry = ToolRegistry()
    policy = load_policy(settings.policy_file, tool_names=registry.names(include_non_actions=False))
    return Engine(
        settings=settings,
        planner=planner or build_planner(settings, registry=registry),
        registry=registry,
        tool_context=ToolContext(settings=settings.tools),
        policy=policy,
        store=open_store(settings.database_url),
        identities=Identities(settings.identities),
        **{"model_version": describe_model(settings), **engine_args},
    )
