"""A stand-in for bot.engine.Engine (another area's component) in adapter-only tests.

The adapters' end-to-end tests use the real engine; these tests check only what the
adapters hand over and how they render what comes back.
"""

from __future__ import annotations

import threading
import time

from bot.chat import ChatReply, ChatRequest, ReplyKind


class ScriptedEngine:
    """Stands in for bot.engine.Engine (another area) in adapter-only tests.

    Records what the adapter hands over; answers "approval" with an approval request
    that only `approvers` may decide; "boom" raises; `delay_s` makes it slow.
    """

    def __init__(self, *, approvers: set[str], delay_s: float = 0.0) -> None:
        self.approvers = approvers
        self.delay_s = delay_s
        self.requests: list[ChatRequest] = []
        self.decisions: list[tuple[str, str, bool]] = []
        self._changed = threading.Condition()

    def handle(self, request: ChatRequest) -> list[ChatReply]:
        time.sleep(self.delay_s)
        with self._changed:
            self.requests.append(request)
            self._changed.notify_all()
        if request.text == "boom":
            raise RuntimeError("engine bug")
        if request.text.startswith("approval"):
            return [
                ChatReply(
                    kind=ReplyKind.APPROVAL,
                    text="**scale** web to 3?",
                    approval_id="ap-1",
                    data={"diff": "- replicas: 1\n+ replicas: 3"},
                )
            ]
        return [ChatReply(kind=ReplyKind.ANSWER, text=f"you said: {request.text}")]

    def decide(self, approval_id: str, *, platform: str, user_id: str, approve: bool):
        time.sleep(self.delay_s)
        with self._changed:
            self.decisions.append((approval_id, user_id, approve))
            self._changed.notify_all()
        if user_id not in self.approvers:
            return [ChatReply(kind=ReplyKind.REFUSAL, text=f"{user_id} may not approve this.")]
        verb = "approved" if approve else "rejected"
        return [ChatReply(kind=ReplyKind.ANSWER, text=f"{verb} by {user_id}; web scaled to 3")]

    def wait_requests(self, count: int, timeout: float = 10.0) -> list[ChatRequest]:
        deadline = time.monotonic() + timeout
        with self._changed:
            while len(self.requests) < count:
                left = deadline - time.monotonic()
                assert left > 0, f"engine got {len(self.requests)} requests, expected {count}"
                self._changed.wait(left)
            return list(self.requests)
