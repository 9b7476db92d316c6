"""Fixtures of the eval tests: the registry and a local OpenAI-compatible model server."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from tools.registry import ToolRegistry


@pytest.fixture(scope="session")
def registry() -> ToolRegistry:
    return ToolRegistry()


class ScriptedModelServer:
    """Plays an OpenAI-compatible server on 127.0.0.1:0: /v1/models and /v1/chat/completions.

    `answer(user_text) -> str` gives the assistant content for each request; every request
    body is recorded in `requests`.
    """

    def __init__(self, answer: Callable[[str], str], *, model: str = "planton") -> None:
        self.answer = answer
        self.model = model
        self.requests: list[dict] = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: object) -> None:
                pass

            def _send(self, status: int, payload: dict) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def do_GET(self) -> None:
                if self.path != "/v1/models":
                    return self._send(404, {"error": {"message": "not found"}})
                data = [{"id": "base"}, {"id": server.model, "parent": "base"}]
                return self._send(200, {"object": "list", "data": data})

            def do_POST(self) -> None:
                if self.path != "/v1/chat/completions":
                    return self._send(404, {"error": {"message": "not found"}})
                request = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
                server.requests.append(request)
                if request.get("model") != server.model:
                    return self._send(404, {"error": {"message": "model not found"}})
                user = [m["content"] for m in request["messages"] if m["role"] == "user"][0]
                content = server.answer(user)
                choice = {"index": 0, "message": {"role": "assistant", "content": content}}
                usage = {"completion_tokens": max(1, len(content) // 4)}
                return self._send(200, {"choices": [choice], "usage": usage})

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.httpd.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.httpd.server_address[1]}/v1"

    def __enter__(self) -> ScriptedModelServer:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture()
def model_server_factory() -> Iterator[Callable[..., ScriptedModelServer]]:
    """Start scripted model servers; all are stopped at the end of the test."""
    started: list[ScriptedModelServer] = []

    def start(answer: Callable[[str], str], **kwargs: object) -> ScriptedModelServer:
        server = ScriptedModelServer(answer, **kwargs).__enter__()
        started.append(server)
        return server

    yield start
    for server in started:
        server.__exit__(None, None, None)
