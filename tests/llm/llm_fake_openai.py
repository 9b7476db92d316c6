"""A tiny OpenAI-compatible HTTP server on a real socket, answering from a script.

Used to test the client's behaviour on answers a real vLLM never gives on demand
(invalid JSON twice, a hang, a 500). It records every request body it receives.
"""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


class FakeOpenAI:
    """Serves /v1/models and /v1/chat/completions; `contents` are the answers, in order."""

    def __init__(
        self,
        *,
        contents: list[str] = (),
        models: dict[str, str | None] | None = None,
        delay_s: float = 0.0,
        status: int = 200,
        default: str | None = None,
        finish_reason: str = "stop",
    ) -> None:
        self.contents = list(contents)
        self.default = default
        """The answer once `contents` is used up (None: a test error)."""
        self.models = models if models is not None else {"base": None, "planton": "base"}
        self.finish_reason = finish_reason
        self.delay_s = delay_s
        self.status = status
        self.requests: list[dict[str, Any]] = []
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_address[1]}/v1"

    def __enter__(self) -> FakeOpenAI:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def _send(self, status: int, payload: Any) -> None:
                body = json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                try:
                    self.wfile.write(body)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client gave up (timeout tests)

            def _stream(self, content: str) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.end_headers()
                for piece in (content[:5], content[5:]):
                    delta = {"choices": [{"index": 0, "delta": {"content": piece}}]}
                    self.wfile.write(
                        f"data: {json.dumps(delta, separators=(',', ':'))}\n\n".encode()
                    )
                    self.wfile.flush()
                self.wfile.write(b"data: [DONE]\n\n")
                self.close_connection = True

            def do_GET(self) -> None:
                if self.path != "/v1/models":
                    return self._send(404, {"detail": "Not Found"})
                data = [{"id": k, "object": "model", "parent": v} for k, v in fake.models.items()]
                self._send(200, {"object": "list", "data": data})

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length", 0))
                request = json.loads(self.rfile.read(length))
                fake.requests.append(request)
                time.sleep(fake.delay_s)
                if request.get("model") not in fake.models:
                    message = f"The model `{request.get('model')}` does not exist."
                    return self._send(404, {"error": {"message": message, "code": 404}})
                if fake.status != 200 and (fake.status >= 500 or len(fake.requests) > 1):
                    # 5xx at once; 4xx for a retry only (a retry too long for the context)
                    message = "engine died" if fake.status >= 500 else "prompt too long"
                    return self._send(fake.status, {"error": {"message": message}})
                content = fake.contents.pop(0) if fake.contents else fake.default
                if request.get("stream"):
                    return self._stream(content)
                message = {"role": "assistant", "content": content}
                choice = {"index": 0, "message": message, "finish_reason": fake.finish_reason}
                usage = {"prompt_tokens": 10, "completion_tokens": 7, "total_tokens": 17}
                self._send(200, {"object": "chat.completion", "choices": [choice], "usage": usage})

        return Handler
