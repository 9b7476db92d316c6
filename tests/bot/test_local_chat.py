"""The local chat's commands, fed line by line to a real engine."""

from __future__ import annotations

import io
import re

from rich.console import Console

from bot.local_chat import LocalChat
from bot.store import ApprovalStatus


def test_chat_commands(make_engine):
    engine = make_engine()
    output = io.StringIO()
    lines = iter(
        [
            "/whoami",
            "/as Bob!",
            "/pending",
            "restart web in staging",
            "/pending",
            "/approve",
            "/as carol",
            "/reject {id}",
            "/bogus",
            "/quit",
            "never read",
        ]
    )
    approval_ids: list[str] = []

    def read_line(prompt: str) -> str:
        output.write(prompt + "\n")
        line = next(lines)
        if "{id}" in line:
            approval_ids.extend(re.findall(r"Approval ([0-9a-f]{8}):", output.getvalue()))
            line = line.format(id=approval_ids[0])
        return line

    console = Console(file=output, width=160, color_system=None)
    LocalChat(engine, console=console, user="alice", read_line=read_line).run()
    text = output.getvalue()
    assert "You are alice." in text
    assert "Usage: /as NAME" in text
    assert "No pending approvals." in text
    assert f"{approval_ids[0]}  restart_deployment  by alice  needs 1" in text
    assert "Usage: /approve ID" in text
    assert "carol> " in text and "rejected by carol" in text
    assert "Unknown command /bogus" in text
    assert next(lines) == "never read"
    assert engine.store.approvals.get(approval_ids[0]).status is ApprovalStatus.REJECTED
