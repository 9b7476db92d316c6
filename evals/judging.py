"""The policy decision a proposed call would get, for policy-agreement metrics.

The real policy lives in the engine (bot/), which evals must not import. Call-level suites
therefore judge with a `PolicyJudge`: by default `RiskJudge`, which asks the tools for the
call's risk (code, never the model) and maps read -> allow, write and destructive ->
needs_approval. The engine wiring can pass the real policy instead (same Protocol).
"""

from __future__ import annotations

from typing import Any, Protocol

from evals.cases import NON_ACTION_TOOLS, CaseContext, PolicyDecision
from tools.base import ToolError


class PolicyJudge(Protocol):
    """Decides what the policy would do with a validated call in a channel context."""

    def decide(self, call: Any, *, context: CaseContext) -> PolicyDecision | None:
        """`call` is a `tools.base.ToolCall`; None for non-actions (clarify/no_action)."""


def default_tool_settings() -> Any:
    """Clusters and cloud accounts the eval cases talk about (no API is contacted)."""
    from tools.settings import (
        AwsAccountSettings,
        ClusterSettings,
        GcpProjectSettings,
        ToolSettings,
    )

    return ToolSettings(
        clusters={
            "us-central": ClusterSettings(context="us-central"),
            "eu-west": ClusterSettings(context="eu-west"),
        },
        default_cluster="us-central",
        aws_accounts={
            "dev-aws": AwsAccountSettings(region="us-east-1"),
            "prod-aws": AwsAccountSettings(region="us-east-1", production=True),
        },
        gcp_projects={
            "dev-gcp": GcpProjectSettings(project="planton-dev", region="us-central1"),
            "prod-gcp": GcpProjectSettings(
                project="planton-prod", region="us-central1", production=True
            ),
        },
    )


def fill_channel_defaults(call: Any, context: CaseContext) -> Any:
    """The call with missing cluster/namespace taken from the channel, as the engine does."""
    fields = type(call.args).model_fields
    update = {
        name: getattr(context, name)
        for name in ("cluster", "namespace")
        if name in fields and getattr(call.args, name) is None and getattr(context, name)
    }
    if not update:
        return call
    return type(call)(tool=call.tool, args=call.args.model_copy(update=update))


class RiskJudge:
    """Risk-based decision: read -> allow, write/destructive -> needs_approval.

    Unknown tools and risks that cannot be computed fail closed (needs_approval).
    """

    def __init__(self, *, registry: Any, tool_context: Any) -> None:
        self.registry = registry
        self.tool_context = tool_context

    def decide(self, call: Any, *, context: CaseContext) -> PolicyDecision | None:
        if call.tool in NON_ACTION_TOOLS:
            return None
        call = fill_channel_defaults(call, context)
        tool = self.registry.tools.get(call.tool)
        if tool is None:
            return "needs_approval"  # unknown means risky
        try:
            risk = tool.risk(call.args, self.tool_context)
        except ToolError:
            # e.g. no account named while several are configured: the engine asks; the
            # decision for the call itself is the tool's base risk.
            risk = tool.base_risk
        return "allow" if risk.value == "read" else "needs_approval"


def build_risk_judge(registry: Any, settings: Any | None = None) -> RiskJudge:
    """A `RiskJudge` over the eval tool settings (or the given ones)."""
    from tools.context import ToolContext

    return RiskJudge(
        registry=registry,
        tool_context=ToolContext(settings=settings or default_tool_settings()),
    )
