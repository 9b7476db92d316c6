"""A local Bot Framework connector (what Teams' serviceUrl points at) plus a token issuer.

The bot sends replies here (POST .../activities[/{id}]) and updates cards in place
(PUT .../activities/{id}); every call is recorded. For authenticated tests it also
serves OpenID metadata and a JWKS, and `issue_token` signs channel tokens with its key,
so the bot's real JWT validation runs against it.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import threading
import time
from dataclasses import dataclass
from typing import Any

import jwt
from aiohttp import web
from cryptography.hazmat.primitives.asymmetric import rsa
from jwt.algorithms import RSAAlgorithm

ISSUER = "https://api.botframework.com"


@dataclass(frozen=True)
class ConnectorCall:
    """One call the bot made: 'send', 'reply' or 'update'."""

    kind: str
    conversation_id: str
    activity_id: str | None
    activity: dict[str, Any]
    authorization: str | None


class BotConnector:
    """aiohttp server on 127.0.0.1:0 in its own thread and event loop."""

    def __init__(self, *, kid: str = "test-key") -> None:
        self.calls: list[ConnectorCall] = []
        self.activities: dict[str, dict[str, Any]] = {}
        """activity id -> the activity as last sent or updated."""
        self.kid = kid
        self.key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
        self._ids = itertools.count(1)
        self._changed = threading.Condition()
        self._loop = asyncio.new_event_loop()
        self._runner: web.AppRunner | None = None
        self.url = ""

    def start(self) -> BotConnector:
        ready = threading.Event()
        threading.Thread(target=self._run, args=(ready,), daemon=True).start()
        ready.wait(10)
        return self

    def stop(self) -> None:
        asyncio.run_coroutine_threadsafe(self._runner.cleanup(), self._loop).result(10)
        self._loop.call_soon_threadsafe(self._loop.stop)

    def __enter__(self) -> BotConnector:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    @property
    def openid_url(self) -> str:
        return f"{self.url}/v1/.well-known/openidconfiguration"

    def issue_token(self, *, app_id: str, service_url: str, key: Any = None, **claims: Any) -> str:
        """A channel token as Bot Framework signs it (override claims to make bad ones)."""
        now = int(time.time())
        payload = {
            "iss": ISSUER,
            "aud": app_id,
            "serviceurl": service_url,
            "nbf": now - 10,
            "exp": now + 600,
            **claims,
        }
        return jwt.encode(payload, key or self.key, algorithm="RS256", headers={"kid": self.kid})

    def calls_of(self, kind: str) -> list[ConnectorCall]:
        with self._changed:
            return [call for call in self.calls if call.kind == kind]

    def wait_for(self, kind: str, *, count: int = 1, timeout: float = 10.0) -> list[ConnectorCall]:
        """Block until `count` calls of `kind` arrived; return them."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(found := [c for c in self.calls if c.kind == kind]) < count:
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [c.kind for c in self.calls]
                    raise AssertionError(f"expected {count} x {kind}, got {len(found)}: {seen}")
                self._changed.wait(left)
            return found

    def wait_calls(self, *, since: int, count: int = 1, timeout: float = 10.0) -> list:
        """Block until `count` calls arrived after the first `since`; return those."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.calls) < since + count:
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"expected {count} new connector calls")
                self._changed.wait(left)
            return self.calls[since:]

    def _run(self, ready: threading.Event) -> None:
        asyncio.set_event_loop(self._loop)
        app = web.Application()
        app.router.add_post("/v3/conversations/{cid}/activities", self._send)
        app.router.add_post("/v3/conversations/{cid}/activities/{aid}", self._reply)
        app.router.add_put("/v3/conversations/{cid}/activities/{aid}", self._update)
        app.router.add_get("/v1/.well-known/openidconfiguration", self._openid)
        app.router.add_get("/v1/keys", self._keys)
        self._runner = web.AppRunner(app)
        self._loop.run_until_complete(self._runner.setup())
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        self._loop.run_until_complete(site.start())
        port = self._runner.addresses[0][1]
        self.url = f"http://127.0.0.1:{port}"
        ready.set()
        self._loop.run_forever()

    async def _record(self, request: web.Request, kind: str) -> web.Response:
        activity = await request.json()
        cid, aid = request.match_info["cid"], request.match_info.get("aid")
        new_id = aid if kind == "update" else f"act-{next(self._ids)}"
        with self._changed:
            if kind == "update" and aid not in self.activities:
                return web.json_response({"error": {"code": "NotFound"}}, status=404)
            auth = request.headers.get("Authorization")
            self.calls.append(ConnectorCall(kind, cid, aid, activity, auth))
            self.activities[new_id] = {**activity, "id": new_id}
            self._changed.notify_all()
        return web.json_response({"id": new_id})

    async def _send(self, request: web.Request) -> web.Response:
        return await self._record(request, "send")

    async def _reply(self, request: web.Request) -> web.Response:
        return await self._record(request, "reply")

    async def _update(self, request: web.Request) -> web.Response:
        return await self._record(request, "update")

    async def _openid(self, request: web.Request) -> web.Response:
        return web.json_response(
            {
                "issuer": ISSUER,
                "jwks_uri": f"{self.url}/v1/keys",
                "id_token_signing_alg_values_supported": ["RS256"],
            }
        )

    async def _keys(self, request: web.Request) -> web.Response:
        jwk = json.loads(RSAAlgorithm.to_jwk(self.key.public_key()))
        jwk.update(kid=self.kid, use="sig", endorsements=["msteams"])
        return web.json_response({"keys": [jwk]})
