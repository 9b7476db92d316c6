"""A local Slack Socket Mode endpoint: a websocket server that sends envelopes and records acks.

Wire it to the Web API emulator with `SlackSocketServer(workspace=api.workspace)`: it sets
`workspace.socket_url`, which apps.connections.open hands to the bot.
"""

from __future__ import annotations

import json
import threading
import time
import uuid
from typing import Any

from websockets.exceptions import ConnectionClosed
from websockets.sync.server import ServerConnection, serve

from fakes.slack_web_api import SlackWorkspace


class SlackSocketServer:
    """Plays wss://wss-primary.slack.com: hello, then envelopes; acks are recorded by id."""

    def __init__(self, *, workspace: SlackWorkspace, host: str = "127.0.0.1"):
        self.workspace = workspace
        self.acks: dict[str, dict[str, Any]] = {}
        """envelope_id -> the ack message the client sent."""
        self.sent_at: dict[str, float] = {}
        self.acked_at: dict[str, float] = {}
        self._changed = threading.Condition()
        self._connections: list[ServerConnection] = []
        self._server = serve(self._serve_connection, host, 0)
        self._thread: threading.Thread | None = None
        host, port = self._server.socket.getsockname()[:2]
        workspace.socket_url = f"ws://{host}:{port}/link/?ticket=test"

    def start(self) -> SlackSocketServer:
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        self._server.shutdown()

    def __enter__(self) -> SlackSocketServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def wait_connected(self, *, timeout: float = 10.0) -> None:
        """Block until a client holds an open connection."""
        self._wait(lambda: bool(self._connections), timeout, "no Socket Mode client connected")

    def send(self, envelope_type: str, payload: dict[str, Any], *, retry_attempt: int = 0) -> str:
        """Send one envelope (events_api, slash_commands, interactive); return its id."""
        envelope_id = str(uuid.uuid4())
        envelope = {
            "envelope_id": envelope_id,
            "type": envelope_type,
            "accepts_response_payload": envelope_type != "events_api",
            "payload": payload,
        }
        if envelope_type == "events_api":
            envelope["retry_attempt"] = retry_attempt
            envelope["retry_reason"] = "timeout" if retry_attempt else ""
        with self._changed:
            connection = self._connections[-1]
            self.sent_at[envelope_id] = time.monotonic()
        connection.send(json.dumps(envelope))
        return envelope_id

    def wait_ack(self, envelope_id: str, *, timeout: float = 5.0) -> dict[str, Any]:
        """Block until the client acked this envelope; return the ack message."""
        self._wait(lambda: envelope_id in self.acks, timeout, f"envelope {envelope_id} not acked")
        return self.acks[envelope_id]

    def _wait(self, ready: Any, timeout: float, message: str) -> None:
        deadline = time.monotonic() + timeout
        with self._changed:
            while not ready():
                left = deadline - time.monotonic()
                if left <= 0:
                    raise AssertionError(message)
                self._changed.wait(left)

    def _serve_connection(self, connection: ServerConnection) -> None:
        connection.send(
            json.dumps(
                {
                    "type": "hello",
                    "num_connections": 1,
                    "debug_info": {"host": "fake", "approximate_connection_time": 3600},
                    "connection_info": {"app_id": "A0TEST"},
                }
            )
        )
        with self._changed:
            self._connections.append(connection)
            self._changed.notify_all()
        try:
            for raw in connection:
                message = json.loads(raw)
                with self._changed:
                    envelope_id = message.get("envelope_id")
                    if envelope_id:
                        self.acks[envelope_id] = message
                        self.acked_at[envelope_id] = time.monotonic()
                        self._changed.notify_all()
        except ConnectionClosed:
            pass
        finally:
            with self._changed:
                self._connections.remove(connection)
