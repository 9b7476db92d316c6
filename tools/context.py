"""The explicit context a tool runs in: settings plus lazily built API clients.

Clients are created once per alias and reused; nothing here is global.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from tools.base import ToolError
from tools.settings import ToolSettings


@dataclass
class ToolContext:
    """Passed to every `Tool.plan/execute/risk/target` call."""

    settings: ToolSettings
    _clients: dict[tuple[str, str], Any] = field(default_factory=dict, repr=False)

    def resolve_cluster(self, alias: str | None) -> str:
        """Cluster alias to use: the given one or the default; unknown aliases are errors."""
        chosen = alias or self.settings.default_cluster
        if chosen is None:
            raise ToolError("No cluster given and no default cluster is configured.")
        if chosen not in self.settings.clusters:
            known = ", ".join(sorted(self.settings.clusters)) or "none"
            raise ToolError(f"Unknown cluster '{chosen}'. Known clusters: {known}.")
        return chosen

    def client(self, kind: str, alias: str, factory: Any) -> Any:
        """Memoized client for (kind, alias); `factory()` builds it the first time."""
        key = (kind, alias)
        if key not in self._clients:
            self._clients[key] = factory()
        return self._clients[key]
