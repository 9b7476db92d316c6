"""The policy file's schema: users, groups, roles and rules, approvers, modes, counts.

Every field is documented; unknown keys are errors (reported with their line by
`bot.policy.parse_policy`).
"""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict, Field

from tools.base import Risk

GLOB_PATTERN = r"^[A-Za-z0-9_*?.:@-]{1,100}$"


class Mode(StrEnum):
    """How changes are handled in a place (reads always run)."""

    READ_ONLY = "read-only"
    SUGGEST_ONLY = "suggest-only"
    EXECUTE_WITH_APPROVAL = "execute-with-approval"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True, frozen=True)


class Rule(_Strict):
    """Allows some tools in some places up to a risk."""

    tools: list[str] = Field(default=["*"], min_length=1)
    """Tool name globs, e.g. 'list_*'."""
    clusters: list[str] = Field(default=["*"], min_length=1)
    """Cluster (or cloud account) alias globs."""
    namespaces: list[str] = Field(default=["*"], min_length=1)
    """Namespace globs; cluster-wide calls match only '*'."""
    max_risk: Risk = Risk.READ
    """Highest risk allowed by this rule: read, write or destructive."""


class Group(_Strict):
    """A named set of users sharing roles."""

    members: list[str] = Field(default_factory=list)
    """User ids (or platform:user id); '*' is everyone."""
    roles: list[str] = Field(default_factory=list)
    """Roles of every member."""


class ApproverRule(_Strict):
    """Who may approve requests, and where."""

    users: list[str] = Field(default_factory=list)
    """User ids allowed to approve."""
    groups: list[str] = Field(default_factory=list)
    """Groups whose members may approve."""
    roles: list[str] = Field(default_factory=list)
    """Roles whose holders may approve."""
    clusters: list[str] = Field(default=["*"], min_length=1)
    """Cluster globs this approver rule covers."""
    namespaces: list[str] = Field(default=["*"], min_length=1)
    """Namespace globs this approver rule covers."""


class ModeRule(_Strict):
    """The mode of matching clusters and namespaces."""

    cluster: str = Field(default="*", pattern=GLOB_PATTERN)
    """Cluster alias glob."""
    namespace: str = Field(default="*", pattern=GLOB_PATTERN)
    """Namespace glob ('*' also matches cluster-wide calls)."""
    mode: Mode
    """read-only, suggest-only or execute-with-approval."""


class Modes(_Strict):
    """Modes per place: the first matching rule wins, else `default`."""

    default: Mode = Mode.EXECUTE_WITH_APPROVAL
    """Mode where no rule matches."""
    rules: list[ModeRule] = Field(default_factory=list)
    """Ordered mode rules."""


class ApprovalCounts(_Strict):
    """How many distinct approvers each risk needs (0: runs without approval)."""

    write: int = Field(default=1, ge=0, le=5)
    """Approvals for a write."""
    destructive: int = Field(default=1, ge=0, le=5)
    """Approvals for a destructive action outside production."""
    destructive_production: int = Field(default=2, ge=0, le=5)
    """Approvals for a destructive action in production."""


class PolicyFile(_Strict):
    """The policy file as written."""

    users: dict[str, list[str]] = Field(default_factory=dict)
    """User id (or platform:user id) -> roles."""
    groups: dict[str, Group] = Field(default_factory=dict)
    """Group name -> members and roles."""
    everyone: list[str] = Field(default_factory=list)
    """Roles every user has, known or not."""
    roles: dict[str, list[Rule]] = Field(default_factory=dict)
    """Role name -> rules."""
    approvers: list[ApproverRule] = Field(default_factory=list)
    """Who may approve."""
    modes: Modes = Field(default_factory=Modes)
    """Modes per cluster/namespace."""
    approvals: ApprovalCounts = Field(default_factory=ApprovalCounts)
    """Approvals needed per risk."""
