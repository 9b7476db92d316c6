"""Who may run what, where: a YAML policy, validated, and the decision for one call.

The decision is made by code from the validated call's risk (`ToolRegistry.risk`) and
target, never from anything the model says. Unknown means risky: a risk we cannot
name is treated as destructive, a cluster-wide call matches only `*` namespace rules.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from fnmatch import fnmatchcase
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from bot.policy_schema import Mode, PolicyFile
from bot.yaml_lines import ConfigError, LineIndex, describe_validation, load_yaml
from tools.base import Risk

__all__ = ["Decision", "DecisionKind", "Mode", "Policy", "load_policy", "parse_policy"]


class DecisionKind(StrEnum):
    """What happens to a call: run, wait for approvals, refuse, or only suggest."""

    ALLOW = "allow"
    NEEDS_APPROVAL = "needs_approval"
    REFUSE = "refuse"
    SUGGEST_ONLY = "suggest_only"


@dataclass(frozen=True)
class Decision:
    """What happens to one call."""

    kind: DecisionKind
    reason: str
    risk: Risk
    approvals: int = 0
    """Distinct approvers needed (NEEDS_APPROVAL only)."""

    def as_dict(self) -> dict[str, Any]:
        """JSON form for the audit log."""
        return {
            "kind": self.kind.value,
            "reason": self.reason,
            "risk": self.risk.value,
            "approvals": self.approvals,
        }


def _matches(value: str | None, globs: list[str]) -> bool:
    if value is None:  # cluster-wide or all namespaces: only an explicit '*' covers it
        return "*" in globs
    return any(fnmatchcase(value, glob) for glob in globs)


def _place(cluster: str, namespace: str | None) -> str:
    return f"{cluster}/{namespace}" if namespace else f"cluster {cluster}"


class Policy:
    """A checked policy: decisions for calls and approvers."""

    def __init__(self, spec: PolicyFile) -> None:
        self.spec = spec

    def roles_of(self, *, platform: str, user_id: str) -> list[str]:
        """Roles of a user: direct, through groups, and `everyone`."""
        keys = {user_id, f"{platform}:{user_id}"}
        roles = [role for key in keys for role in self.spec.users.get(key, [])]
        for group in self.spec.groups.values():
            if "*" in group.members or keys & set(group.members):
                roles.extend(group.roles)
        roles.extend(self.spec.everyone)
        return sorted(set(roles))

    def mode_for(self, *, cluster: str, namespace: str | None) -> Mode:
        """Mode of a place: the first matching mode rule, else the default."""
        for rule in self.spec.modes.rules:
            if fnmatchcase(cluster, rule.cluster) and _matches(namespace, [rule.namespace]):
                return rule.mode
        return self.spec.modes.default

    def decide(
        self,
        *,
        platform: str,
        user_id: str,
        tool: str,
        risk: Risk | str,
        cluster: str,
        namespace: str | None,
        production: bool,
    ) -> Decision:
        """Allow, refuse, suggest only, or ask for N approvals."""
        try:
            risk = Risk(risk)
        except ValueError:  # unknown risk: fail closed
            risk = Risk.DESTRUCTIVE
        roles = self.roles_of(platform=platform, user_id=user_id)
        rules = [
            rule
            for role in roles
            for rule in self.spec.roles.get(role, [])
            if _matches(tool, rule.tools)
            and _matches(cluster, rule.clusters)
            and _matches(namespace, rule.namespaces)
        ]
        place = _place(cluster, namespace)
        if not rules:
            why = f"{user_id} (roles: {', '.join(roles) or 'none'}) may not run {tool} in {place}"
            return Decision(DecisionKind.REFUSE, why + ".", risk)
        allowed = max((rule.max_risk for rule in rules), key=lambda r: r.rank)
        if risk.rank > allowed.rank:
            why = f"{tool} in {place} is a {risk} action; {user_id} may run at most {allowed}."
            return Decision(DecisionKind.REFUSE, why, risk)
        return self._decide_by_mode(
            risk=risk, cluster=cluster, namespace=namespace, production=production, place=place
        )

    def _decide_by_mode(
        self, *, risk: Risk, cluster: str, namespace: str | None, production: bool, place: str
    ) -> Decision:
        if risk is Risk.READ:
            return Decision(DecisionKind.ALLOW, "read-only call", risk)
        mode = self.mode_for(cluster=cluster, namespace=namespace)
        if mode is Mode.READ_ONLY:
            return Decision(DecisionKind.REFUSE, f"{place} is read-only; only reads run.", risk)
        if mode is Mode.SUGGEST_ONLY:
            why = f"{place} is suggest-only: here is the call and its dry run; nothing runs."
            return Decision(DecisionKind.SUGGEST_ONLY, why, risk)
        counts = self.spec.approvals
        needed = counts.write
        if risk is Risk.DESTRUCTIVE:
            needed = counts.destructive_production if production else counts.destructive
        if needed == 0:
            return Decision(DecisionKind.ALLOW, f"{risk} call allowed without approval", risk)
        where = "production " if production else ""
        why = f"{risk} action in {where}{place} needs {needed} approval(s)."
        return Decision(DecisionKind.NEEDS_APPROVAL, why, risk, approvals=needed)

    def may_approve(
        self, *, platform: str, user_id: str, cluster: str, namespace: str | None
    ) -> bool:
        """Whether the user is an approver for this place (requester check is separate)."""
        keys = {user_id, f"{platform}:{user_id}"}
        roles = set(self.roles_of(platform=platform, user_id=user_id))
        for rule in self.spec.approvers:
            member = (
                keys & set(rule.users)
                or roles & set(rule.roles)
                or any(
                    keys & set(self.spec.groups[g].members) or "*" in self.spec.groups[g].members
                    for g in rule.groups
                )
            )
            if member and _matches(cluster, rule.clusters) and _matches(namespace, rule.namespaces):
                return True
        return False


def load_policy(path: Path | str, *, tool_names: list[str] | None = None) -> Policy:
    """Read and check a policy file. Raises ConfigError naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text()
    except OSError as exc:
        raise ConfigError(f"{path}: cannot read policy file: {exc.strerror}") from None
    return parse_policy(text, source=str(path), tool_names=tool_names)


def parse_policy(text: str, *, source: str, tool_names: list[str] | None = None) -> Policy:
    """Check policy text; `tool_names` enables the check that every tool glob matches."""
    data, index = load_yaml(text, source=source)
    if not isinstance(data, dict):
        raise ConfigError(f"{source}:1: a policy must be a mapping (users, roles, ...)")
    try:
        spec = PolicyFile.model_validate(data)
    except ValidationError as exc:
        raise describe_validation(exc, index) from None
    _check_references(spec, index)
    if tool_names is not None:
        _check_tool_globs(spec, index, tool_names)
    return Policy(spec)


def _check_references(spec: PolicyFile, index: LineIndex) -> None:
    refs: list[tuple[tuple[Any, ...], str]] = []
    refs += [(("users", user, i), r) for user, rs in spec.users.items() for i, r in enumerate(rs)]
    refs += [
        (("groups", g, "roles", i), r)
        for g, grp in spec.groups.items()
        for i, r in enumerate(grp.roles)
    ]
    refs += [(("everyone", i), r) for i, r in enumerate(spec.everyone)]
    refs += [
        (("approvers", n, "roles", i), r)
        for n, a in enumerate(spec.approvers)
        for i, r in enumerate(a.roles)
    ]
    for path, role in refs:
        if role not in spec.roles:
            known = ", ".join(sorted(spec.roles)) or "none"
            raise index.error(path, f"unknown role {role!r} (roles: {known})")
    for n, rule in enumerate(spec.approvers):
        for i, group in enumerate(rule.groups):
            if group not in spec.groups:
                raise index.error(("approvers", n, "groups", i), f"unknown group {group!r}")


def _check_tool_globs(spec: PolicyFile, index: LineIndex, tool_names: list[str]) -> None:
    for role, rules in spec.roles.items():
        for n, rule in enumerate(rules):
            for i, glob in enumerate(rule.tools):
                if not any(fnmatchcase(name, glob) for name in tool_names):
                    raise index.error(("roles", role, n, "tools", i), f"{glob!r} matches no tool")
