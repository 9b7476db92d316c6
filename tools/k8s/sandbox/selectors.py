"""Label and field selectors, parsed from query strings the way the API server reads them."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

from tools.k8s.sandbox.errors import BadRequest

Matcher = Callable[[dict[str, Any]], bool]

_SET_OP = re.compile(r"^\s*(!?)\s*([A-Za-z0-9_./-]+)\s*(?:\s(in|notin)\s*\((.*)\))?\s*$")
_EQ_OP = re.compile(r"^\s*([A-Za-z0-9_./-]+)\s*(==|!=|=)\s*([A-Za-z0-9_.-]*)\s*$")

# Fields each kind can be filtered on, besides metadata.name and metadata.namespace.
_FIELDS: dict[str, tuple[str, ...]] = {
    "Pod": (
        "status.phase",
        "spec.nodeName",
        "spec.restartPolicy",
        "spec.schedulerName",
        "spec.serviceAccountName",
        "status.podIP",
        "status.nominatedNodeName",
    ),
    "Event": (
        "involvedObject.kind",
        "involvedObject.namespace",
        "involvedObject.name",
        "involvedObject.uid",
        "involvedObject.apiVersion",
        "involvedObject.resourceVersion",
        "involvedObject.fieldPath",
        "reason",
        "reportingComponent",
        "source",
        "type",
    ),
    "Node": ("spec.unschedulable",),
    "Secret": ("type",),
    "Namespace": ("status.phase",),
    "ReplicaSet": ("status.replicas",),
}


def split_requirements(text: str) -> list[str]:
    """Split on commas that are not inside `in (...)` value lists."""
    parts, depth, current = [], 0, []
    for char in text:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        if char == "," and depth == 0:
            parts.append("".join(current))
            current = []
        else:
            current.append(char)
    parts.append("".join(current))
    return [part for part in parts if part.strip()]


def parse_label_selector(text: str | None) -> Callable[[Mapping[str, str]], bool]:
    """A predicate on a label map for `a=b,c!=d,e in (x,y),f notin (z),g,!h`."""
    checks: list[Callable[[Mapping[str, str]], bool]] = []
    for requirement in split_requirements(text or ""):
        checks.append(_parse_label_requirement(requirement))
    return lambda labels: all(check(labels) for check in checks)


def _parse_label_requirement(requirement: str) -> Callable[[Mapping[str, str]], bool]:
    equality = _EQ_OP.match(requirement)
    if equality:
        key, op, value = equality.groups()
        if op == "!=":
            return lambda labels: labels.get(key) != value
        return lambda labels: key in labels and labels[key] == value
    found = _SET_OP.match(requirement)
    if not found:
        raise BadRequest(f"unable to parse requirement: invalid label selector {requirement!r}")
    negated, key, op, values_text = found.groups()
    if op is None:
        if negated:
            return lambda labels: key not in labels
        return lambda labels: key in labels
    if negated:
        raise BadRequest(f"unable to parse requirement: '!' before set operator in {requirement!r}")
    values = {value.strip() for value in values_text.split(",") if value.strip()}
    if not values:
        raise BadRequest(f"unable to parse requirement: empty value set in {requirement!r}")
    if op == "in":
        return lambda labels: labels.get(key) in values
    return lambda labels: labels.get(key) not in values


def matches_label_selector(selector: Mapping[str, Any] | None, labels: Mapping[str, str]) -> bool:
    """Whether `labels` satisfy a LabelSelector object (matchLabels + matchExpressions).

    An empty or missing selector matches everything, as for list calls.
    """
    if not selector:
        return True
    for key, value in (selector.get("matchLabels") or {}).items():
        if labels.get(key) != value:
            return False
    for expression in selector.get("matchExpressions") or []:
        key, operator = expression.get("key"), expression.get("operator")
        values = set(expression.get("values") or [])
        if operator == "In" and labels.get(key) not in values:
            return False
        if operator == "NotIn" and key in labels and labels[key] in values:
            return False
        if operator == "Exists" and key not in labels:
            return False
        if operator == "DoesNotExist" and key in labels:
            return False
    return True


def selector_to_string(selector: Mapping[str, Any] | None) -> str:
    """The query-string form of a LabelSelector object (for Scale.status.selector)."""
    parts = [
        f"{key}={value}" for key, value in sorted((selector or {}).get("matchLabels", {}).items())
    ]
    for expression in (selector or {}).get("matchExpressions") or []:
        key, operator = expression["key"], expression["operator"]
        values = ",".join(sorted(expression.get("values") or []))
        parts.append(
            {
                "In": f"{key} in ({values})",
                "NotIn": f"{key} notin ({values})",
                "Exists": key,
                "DoesNotExist": f"!{key}",
            }[operator]
        )
    return ",".join(parts)


def parse_field_selector(text: str | None, *, kind: str) -> Matcher:
    """A predicate on whole objects for `metadata.name=web,status.phase!=Running`."""
    allowed = ("metadata.name", "metadata.namespace", *_FIELDS.get(kind, ()))
    checks: list[Matcher] = []
    for requirement in split_requirements(text or ""):
        found = re.match(r"^\s*([A-Za-z.]+)\s*(==|!=|=)\s*(.*?)\s*$", requirement)
        if not found:
            raise BadRequest(f"invalid field selector: {requirement!r}")
        field, op, value = found.groups()
        if field not in allowed:
            raise BadRequest(f'field label not supported: "{field}"')
        checks.append(_field_check(field, op, value))
    return lambda obj: all(check(obj) for check in checks)


def _field_check(field: str, op: str, value: str) -> Matcher:
    def check(obj: dict[str, Any]) -> bool:
        equal = read_field(obj, field) == value
        return not equal if op == "!=" else equal

    return check


def read_field(obj: dict[str, Any], field: str) -> str:
    """The string value of a dotted field path; missing fields read as ""."""
    current: Any = obj
    for part in field.split("."):
        current = current.get(part) if isinstance(current, dict) else None
    if current is None:
        return "false" if field == "spec.unschedulable" else ""
    if isinstance(current, bool):
        return "true" if current else "false"
    if field == "source" and isinstance(current, dict):
        return current.get("component", "")
    return str(current)
