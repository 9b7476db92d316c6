"""Cloud API peers for the tests: emulator processes (moto_server, drongo) and a fault server.

The emulators run as real processes on ephemeral ports; the fault server is a tiny HTTP
server that answers every request with one configured error, the way AWS or Google
would (status, headers, JSON body), so the real SDKs parse it.
"""

from __future__ import annotations

import json
import queue
import re
import subprocess
import threading
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

VENV_BIN = Path(__file__).resolve().parents[2] / ".venv" / "bin"
STARTUP_TIMEOUT_S = 30.0


class EmulatorProcess:
    """A server process that prints the URL it listens on; stopped by `stop()`."""

    def __init__(self, command: list[str], *, url_pattern: str, env: dict[str, str] | None = None):
        self.command = command
        self.url_pattern = re.compile(url_pattern)
        self.env = env
        self.process: subprocess.Popen[str] | None = None
        self.url = ""

    def start(self) -> EmulatorProcess:
        self.process = subprocess.Popen(
            self.command,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            env=self.env,
        )
        lines: queue.Queue[str] = queue.Queue()
        threading.Thread(target=self._pump, args=(lines,), daemon=True).start()
        seen = []
        while not self.url:
            try:
                line = lines.get(timeout=STARTUP_TIMEOUT_S)
            except queue.Empty:
                self.stop()
                raise RuntimeError(f"{self.command[0]} did not start: {''.join(seen)}") from None
            seen.append(line)
            if match := self.url_pattern.search(line):
                self.url = match.group(1)
        return self

    def _pump(self, lines: queue.Queue[str]) -> None:
        assert self.process is not None and self.process.stdout is not None
        for line in self.process.stdout:  # keep draining so the server never blocks on a pipe
            if not self.url:
                lines.put(line)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


def start_moto(env: dict[str, str]) -> EmulatorProcess:
    """moto_server on 127.0.0.1 and an ephemeral port."""
    command = [str(VENV_BIN / "moto_server"), "-H", "127.0.0.1", "-p", "0"]
    return EmulatorProcess(
        command, url_pattern=r"Running on (http://127\.0\.0\.1:\d+)", env=env
    ).start()


def start_drongo(env: dict[str, str]) -> EmulatorProcess:
    """drongo's standalone server (Cloud Functions v2 REST and more) on an ephemeral port."""
    command = [str(VENV_BIN / "drongo"), "server", "--host", "127.0.0.1", "--port", "0"]
    return EmulatorProcess(
        command, url_pattern=r"listening on (http://127\.0\.0\.1:\d+)", env=env
    ).start()


class FaultServer:
    """Answers every request with one error; counts requests. Port 0, background thread."""

    def __init__(self) -> None:
        self.requests: list[tuple[str, str]] = []
        self.status = 429
        self.headers: dict[str, str] = {}
        self.body: dict[str, Any] = {}
        self.responder: Callable[[str, str], tuple[int, dict[str, Any]]] | None = None
        """Optional script: (method, path) -> (status, JSON body), overriding the fixed error."""
        outer = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def _answer(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                if length:
                    self.rfile.read(length)
                outer.requests.append((self.command, self.path))
                status, body = outer.status, outer.body
                if outer.responder is not None:
                    status, body = outer.responder(self.command, self.path)
                payload = json.dumps(body).encode()
                self.send_response(status)
                for key, value in {"Content-Type": "application/json", **outer.headers}.items():
                    self.send_header(key, value)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = _answer

            def log_message(self, *args: object) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def aws_error(
        self, status: int, code: str, message: str, *, headers: dict[str, str] | None = None
    ) -> None:
        """Answer like the Lambda REST-JSON API: error type header plus JSON body."""
        self.status = status
        self.headers = {"x-amzn-ErrorType": code, **(headers or {})}
        self.body = {"Type": "User", "message": message}

    def gcp_error(self, status: int, grpc_status: str, message: str) -> None:
        """Answer like a Google REST API: the JSON error envelope."""
        self.status = status
        self.headers = {}
        self.body = {"error": {"code": status, "message": message, "status": grpc_status}}

    def start(self) -> FaultServer:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()
