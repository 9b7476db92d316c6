"""`chatops serve slack` run as its own process, as deployed (for tests and the benchmark)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
from pathlib import Path

from fakes.interrupt import default_sigint

REPO = Path(__file__).resolve().parents[2]


class SlackBotProcess:
    """Starts `chatops serve slack --config ...`, reads the endpoint URL it prints, and stops
    it with Ctrl-C (SIGINT). Tokens travel in the environment, as in production."""

    def __init__(
        self, *, config: Path, env: dict[str, str], log: Path, args: tuple[str, ...] = ()
    ) -> None:
        self.log = log
        self.process = subprocess.Popen(
            [sys.executable, "-m", "bot.cli", "serve", "slack", "--config", str(config), *args],
            cwd=REPO,
            env={**os.environ, "PYTHONUNBUFFERED": "1", **env},
            stdout=subprocess.PIPE,
            stderr=log.open("w"),
            text=True,
            preexec_fn=default_sigint,
        )
        line = self.process.stdout.readline()
        if not line.startswith("Slack events endpoint: "):
            self.stop()
            raise RuntimeError(f"the bot did not start; {log}:\n{log.read_text()[-3000:]}")
        self.url = line.split(": ", 1)[1].strip()

    def stop(self) -> int:
        """Ctrl-C, then the exit code (killed after 60 s)."""
        self.process.send_signal(signal.SIGINT)
        try:
            return self.process.wait(timeout=60)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait()
