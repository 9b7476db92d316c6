"""Scenario cases: the whole assistant against a cluster, judged by the cluster's state.

A scenario has a channel (default cluster/namespace), setup operations, steps (a user says
something, or decides on the latest approval) with the reply kind expected from each, then
checks of the cluster's state, and cleanup operations that always run. Format (YAML):

    - id: sc-scale-approved
      channel: {cluster: us-central, namespace: staging}
      setup:   [{create_deployment: {name: sc-web, image: "nginx:1.27", replicas: 1}}]
      steps:
        - {as: alice, say: "scale sc-web to 3", expect: approval}
        - {as: bob, approve: true, expect: answer}
      verify:  [{deployment: {name: sc-web, replicas: 3}}]
      cleanup: [{delete_deployment: {name: sc-web}}]

The expected reply kind is the engine's policy decision as the user sees it:
answer (allowed and done), approval (needs approval), refusal (refused), clarify, info.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from evals.cases import CaseError, Difficulty, construct_node, describe_validation_error

ReplyKindName = Literal["answer", "approval", "refusal", "clarify", "info", "error"]
OPERATIONS = (
    "create_deployment",
    "delete_deployment",
    "delete_service",
    "delete_namespace",
    "delete_hpa",
    "uncordon_node",
)
CHECKS = ("deployment", "service", "namespace", "hpa", "node")


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class Operation(_Strict):
    """A setup or cleanup action done directly with the Kubernetes client (not the bot)."""

    action: Literal[OPERATIONS]  # type: ignore[valid-type]
    name: str = Field(pattern=r"^[a-z0-9]([-a-z0-9.]{0,251}[a-z0-9])?$")
    """Object name (node name for uncordon_node)."""
    namespace: str | None = None
    """Namespace; the channel's when omitted (ignored for namespaces and nodes)."""
    cluster: str | None = None
    """Cluster alias; the channel's when omitted."""
    image: str = "nginx:1.27"
    """create_deployment: image."""
    replicas: int = Field(default=1, ge=0, le=10)
    """create_deployment: replicas."""


class Check(_Strict):
    """What the cluster must look like after the steps. Unset fields are not checked."""

    kind: Literal[CHECKS]  # type: ignore[valid-type]
    name: str
    namespace: str | None = None
    cluster: str | None = None
    exists: bool = True
    replicas: int | None = None
    image: str | None = None
    env: dict[str, str] | None = None
    """Env vars that must be set to these values (others may exist)."""
    env_absent: list[str] | None = None
    memory_limit: str | None = None
    memory_request: str | None = None
    cpu_limit: str | None = None
    cpu_request: str | None = None
    min_replicas: int | None = None
    max_replicas: int | None = None
    unschedulable: bool | None = None


class Step(_Strict):
    """One turn: `say` a message, or `approve` (true/false) the latest approval request."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)

    user: str = Field(alias="as", pattern=r"^[a-z][a-z0-9_-]{0,31}$")
    """Who speaks or decides."""
    say: str | None = Field(default=None, min_length=1, max_length=2000)
    approve: bool | None = None
    expect: ReplyKindName | None = None
    """A reply of this kind must be among the replies."""
    expect_text: str | None = None
    """Case-insensitive substring of some reply's text."""

    @model_validator(mode="after")
    def _one_action(self) -> Step:
        if (self.say is None) == (self.approve is None):
            raise ValueError("a step has exactly one of 'say' or 'approve'")
        return self


class Channel(_Strict):
    cluster: str
    namespace: str


class Scenario(_Strict):
    """One engine-level case."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$")
    description: str = ""
    channel: Channel
    setup: list[Operation] = Field(default_factory=list)
    steps: list[Step] = Field(min_length=1)
    verify: list[Check] = Field(default_factory=list)
    cleanup: list[Operation] = Field(default_factory=list)
    difficulty: Difficulty = "medium"
    style: list[str] = Field(default_factory=list)
    source: str = ""


def _single_key_items(items: Any, field: str, key_name: str) -> list[dict[str, Any]]:
    if not isinstance(items, list):
        raise ValueError(f"'{field}' must be a list")
    out = []
    for item in items:
        if (
            not isinstance(item, dict)
            or len(item) != 1
            or not isinstance(next(iter(item.values())), dict)
        ):
            raise ValueError(f"each '{field}' item is {{{key_name}: {{...}}}}, got {item!r}")
        ((key, params),) = item.items()
        out.append({key_name: key, **params})
    return out


def build_scenario(raw: Any, *, source: str = "") -> Scenario:
    """Validate one raw scenario record; raises ValueError with the reason."""
    if not isinstance(raw, dict):
        raise ValueError("a scenario must be a mapping")
    record = dict(raw)
    for field, key_name in (("setup", "action"), ("cleanup", "action"), ("verify", "kind")):
        if field in record:
            record[field] = _single_key_items(record[field], field, key_name)
    try:
        return Scenario.model_validate({**record, "source": source})
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


def load_scenarios(path: Path | str) -> list[Scenario]:
    """All scenarios of a YAML file or a folder of them; errors name file and line."""
    path = Path(path)
    files = sorted(path.glob("*.yaml")) if path.is_dir() else [path]
    scenarios: list[Scenario] = []
    seen: dict[str, str] = {}
    for file in files:
        try:
            root = yaml.compose(file.read_text(encoding="utf-8"), Loader=yaml.SafeLoader)
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            raise CaseError(file, mark.line + 1 if mark else 0, f"not valid YAML: {exc}") from None
        if root is None:
            continue
        if not isinstance(root, yaml.SequenceNode):
            raise CaseError(file, root.start_mark.line + 1, "a scenario file is a list")
        for node in root.value:
            line = node.start_mark.line + 1
            try:
                scenario = build_scenario(construct_node(node), source=f"{file}:{line}")
            except ValueError as exc:
                raise CaseError(file, line, str(exc)) from None
            if scenario.id in seen:
                raise CaseError(
                    file, line, f"duplicate scenario id {scenario.id!r} ({seen[scenario.id]})"
                )
            seen[scenario.id] = scenario.source
            scenarios.append(scenario)
    return scenarios
