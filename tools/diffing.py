"""How every tool shows a planned change: a unified diff of YAML views (one way for all).

A value that may be a secret (a cloud function's env value) is shown as `mask_value`.
"""

from __future__ import annotations

import difflib
import hashlib
from typing import Any

import yaml


def to_yaml(value: Any) -> str:
    """Block-style YAML in the views' own key order."""
    return yaml.safe_dump(value, sort_keys=False, default_flow_style=False, width=100)


def render_diff(title: str, before: Any, after: Any, *, context_lines: int = 3) -> str:
    """Unified diff of two views rendered as YAML (None = absent)."""
    old = [] if before is None else to_yaml(before).splitlines()
    new = [] if after is None else to_yaml(after).splitlines()
    lines = difflib.unified_diff(
        old,
        new,
        fromfile=f"{title} (current)",
        tofile=f"{title} (planned)",
        lineterm="",
        n=context_lines,
    )
    return "\n".join(lines)


def mask_value(value: str) -> str:
    """A value as shown in chat: never the value, a short fingerprint to spot changes."""
    digest = hashlib.sha256(value.encode()).hexdigest()[:8]
    return f"hidden ({len(value)} chars, sha256 {digest})"
