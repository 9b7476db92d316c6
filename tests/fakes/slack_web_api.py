"""A local Slack Web API: answers the methods the bot calls and records every call.

Point a `slack_sdk.WebClient(base_url=api.url)` at it. Messages posted with
chat.postMessage are stored so chat.update can be checked against them; every call
(method, arguments, token) lands in `api.calls` for the tests to assert on.
"""

from __future__ import annotations

import itertools
import json
import threading
import time
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl


@dataclass(frozen=True)
class ApiCall:
    """One Web API call as the emulator received it."""

    method: str
    args: dict[str, Any]
    token: str | None


@dataclass
class SlackWorkspace:
    """The state behind the API: who the bot is, which tokens are valid, posted messages."""

    bot_token: str = "xoxb-test-token"
    app_token: str = "xapp-test-token"
    team_id: str = "T0TEST"
    bot_user_id: str = "UBOT"
    bot_id: str = "BBOT"
    socket_url: str | None = None
    """What apps.connections.open answers (set by the Socket Mode emulator)."""
    messages: dict[tuple[str, str], dict[str, Any]] = field(default_factory=dict)
    """(channel, ts) -> the message as last posted or updated."""


class SlackWebApi:
    """A threaded HTTP server playing https://slack.com/api/ on 127.0.0.1."""

    def __init__(self, *, workspace: SlackWorkspace | None = None, host: str = "127.0.0.1"):
        self.workspace = workspace or SlackWorkspace()
        self.calls: list[ApiCall] = []
        self._changed = threading.Condition()
        self._ts = itertools.count(1)
        self._server = ThreadingHTTPServer((host, 0), _handler_for(self), bind_and_activate=False)
        self._server.daemon_threads = True
        self._server.request_queue_size = 256  # bursts of bot calls must not overflow it
        self._server.server_bind()
        self._server.server_activate()
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Base URL for `WebClient(base_url=...)`, ending in /api/."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}/api/"

    def start(self) -> SlackWebApi:
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SlackWebApi:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def calls_to(self, method: str) -> list[ApiCall]:
        """Calls received so far for one method, in order."""
        with self._changed:
            return [call for call in self.calls if call.method == method]

    def wait_for(self, method: str, *, count: int = 1, timeout: float = 10.0) -> list[ApiCall]:
        """Block until `count` calls of `method` arrived; return them. Fails on timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while True:
                found = [call for call in self.calls if call.method == method]
                if len(found) >= count:
                    return found
                left = deadline - time.monotonic()
                if left <= 0:
                    seen = [call.method for call in self.calls]
                    raise AssertionError(f"expected {count} x {method}, got {len(found)}: {seen}")
                self._changed.wait(left)

    def wait_until(self, ready: Any, *, timeout: float = 10.0, what: str = "condition") -> Any:
        """Block until `ready()` (called under the lock) returns something truthy; return it."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not (result := ready()):
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(f"timed out waiting for {what}")
                self._changed.wait(left)
            return result

    def answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        """Record one call and compute Slack's answer to it."""
        with self._changed:
            self.calls.append(ApiCall(method=method, args=args, token=token))
            self._changed.notify_all()
            return self._answer(method, args, token)

    def _answer(self, method: str, args: dict[str, Any], token: str | None) -> dict[str, Any]:
        ws = self.workspace
        if method == "apps.connections.open":
            if token != ws.app_token:
                return {"ok": False, "error": "invalid_auth"}
            return {"ok": True, "url": ws.socket_url}
        if token != ws.bot_token:
            return {"ok": False, "error": "invalid_auth"}
        handler = getattr(self, "_" + method.replace(".", "_"), None)
        if handler is None:
            return {"ok": False, "error": "unknown_method"}
        return handler(args)

    def _auth_test(self, args: dict[str, Any]) -> dict[str, Any]:
        ws = self.workspace
        return {
            "ok": True,
            "url": "https://test.slack.com/",
            "team": "Test",
            "user": "chatops",
            "team_id": ws.team_id,
            "user_id": ws.bot_user_id,
            "bot_id": ws.bot_id,
        }

    def _next_ts(self) -> str:
        return f"{1700000000 + next(self._ts)}.000100"

    def _chat_postMessage(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel"):
            return {"ok": False, "error": "channel_not_found"}
        if not args.get("text") and not args.get("blocks"):
            return {"ok": False, "error": "no_text"}
        ts = self._next_ts()
        message = {
            "type": "message",
            "user": self.workspace.bot_user_id,
            "bot_id": self.workspace.bot_id,
            "ts": ts,
            "text": args.get("text", ""),
            "blocks": _blocks(args),
            "thread_ts": args.get("thread_ts"),
        }
        self.workspace.messages[(args["channel"], ts)] = message
        return {"ok": True, "channel": args["channel"], "ts": ts, "message": message}

    def _chat_update(self, args: dict[str, Any]) -> dict[str, Any]:
        key = (args.get("channel"), args.get("ts"))
        message = self.workspace.messages.get(key)
        if message is None:
            return {"ok": False, "error": "message_not_found"}
        message.update(text=args.get("text", message["text"]), blocks=_blocks(args))
        return {"ok": True, "channel": key[0], "ts": key[1], "text": message["text"]}

    def _chat_postEphemeral(self, args: dict[str, Any]) -> dict[str, Any]:
        if not args.get("channel") or not args.get("user"):
            return {"ok": False, "error": "user_not_in_channel"}
        return {"ok": True, "message_ts": self._next_ts()}


def _blocks(args: dict[str, Any]) -> list[dict[str, Any]]:
    blocks = args.get("blocks") or []
    return json.loads(blocks) if isinstance(blocks, str) else list(blocks)


def _handler_for(api: SlackWebApi) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002 - quiet tests
            pass

        def do_POST(self) -> None:  # noqa: N802 - http.server's naming
            method = self.path.split("?")[0].rsplit("/", 1)[-1]
            raw = self.rfile.read(int(self.headers.get("Content-Length") or 0)).decode()
            if "json" in (self.headers.get("Content-Type") or ""):
                args = json.loads(raw or "{}")
            else:
                args = dict(parse_qsl(raw))
            auth = self.headers.get("Authorization") or ""
            token = auth.removeprefix("Bearer ") if auth.startswith("Bearer ") else None
            token = token or args.pop("token", None)
            body = json.dumps(api.answer(method, args, token)).encode()
            self.send_response(200)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler
