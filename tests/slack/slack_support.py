"""Helpers shared by the Slack tests (not fixtures, so test modules may import them)."""

from __future__ import annotations

from fakes.slack_web_api import SlackWebApi
from pydantic import SecretStr

from bot.settings import SlackSettings

SIGNING_SECRET = "test-signing-secret"


def slack_settings(api: SlackWebApi, *, mode: str = "http") -> SlackSettings:
    """Settings pointing the bot at the emulator, with the emulator's tokens."""
    return SlackSettings(
        mode=mode,
        api_url=api.url,
        bot_token=SecretStr(api.workspace.bot_token),
        signing_secret=SecretStr(SIGNING_SECRET),
        app_token=SecretStr(api.workspace.app_token),
    )
