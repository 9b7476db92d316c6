"""Eval cases as data: the model of one case and the loader for YAML and JSONL files.

A case is one user message with its channel context and what a good assistant does:
the expected call (tool + arguments, where an argument may accept several values or be
optional), or the expected non-action (`clarify` / `no_action`), the expected policy
decision and tags. The format is documented in evals/README.md.

Loading never guesses: a malformed case raises `CaseError` naming the file, the line
and the reason.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from pathlib import Path
from typing import Any, Literal

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator

Difficulty = Literal["easy", "medium", "hard"]
PolicyDecision = Literal["allow", "needs_approval", "refuse"]
NON_ACTION_TOOLS = ("clarify", "no_action")
ARG_SPEC_KEYS = frozenset({"any_of", "optional"})

# Live values a planner is told about when a case does not say (the demo sandbox).
DEFAULT_LIVE: dict[str, list[str]] = {
    "cluster": ["us-central", "eu-west"],
    "namespace": ["default", "staging", "prod", "monitoring"],
    "deployment": ["web", "api", "worker", "checkout"],
    "aws_account": ["dev-aws", "prod-aws"],
    "gcp_project": ["dev-gcp", "prod-gcp"],
}


class CaseError(ValueError):
    """A case file is malformed; the message names the file, the line and the reason."""

    def __init__(self, path: Path | str, line: int, reason: str) -> None:
        super().__init__(f"{path}:{line}: {reason}")
        self.path, self.line, self.reason = str(path), line, reason


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, use_attribute_docstrings=True)


class ArgExpectation(_Strict):
    """What an expected argument accepts."""

    any_of: list[Any]
    """Acceptable values (a plain value in the file is a one-element list)."""
    optional: bool = False
    """True: leaving the argument out (or at its default) is also correct."""


class ExpectedCall(_Strict):
    """The call (or non-action) a good assistant proposes for the case."""

    tool: str = Field(pattern=r"^[a-z][a-z0-9_]{1,60}$")
    """Tool name, or `clarify` / `no_action`."""
    args: dict[str, ArgExpectation] = Field(default_factory=dict)
    """Expected arguments; arguments not listed must stay at their defaults."""

    @property
    def is_non_action(self) -> bool:
        return self.tool in NON_ACTION_TOOLS


class CaseContext(_Strict):
    """The channel the message arrives in."""

    cluster: str | None = None
    """Channel default cluster alias."""
    namespace: str | None = None
    """Channel default namespace."""
    user: str | None = None
    """Who asks."""

    def as_dict(self) -> dict[str, str]:
        return {k: v for k, v in self.model_dump().items() if v}


class Case(_Strict):
    """One request and what should happen."""

    id: str = Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,119}$")
    """Unique id within a suite."""
    text: str = Field(min_length=1, max_length=2000)
    """What the person types."""
    context: CaseContext = Field(default_factory=CaseContext)
    """Channel defaults and user."""
    live: dict[str, list[str]] = Field(default_factory=lambda: dict(DEFAULT_LIVE))
    """Known clusters, namespaces, deployments offered to the planner."""
    expect: ExpectedCall
    """Expected call or non-action."""
    policy: PolicyDecision | None = None
    """Expected policy decision for the expected call (None: not judged)."""
    difficulty: Difficulty = "medium"
    """easy, medium or hard."""
    style: list[str] = Field(default_factory=list)
    """Phrasing tags: imperative, question, indirect, typo, slack, multi_cluster..."""
    source: str = ""
    """`file:line` the case came from (filled by the loader)."""

    @field_validator("style")
    @classmethod
    def _check_style(cls, value: list[str]) -> list[str]:
        for tag in value:
            if not tag.replace("_", "").isalnum() or tag != tag.lower():
                raise ValueError(f"style tag {tag!r} must be lower_snake_case")
        return value

    @property
    def tool(self) -> str:
        return self.expect.tool


def parse_arg_expectation(raw: Any) -> ArgExpectation:
    """A plain value, `{any_of: [...]}`, `{optional: true}` or both keys together."""
    if isinstance(raw, dict) and raw and set(raw) <= ARG_SPEC_KEYS:
        optional = raw.get("optional", False)
        if not isinstance(optional, bool):
            raise ValueError("'optional' must be true or false")
        values = raw.get("any_of", [])
        if not isinstance(values, list) or ("any_of" in raw and not values):
            raise ValueError("'any_of' must be a non-empty list")
        if not values and not optional:
            raise ValueError("an argument spec needs 'any_of' or 'optional: true'")
        return ArgExpectation(any_of=values, optional=optional)
    return ArgExpectation(any_of=[raw])


def build_case(raw: Any, *, defaults: dict[str, Any] | None = None, source: str = "") -> Case:
    """Validate one raw record (from YAML or JSON) into a `Case`; raises ValueError."""
    if not isinstance(raw, dict):
        raise ValueError(f"a case must be a mapping, got {type(raw).__name__}")
    record = {**(defaults or {}), **raw}
    if "context" in (defaults or {}) and "context" in raw and isinstance(raw["context"], dict):
        record["context"] = {**defaults["context"], **raw["context"]}
    expect = record.get("expect")
    if not isinstance(expect, dict) or not isinstance(expect.get("args", {}), dict):
        raise ValueError("'expect' must be a mapping with 'tool' and optional 'args' mapping")
    args = {}
    for name, value in expect.get("args", {}).items():
        try:
            args[name] = parse_arg_expectation(value)
        except ValueError as exc:
            raise ValueError(f"expect.args.{name}: {exc}") from None
    record["expect"] = {**expect, "args": args}
    try:
        return Case.model_validate({**record, "source": source})
    except ValidationError as exc:
        raise ValueError(describe_validation_error(exc)) from None


def describe_validation_error(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "case"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)


def load_cases(path: Path | str) -> list[Case]:
    """Load every case of a `.yaml`/`.yml` or `.jsonl` file (or of a folder of them)."""
    path = Path(path)
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix in (".yaml", ".yml", ".jsonl"))
        cases = [case for file in files for case in load_cases(file)]
        check_unique_ids(cases)
        return cases
    if not path.exists():
        raise CaseError(path, 0, "no such file or folder")
    if path.suffix == ".jsonl":
        return _load_jsonl(path)
    if path.suffix in (".yaml", ".yml"):
        return _load_yaml(path)
    raise CaseError(path, 0, f"unknown case file type {path.suffix!r} (use .yaml or .jsonl)")


def _load_jsonl(path: Path) -> list[Case]:
    cases = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip() or line.lstrip().startswith("//"):
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            reason = f"not valid JSON: {exc.msg} (column {exc.colno})"
            raise CaseError(path, number, reason) from None
        try:
            cases.append(build_case(raw, source=f"{path}:{number}"))
        except ValueError as exc:
            raise CaseError(path, number, str(exc)) from None
    check_unique_ids(cases)
    return cases


def _load_yaml(path: Path) -> list[Case]:
    text = path.read_text(encoding="utf-8")
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark else 0
        raise CaseError(path, line, f"not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if root is None:
        return []
    defaults: dict[str, Any] = {}
    nodes = root
    if isinstance(root, yaml.MappingNode):
        top = {key.value: value for key, value in root.value}
        unknown = set(top) - {"defaults", "cases"}
        if unknown or "cases" not in top:
            reason = "a case file is a list of cases or a mapping with 'cases' (and 'defaults')"
            raise CaseError(path, root.start_mark.line + 1, reason)
        if "defaults" in top:
            defaults = construct_node(top["defaults"])
            if not isinstance(defaults, dict):
                raise CaseError(
                    path, top["defaults"].start_mark.line + 1, "defaults: not a mapping"
                )
        nodes = top["cases"]
    if not isinstance(nodes, yaml.SequenceNode):
        raise CaseError(path, nodes.start_mark.line + 1, "expected a list of cases")
    cases = []
    for node in nodes.value:
        line = node.start_mark.line + 1
        try:
            cases.append(
                build_case(construct_node(node), defaults=defaults, source=f"{path}:{line}")
            )
        except ValueError as exc:
            raise CaseError(path, line, str(exc)) from None
    check_unique_ids(cases)
    return cases


def construct_node(node: yaml.Node) -> Any:
    loader = yaml.SafeLoader("")
    try:
        return loader.construct_document(node)
    finally:
        loader.dispose()


def check_unique_ids(cases: Iterable[Case]) -> None:
    """Raise `CaseError` at the second occurrence of a duplicated case id."""
    seen: dict[str, str] = {}
    for case in cases:
        if case.id in seen:
            file, _, line = case.source.rpartition(":")
            reason = f"duplicate case id {case.id!r} (first at {seen[case.id]})"
            raise CaseError(file, int(line or 0), reason)
        seen[case.id] = case.source


def check_cases_against_registry(cases: Iterable[Case], registry: Any) -> None:
    """Every expected tool exists and every acceptable value is a valid argument.

    `registry` is a `tools.registry.ToolRegistry`. Catches typos in case data before a
    model is blamed for them.
    """
    for case in cases:
        file, _, line = case.source.rpartition(":")
        try:
            _check_case(case, registry)
        except ValueError as exc:
            raise CaseError(file or case.id, int(line or 0), f"{case.id}: {exc}") from None


def _check_case(case: Case, registry: Any) -> None:
    if case.tool not in registry.names():
        raise ValueError(f"unknown tool {case.tool!r}")
    fields = registry.args_model(case.tool).model_fields
    for name in case.expect.args:
        if name not in fields:
            raise ValueError(f"{case.tool} has no argument {name!r} (has: {', '.join(fields)})")
    if case.tool == "clarify" and "question" not in case.expect.args:
        return
    base = {n: a.any_of[0] for n, a in case.expect.args.items() if a.any_of}
    variants = [base] + [
        {**base, name: value}
        for name, spec in case.expect.args.items()
        for value in spec.any_of[1:]
    ]
    for args in variants:
        try:
            registry.parse_call({"tool": case.tool, "args": args})
        except Exception as exc:  # noqa: BLE001 - InvalidCall; reported with the case
            raise ValueError(f"expected call is not valid: {exc}") from None
    if case.expect.is_non_action and case.policy is not None:
        raise ValueError("a clarify/no_action case has no policy decision")
