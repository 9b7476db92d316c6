"""Status conditions that keep their transition times while nothing changes."""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.store import format_time


def set_condition(
    conditions: list[dict[str, Any]],
    *,
    type: str,
    status: str,
    reason: str,
    message: str,
    now: float,
    update_time: bool = False,
    touch: bool = False,
) -> list[dict[str, Any]]:
    """`conditions` with `type` set; times move only when status/reason/message change.

    `update_time` adds lastUpdateTime (deployment conditions have it); `touch` moves it
    even when nothing else changed (a deployment records progress that way).
    """
    previous = next((c for c in conditions if c.get("type") == type), None)
    stamp = format_time(now)
    condition: dict[str, Any] = {"type": type, "status": status}
    if previous is not None and previous.get("status") == status:
        condition["lastTransitionTime"] = previous.get("lastTransitionTime", stamp)
    else:
        condition["lastTransitionTime"] = stamp
    if update_time:
        same = previous is not None and all(
            previous.get(key) == value
            for key, value in (("status", status), ("reason", reason), ("message", message))
        )
        kept = previous.get("lastUpdateTime", stamp) if previous is not None else stamp
        condition["lastUpdateTime"] = kept if same and not touch else stamp
    condition["reason"], condition["message"] = reason, message
    if previous is None:
        return [*conditions, condition]
    return [condition if c.get("type") == type else c for c in conditions]


def find_condition(conditions: list[dict[str, Any]] | None, type: str) -> dict[str, Any] | None:
    """The condition of `type`, or None."""
    return next((c for c in conditions or [] if c.get("type") == type), None)
