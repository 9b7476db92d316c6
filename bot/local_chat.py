"""The local terminal chat: talk to the engine as different users.

Plain lines go to the engine; lines starting with `/` are chat commands:
`/as NAME`, `/approve ID`, `/reject ID`, `/pending`, `/whoami`, `/help`, `/quit`.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from pathlib import Path

from rich.console import Console
from rich.panel import Panel
from rich.text import Text

from bot.chat import ChatReply, ChatRequest, ReplyKind
from bot.engine import Engine
from bot.identity import LOCAL_USER_PATTERN
from bot.store import ApprovalStatus

PLATFORM = "local"
STYLES = {
    ReplyKind.ANSWER: ("green", "answer"),
    ReplyKind.APPROVAL: ("yellow", "approval needed"),
    ReplyKind.REFUSAL: ("red", "refused"),
    ReplyKind.CLARIFY: ("cyan", "question"),
    ReplyKind.INFO: ("blue", "info"),
    ReplyKind.ERROR: ("red", "error"),
}
COMMANDS_HELP = """\
Type a request in plain words, e.g. "deploy a redis with 2 GB to staging".
  /as NAME       act as another user (e.g. /as bob)
  /approve ID    approve a pending request      /reject ID   reject it
  /pending       list pending approvals         /whoami      who you are now
  help           what the bot can do            /quit        leave (Ctrl-D too)"""


class LocalChat:
    """A read-eval-print loop over `Engine.handle` and `Engine.decide`."""

    def __init__(
        self,
        engine: Engine,
        *,
        console: Console,
        user: str,
        channel: str = "local",
        read_line: Callable[[str], str] = input,
        history_file: Path | None = None,
    ) -> None:
        self.engine, self.console, self.user, self.channel = engine, console, user, channel
        self.read_line = read_line
        self.history_file = history_file

    def run(self) -> None:
        """Loop until /quit or end of input."""
        readline = _enable_readline(self.history_file)
        self.console.print(Text(COMMANDS_HELP))
        try:
            while True:
                try:
                    line = self.read_line(f"{self.user}> ")
                except (EOFError, KeyboardInterrupt):
                    self.console.print()
                    return
                if not self.handle_line(line):
                    return
        finally:
            if readline is not None and self.history_file is not None:
                readline.write_history_file(str(self.history_file))

    def handle_line(self, line: str) -> bool:
        """Act on one line; False means quit."""
        line = line.strip()
        if not line:
            return True
        if not line.startswith("/"):
            request = ChatRequest(
                platform=PLATFORM,
                user_id=self.user,
                channel_id=self.channel,
                text=line,
                event_id=uuid.uuid4().hex,
            )
            self.show(self.engine.handle(request))
            return True
        command, _, argument = line[1:].partition(" ")
        return self._command(command.lower(), argument.strip())

    def _command(self, command: str, argument: str) -> bool:
        if command in ("quit", "exit", "q"):
            return False
        if command == "as":
            self._switch_user(argument)
        elif command in ("approve", "reject") and not argument:
            self.console.print(Text(f"Usage: /{command} ID (see /pending)", style="red"))
        elif command in ("approve", "reject"):
            replies = self.engine.decide(
                argument, platform=PLATFORM, user_id=self.user, approve=command == "approve"
            )
            self.show(replies)
        elif command == "pending":
            self._show_pending()
        elif command == "whoami":
            self.console.print(Text(f"You are {self.user}."))
        elif command == "help":
            self.console.print(Text(COMMANDS_HELP))
        else:
            self.console.print(Text(f"Unknown command /{command}. Type /help.", style="red"))
        return True

    def _switch_user(self, name: str) -> None:
        if not re.match(LOCAL_USER_PATTERN, name):
            self.console.print(
                Text("Usage: /as NAME (lower-case letters, digits, . _ -)", style="red")
            )
            return
        self.user = name
        self.console.print(Text(f"You are now {name}."))

    def _show_pending(self) -> None:
        pending = self.engine.store.approvals.list_requests(status=ApprovalStatus.PENDING)
        if not pending:
            self.console.print(Text("No pending approvals."))
        for record in pending:
            self.console.print(
                Text(
                    f"{record.id}  {record.call['tool']}  by {record.requester}  "
                    f"needs {record.required}  expires {record.expires_at:%H:%M} UTC"
                )
            )

    def show(self, replies: list[ChatReply]) -> None:
        """Print replies as panels colored by kind."""
        for reply in replies:
            style, title = STYLES[reply.kind]
            body = Text(reply.text)
            if reply.kind is ReplyKind.APPROVAL:
                body.append(
                    f"\n→ another user approves with: /approve {reply.approval_id}", style="bold"
                )
            self.console.print(Panel(body, title=title, border_style=style, title_align="left"))


def _enable_readline(history_file: Path | None):
    """Line editing and history where the platform has readline."""
    try:
        import readline
    except ImportError:  # e.g. Windows without pyreadline
        return None
    if history_file is not None and history_file.exists():
        try:
            readline.read_history_file(str(history_file))
        except OSError:
            pass
    return readline
