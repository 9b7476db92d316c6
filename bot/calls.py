"""Preparing a proposed call for the policy: channel defaults, validation, target, risk.

Everything here is deterministic code over the validated call; nothing is taken from
what the model says about risk or place.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from bot.policy import DecisionKind, Policy
from bot.store import ApprovalRecord
from tools.base import Risk, Target, Tool, ToolCall, ToolError
from tools.context import ToolContext
from tools.registry import ToolRegistry


class StaleApproval(Exception):
    """The approved call no longer validates, changed target, or the policy now refuses it."""


@dataclass(frozen=True)
class PreparedCall:
    """A call ready for the policy: defaults filled, validated, target and risk known."""

    call: ToolCall
    tool: Tool
    target: Target
    risk: Risk
    production: bool

    @property
    def digest(self) -> str:
        """What an approval binds to: the call and its resolved target."""
        return approval_digest(self.call, self.target)


def approval_digest(call: ToolCall, target: Target) -> str:
    """sha256 over the call digest and the canonical target."""
    target_json = json.dumps(target.model_dump(mode="json"), sort_keys=True)
    return hashlib.sha256(f"{call.digest()}|{target_json}".encode()).hexdigest()


def fill_defaults(
    raw_call: dict[str, Any], *, registry: ToolRegistry, cluster: str | None, namespace: str
) -> dict[str, Any]:
    """The call with the channel's cluster and namespace where the person named none."""
    fields = registry.args_model(raw_call["tool"]).model_fields
    args = dict(raw_call["args"])
    if "cluster" in fields and args.get("cluster") is None and cluster is not None:
        args["cluster"] = cluster
    spans_all = bool(args.get("all_namespaces"))
    if "namespace" in fields and args.get("namespace") is None and not spans_all:
        args["namespace"] = namespace
    return {"tool": raw_call["tool"], "args": args}


def prepare_call(
    raw_call: dict[str, Any],
    *,
    registry: ToolRegistry,
    tool_context: ToolContext,
) -> PreparedCall:
    """Validate a complete call (raises InvalidCall/ToolError) and compute target and risk."""
    call = registry.parse_call(raw_call)
    tool = registry.get(call.tool)
    target = tool.target(call.args, tool_context)
    risk = registry.risk(call, tool_context)
    return PreparedCall(
        call=call,
        tool=tool,
        target=target,
        risk=risk,
        production=is_production(target, tool_context),
    )


def is_production(target: Target, tool_context: ToolContext) -> bool:
    """Production place: a production cluster/account, or a production namespace.

    Unknown kinds or scopes count as production (fail closed).
    """
    settings = tool_context.settings
    if target.kind == "kubernetes":
        cluster = settings.clusters.get(target.scope)
        if cluster is None:
            return True
        return cluster.production or target.namespace in cluster.production_namespaces
    if target.kind == "aws":
        account = settings.aws_accounts.get(target.scope)
        return account is None or account.production
    if target.kind == "gcp":
        project = settings.gcp_projects.get(target.scope)
        return project is None or project.production
    return True


def place_of(target: Target) -> str:
    """Human location of a target: 'staging on us-central' or 'us-central'."""
    return f"{target.namespace} on {target.scope}" if target.namespace else target.scope


def revalidate(
    record: ApprovalRecord, *, registry: ToolRegistry, tool_context: ToolContext, policy: Policy
) -> PreparedCall:
    """An approved call, validated again right before it runs; raises StaleApproval when it
    no longer validates, no longer matches its digest, or the policy no longer allows it."""
    try:
        prepared = prepare_call(record.call, registry=registry, tool_context=tool_context)
    except ToolError as exc:
        raise StaleApproval(f"the call is no longer valid: {exc}") from None
    if prepared.digest != record.digest:
        raise StaleApproval("the call or its target changed since it was approved")
    decision = policy.decide(
        platform=record.platform,
        user_id=record.requester,
        tool=prepared.call.tool,
        risk=prepared.risk,
        cluster=prepared.target.scope,
        namespace=prepared.target.namespace,
        production=prepared.production,
    )
    allowed = decision.kind in (DecisionKind.ALLOW, DecisionKind.NEEDS_APPROVAL)
    if not allowed or decision.approvals > record.required:
        raise StaleApproval(f"the policy no longer allows it as approved: {decision.reason}")
    return prepared
