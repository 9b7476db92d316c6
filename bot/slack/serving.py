"""Serving the bolt app: HTTP mode on a threaded server, or Socket Mode over a websocket.

The HTTP adapter is as thin as bolt's own framework adapters: bytes in -> `BoltRequest`
-> `app.dispatch` -> bytes out. bolt checks the signature and timestamp (401 otherwise).
Each request gets its own thread, so one slow ack never queues the others.
"""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from slack_bolt import App, BoltRequest
from slack_bolt.adapter.socket_mode import SocketModeHandler

EVENTS_PATH = "/slack/events"
MAX_BODY = 1 << 20  # Slack payloads are far smaller; refuse anything bigger


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    # The default listen backlog (5) overflows under bursts of concurrent events and
    # costs a TCP SYN retransmit (about 1 s) per overflowing connection.
    request_queue_size = 256


class SlackHttpServer:
    """Slack's Events API / slash command / interactivity endpoint on `path`."""

    def __init__(
        self, app: App, *, host: str = "127.0.0.1", port: int = 0, path: str = EVENTS_PATH
    ) -> None:
        self.path = path
        self._server = _Server((host, port), _handler_for(app, path))
        self._thread: threading.Thread | None = None

    @property
    def url(self) -> str:
        """Full URL of the endpoint, e.g. http://127.0.0.1:3000/slack/events."""
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}{self.path}"

    def start(self) -> SlackHttpServer:
        """Serve in a background thread."""
        self._thread = threading.Thread(
            target=self._server.serve_forever, args=(0.05,), daemon=True
        )
        self._thread.start()
        return self

    def serve_forever(self) -> None:
        """Serve in this thread until interrupted."""
        self._server.serve_forever()

    def stop(self) -> None:
        self._server.shutdown()
        self._server.server_close()

    def __enter__(self) -> SlackHttpServer:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()


def _handler_for(app: App, path: str) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: Any) -> None:  # noqa: A002
            pass  # bolt logs what matters; per-request lines would flood the log

        def do_GET(self) -> None:  # noqa: N802
            if self.path == "/healthz":
                self._reply(200, b"ok", {"content-type": ["text/plain"]})
            else:
                self._reply(404, b"", {})

        def do_POST(self) -> None:  # noqa: N802
            request_path, _, query = self.path.partition("?")
            length = int(self.headers.get("Content-Length") or 0)
            if request_path != path:
                self._reply(404, b"", {})
                return
            if length > MAX_BODY:
                self._reply(413, b"", {})
                return
            body = self.rfile.read(length).decode("utf-8", errors="replace")
            headers = {key.lower(): [value] for key, value in self.headers.items()}
            response = app.dispatch(BoltRequest(body=body, query=query, headers=headers))
            self._reply(response.status, response.body.encode(), response.headers)

        def _reply(self, status: int, body: bytes, headers: dict[str, Any]) -> None:
            self.send_response(status)
            for name, values in headers.items():
                if name.lower() != "content-length":
                    for value in values:
                        self.send_header(name, value)
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

    return Handler


def start_socket_mode(app: App, *, app_token: str) -> SocketModeHandler:
    """Connect to Slack over Socket Mode (apps.connections.open, then a websocket).

    Returns the handler; call `.close()` to disconnect.
    """
    handler = SocketModeHandler(app, app_token=app_token)
    handler.connect()
    return handler
