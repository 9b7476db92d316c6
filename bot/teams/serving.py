"""Serving the Teams bot: `/api/messages` on aiohttp through botbuilder's CloudAdapter.

With an app id set, every inbound activity must carry a Bot Framework JWT for that app;
a missing or bad one gets 401 and never reaches the bot. botbuilder raises assorted
errors (not only PermissionError) for some bad tokens, which would surface as HTTP 500;
`StrictAuthentication` turns every authentication failure into a 401.
With no app id (local testing) authentication is off, as in the Bot Framework Emulator.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from aiohttp import web
from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import (
    CloudAdapter,
    ConfigurationBotFrameworkAuthentication,
)
from botbuilder.schema import Activity
from botframework.connector.auth import BotFrameworkAuthentication

from bot.teams.bot import TeamsBot
from bot.teams.cards import CardSigner

if TYPE_CHECKING:
    from bot.engine import Engine

MESSAGES_PATH = "/api/messages"
DEFAULT_WORKERS = 8


@dataclass(frozen=True)
class TeamsAuth:
    """Bot Framework credentials; an empty app id turns authentication off (local only)."""

    app_id: str = ""
    """Microsoft app id of the bot registration."""
    app_password: str | None = None
    """Its client secret."""
    tenant_id: str | None = None
    """Entra tenant for a single-tenant bot; None: multi-tenant."""
    openid_metadata_url: str | None = None
    """Override of the channel's OpenID metadata (sovereign clouds; tests)."""


class _Configuration:
    """The attribute bag botbuilder's configuration classes read."""

    def __init__(self, auth: TeamsAuth) -> None:
        self.APP_ID = auth.app_id
        self.APP_PASSWORD = auth.app_password or ""
        self.APP_TYPE = "SingleTenant" if auth.tenant_id else "MultiTenant"
        self.APP_TENANTID = auth.tenant_id
        if auth.openid_metadata_url:
            self.TO_BOT_FROM_CHANNEL_OPENID_METADATA_URL = auth.openid_metadata_url
            self.TO_BOT_FROM_CHANNEL_TOKEN_ISSUER = "https://api.botframework.com"
            self.TO_CHANNEL_FROM_BOT_OAUTH_SCOPE = "https://api.botframework.com"
            login = "https://login.microsoftonline.com/"
            self.TO_CHANNEL_FROM_BOT_LOGIN_URL = login + (auth.tenant_id or "botframework.com")


class StrictAuthentication(BotFrameworkAuthentication):
    """Delegates to botbuilder's authentication; any failure to authenticate is a 401."""

    def __init__(self, inner: BotFrameworkAuthentication) -> None:
        self._inner = inner

    async def authenticate_request(self, activity: Activity, auth_header: str):
        try:
            # An absent header arrives as "": the library handles None, not "".
            return await self._inner.authenticate_request(activity, auth_header or None)
        except PermissionError:
            raise
        except Exception as exc:  # malformed token, unknown key, metadata unreachable...
            raise PermissionError(f"token rejected: {type(exc).__name__}") from exc

    async def authenticate_streaming_request(self, auth_header: str, channel_id_header: str):
        return await self._inner.authenticate_streaming_request(auth_header, channel_id_header)

    def create_connector_factory(self, claims_identity: Any):
        return self._inner.create_connector_factory(claims_identity)

    async def create_user_token_client(self, claims_identity: Any):
        return await self._inner.create_user_token_client(claims_identity)

    def create_bot_framework_client(self):
        return self._inner.create_bot_framework_client()

    def get_originating_audience(self) -> str:
        return self._inner.get_originating_audience()

    async def authenticate_channel_request(self, auth_header: str):
        return await self._inner.authenticate_channel_request(auth_header)


def build_teams_app(
    *,
    engine: Engine,
    auth: TeamsAuth,
    workers: ThreadPoolExecutor,
    logger: logging.Logger | None = None,
) -> web.Application:
    """The aiohttp application serving POST /api/messages."""
    logger = logger or logging.getLogger("chatops.teams")
    inner = ConfigurationBotFrameworkAuthentication(_Configuration(auth), logger=logger)
    adapter = CloudAdapter(StrictAuthentication(inner))

    async def on_turn_error(context: TurnContext, error: Exception) -> None:
        logger.error("Teams turn failed: %r", error, exc_info=error)

    adapter.on_turn_error = on_turn_error
    # Without a password (local use) cards are signed with a per-process key.
    key = (auth.app_password or "").encode() or os.urandom(32)
    bot = TeamsBot(
        engine=engine,
        adapter=adapter,
        app_id=auth.app_id,
        workers=workers,
        signer=CardSigner(key),
        logger=logger,
    )

    async def messages(request: web.Request) -> web.StreamResponse:
        return await adapter.process(request, bot)

    async def finish_answers(_: web.Application) -> None:
        await bot.drain()

    app = web.Application(client_max_size=1 << 20)
    app.router.add_post(MESSAGES_PATH, messages)
    app.on_shutdown.append(finish_answers)
    return app


class TeamsServer:
    """The Teams app on a real port, served from a background thread (tests, benchmarks)."""

    def __init__(
        self,
        *,
        engine: Engine,
        auth: TeamsAuth,
        host: str = "127.0.0.1",
        port: int = 0,
        workers: int = DEFAULT_WORKERS,
    ) -> None:
        self.workers = ThreadPoolExecutor(max_workers=workers, thread_name_prefix="teams-work")
        self._app_args = {"engine": engine, "auth": auth, "workers": self.workers}
        self._host, self._port = host, port
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self._thread: threading.Thread | None = None
        self.url = ""

    def start(self) -> TeamsServer:
        ready = threading.Event()
        self._thread = threading.Thread(target=self._run, args=(ready,), daemon=True)
        self._thread.start()
        if not ready.wait(15):
            raise RuntimeError("Teams server did not start")
        return self

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        self._runner = web.AppRunner(build_teams_app(**self._app_args))
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, self._host, self._port)
        self._loop.run_until_complete(site.start())
        host, port = self._runner.addresses[0][:2]
        self.url = f"http://{host}:{port}{MESSAGES_PATH}"
        ready.set()
        self._loop.run_forever()

    def wait(self) -> None:
        """Block until the server stops (Ctrl-C interrupts the wait)."""
        while self._thread is not None and self._thread.is_alive():
            self._thread.join(0.5)

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)
        self.workers.shutdown(wait=True)

    def __enter__(self) -> TeamsServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
