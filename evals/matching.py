"""Does a proposed call match the expected one? BFCL-style, argument by argument.

Rules (documented in evals/README.md):
- the tool name must match exactly;
- every expected argument must have one of its acceptable values (`any_of`); an optional
  one may also be left out / at its default;
- an argument the case does not list must stay at its default: anything else is an
  unexpected argument and fails the call;
- values are compared with their JSON types (true is not 1, "3" is not 3; an int is
  accepted where a float is expected), lists ignoring order, mappings key by key;
- Kubernetes quantities (cpu/memory arguments) compare by value: 2Gi == 2048Mi;
- `cluster` and `namespace` compare after filling the channel default into a missing
  value on both sides, since the engine does exactly that before executing.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from evals.cases import ArgExpectation, CaseContext, ExpectedCall
from tools.validation import parse_quantity

QUANTITY_ARGS = frozenset(
    {"cpu", "memory", "cpu_request", "cpu_limit", "memory_request", "memory_limit"}
)
TARGET_ARGS = ("cluster", "namespace")
REQUIRED = object()  # marks an argument without a default in `defaults`


@dataclass(frozen=True)
class ArgResult:
    """The verdict on one argument."""

    name: str
    ok: bool
    expected: Any
    actual: Any
    reason: str = ""


@dataclass(frozen=True)
class CallMatch:
    """The verdict on one proposed call."""

    tool_ok: bool
    args: list[ArgResult] = field(default_factory=list)
    """One result per expected argument (only when the tool matched)."""
    unexpected: list[ArgResult] = field(default_factory=list)
    """Arguments set away from their default that the case does not list."""

    @property
    def exact(self) -> bool:
        return self.tool_ok and all(a.ok for a in self.args) and not self.unexpected


def parse_quantity_value(text: str) -> Decimal | None:
    """Value of a Kubernetes quantity string, or None when it is not one."""
    try:
        return parse_quantity(text)
    except ValueError:
        return None


def values_equal(expected: Any, actual: Any, *, quantity: bool = False) -> bool:
    """Type-aware equality (see the module docstring)."""
    if quantity and isinstance(expected, str) and isinstance(actual, str):
        left, right = parse_quantity_value(expected), parse_quantity_value(actual)
        if left is not None and right is not None:
            return left == right
    if isinstance(expected, bool) or isinstance(actual, bool):
        return type(expected) is type(actual) and expected == actual
    if isinstance(expected, float) and isinstance(actual, int | float):
        return math.isclose(expected, actual, rel_tol=1e-9, abs_tol=1e-12)
    if isinstance(expected, dict) and isinstance(actual, dict):
        return set(expected) == set(actual) and all(
            values_equal(expected[k], actual[k]) for k in expected
        )
    if isinstance(expected, list) and isinstance(actual, list):
        return _sorted_json(expected) == _sorted_json(actual)
    return type(expected) is type(actual) and expected == actual


def _sorted_json(values: list[Any]) -> list[str]:
    return sorted(json.dumps(v, sort_keys=True) for v in values)


def match_call(
    expected: ExpectedCall,
    actual: dict[str, Any] | None,
    *,
    defaults: dict[str, Any],
    context: CaseContext | None = None,
) -> CallMatch:
    """Compare `actual` (`{"tool", "args"}` or None when the planner failed) with `expected`.

    `defaults` maps every argument of the expected tool to its default value (REQUIRED
    for arguments without one); see `defaults_of`.
    """
    if actual is None or actual.get("tool") != expected.tool:
        return CallMatch(tool_ok=False)
    actual_args = dict(actual.get("args") or {})
    channel = context or CaseContext()
    results = [
        _match_arg(name, spec, actual_args, defaults, channel)
        for name, spec in sorted(expected.args.items())
    ]
    unexpected = []
    for name in sorted(set(actual_args) - set(expected.args)):
        if expected.tool == "clarify":
            continue  # any question is fine; only the decision to ask is judged
        default = defaults.get(name, None)
        if name in TARGET_ARGS:
            default = getattr(channel, name)
        value = _effective(name, actual_args.get(name), channel)
        if value is None or (default is not REQUIRED and values_equal(default, value)):
            continue
        unexpected.append(ArgResult(name, False, default, value, "unexpected argument"))
    return CallMatch(tool_ok=True, args=results, unexpected=unexpected)


def _effective(name: str, value: Any, channel: CaseContext) -> Any:
    if name in TARGET_ARGS and value is None:
        return getattr(channel, name)
    return value


def _match_arg(
    name: str,
    spec: ArgExpectation,
    actual_args: dict[str, Any],
    defaults: dict[str, Any],
    channel: CaseContext,
) -> ArgResult:
    default = defaults.get(name, None)
    present = name in actual_args and actual_args[name] is not None
    value = _effective(name, actual_args.get(name), channel)
    shown = spec.any_of[0] if len(spec.any_of) == 1 else {"any_of": spec.any_of}
    if spec.optional:
        at_default = not present or (default is not REQUIRED and values_equal(default, value))
        if at_default or not spec.any_of:
            return ArgResult(name, True, shown, value)
    quantity = name in QUANTITY_ARGS
    accepted = [_effective(name, v, channel) for v in spec.any_of]
    if any(values_equal(v, value, quantity=quantity) for v in accepted):
        return ArgResult(name, True, shown, value)
    reason = "missing" if value is None else "wrong value"
    return ArgResult(name, False, shown, value, reason)


def defaults_of(args_model: Any) -> dict[str, Any]:
    """Argument defaults of a Pydantic `Args` model (REQUIRED where there is none)."""
    out: dict[str, Any] = {}
    for name, info in args_model.model_fields.items():
        if info.is_required():
            out[name] = REQUIRED
        else:
            value = info.get_default(call_default_factory=True)
            out[name] = json.loads(json.dumps(value, default=str)) if value is not None else None
    return out
