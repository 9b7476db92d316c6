"""Live values for the model's schema: known clusters, namespaces and deployments.

The planner constrains fields marked `x-live` to these values, so the model can only
name things that exist. Namespaces and deployments are read through the
`list_deployments` tool (the bot never talks to a cluster directly), cached briefly,
and forgotten after any change the bot makes.
"""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable

from tools.context import ToolContext
from tools.registry import ToolRegistry

log = logging.getLogger(__name__)
MAX_CLUSTERS_LISTED = 8


class LiveValues:
    """Collects `{"cluster": [...], "namespace": [...], "deployment": [...], ...}`."""

    def __init__(
        self,
        *,
        registry: ToolRegistry,
        tool_context: ToolContext,
        ttl_s: float = 10.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._registry = registry
        self._ctx = tool_context
        self._ttl_s = ttl_s
        self._clock = clock
        self._lock = threading.Lock()
        self._cache: dict[str, tuple[float, set[str], set[str]]] = {}

    def collect(self) -> dict[str, list[str]]:
        """Current live values (clusters that cannot be listed contribute nothing)."""
        settings = self._ctx.settings
        namespaces: set[str] = set()
        deployments: set[str] = set()
        for alias in sorted(settings.clusters)[:MAX_CLUSTERS_LISTED]:
            found_namespaces, found_deployments = self._cluster_values(alias)
            namespaces |= found_namespaces
            deployments |= found_deployments
        return {
            "cluster": sorted(settings.clusters),
            "namespace": sorted(namespaces),
            "deployment": sorted(deployments),
            "aws_account": sorted(settings.aws_accounts),
            "gcp_project": sorted(settings.gcp_projects),
        }

    def forget(self) -> None:
        """Drop the cache (after the bot changed something)."""
        with self._lock:
            self._cache.clear()

    def _cluster_values(self, alias: str) -> tuple[set[str], set[str]]:
        now = self._clock()
        with self._lock:
            cached = self._cache.get(alias)
        if cached and now - cached[0] < self._ttl_s:
            return cached[1], cached[2]
        namespaces, deployments = self._list(alias)
        with self._lock:
            self._cache[alias] = (now, namespaces, deployments)
        return namespaces, deployments

    def _list(self, alias: str) -> tuple[set[str], set[str]]:
        if "list_deployments" not in self._registry.tools:
            return set(), set()
        try:
            call = self._registry.parse_call(
                {"tool": "list_deployments", "args": {"cluster": alias, "all_namespaces": True}}
            )
            result = self._registry.get(call.tool).execute(call.args, self._ctx)
        except Exception as exc:  # noqa: BLE001 - a down cluster must not stop the chat
            log.warning("cannot list deployments of cluster %s: %s", alias, exc)
            return set(), set()
        items = [i for i in result.data.get("items", []) if isinstance(i, dict)]
        namespaces = {str(i["namespace"]) for i in items if i.get("namespace")}
        deployments = {str(i["name"]) for i in items if i.get("name")}
        return namespaces, deployments
