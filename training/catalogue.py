"""The fixed Kubernetes tool catalogue of the team spec, as data, to check generated targets.

The generator checks every Kubernetes target twice: against this catalogue (argument names,
types, bounds, patterns, the spec's cross-field rules) and, for every tool the registry
already has, with `ToolRegistry().parse_call`. The cloud tools (`REGISTRY_ONLY_TOOLS`) have
no entry here: they were written after the registry existed, so their Pydantic models are
their only spec and `parse_call` is their only check (a copy here would be a second schema
to keep in step). A target that fails a check is a bug in a template: generation stops
with the template's family and the reason (never skipped).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from tools.validation import (
    DNS1035_LABEL,
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    ENV_NAME,
    IMAGE_REFERENCE,
    IMAGE_TAG,
    SAFE_GREP,
    check_cpu,
    check_memory,
    parse_quantity,
)

NON_ACTION_TOOLS = ("clarify", "no_action")
CLARIFY_PATTERN = r"^[A-Za-z0-9 ,.'?()/:-]{3,200}$"
CLUSTER_PATTERN = r"^[a-z0-9]([a-z0-9-]{0,30}[a-z0-9])?$"


class CatalogueError(ValueError):
    """A call does not fit the spec catalogue; the message says which argument and why."""


@dataclass(frozen=True)
class ArgSpec:
    """One argument: its kind decides the check (see `check_value`)."""

    kind: str
    """label | subdomain | service | image | tag | memory | cpu | int | bool | ports | env |
    env_names | grep | cluster | text | reason."""
    required: bool = False
    """True when the argument has no default."""
    low: int | None = None
    """Smallest allowed int."""
    high: int | None = None
    """Largest allowed int."""


def _a(kind: str, required: bool = False, low: int | None = None, high: int | None = None):
    return ArgSpec(kind=kind, required=required, low=low, high=high)


_SCOPE = {"cluster": _a("cluster"), "namespace": _a("label")}
_CLUSTER_ONLY = {"cluster": _a("cluster")}
_NAME = {"name": _a("label", True)}
_RESOURCES = {
    "cpu_request": _a("cpu"),
    "cpu_limit": _a("cpu"),
    "memory_request": _a("memory"),
    "memory_limit": _a("memory"),
}

# Argument order here is the order targets are written in when the registry does not yet
# know the tool (scope first, as an inherited base class would put it).
CATALOGUE: dict[str, dict[str, ArgSpec]] = {
    "list_deployments": {**_SCOPE, "all_namespaces": _a("bool")},
    "describe_deployment": {**_SCOPE, **_NAME},
    "list_pods": {**_SCOPE, "deployment": _a("label"), "all_namespaces": _a("bool")},
    "describe_pod": {**_SCOPE, "name": _a("subdomain", True)},
    "get_events": {**_SCOPE, "name": _a("subdomain", True), "limit": _a("int", low=1, high=100)},
    "get_pod_logs": {
        **_SCOPE,
        "name": _a("subdomain", True),
        "container": _a("label"),
        "tail_lines": _a("int", low=1, high=2000),
        "grep": _a("grep"),
        "previous": _a("bool"),
    },
    "list_nodes": {**_CLUSTER_ONLY},
    "deploy_app": {
        **_SCOPE,
        **_NAME,
        "image": _a("image", True),
        "replicas": _a("int", low=1, high=100),
        "ports": _a("ports"),
        "env": _a("env"),
        **_RESOURCES,
        "expose": _a("bool"),
    },
    "deploy_service": {
        **_SCOPE,
        "service": _a("service_kind", True),
        "name": _a("label"),
        "memory": _a("memory"),
        "cpu": _a("cpu"),
        "replicas": _a("int", low=1, high=10),
        "version": _a("tag"),
    },
    "scale_deployment": {**_SCOPE, **_NAME, "replicas": _a("int", True, 0, 100)},
    "restart_deployment": {**_SCOPE, **_NAME},
    "rollback_deployment": {**_SCOPE, **_NAME, "revision": _a("int", low=1, high=10**9)},
    "set_image": {**_SCOPE, **_NAME, "image": _a("image", True), "container": _a("label")},
    "set_env": {**_SCOPE, **_NAME, "set": _a("env"), "unset": _a("env_names")},
    "set_resources": {**_SCOPE, **_NAME, "container": _a("label"), **_RESOURCES},
    "create_hpa": {
        **_SCOPE,
        **_NAME,
        "min_replicas": _a("int", low=1, high=100),
        "max_replicas": _a("int", True, 1, 100),
        "cpu_percent": _a("int", low=1, high=100),
    },
    "create_namespace": {**_CLUSTER_ONLY, **_NAME},
    "delete_deployment": {**_SCOPE, **_NAME},
    "delete_service": {**_SCOPE, "name": _a("service", True)},
    "cordon_node": {**_CLUSTER_ONLY, "node": _a("subdomain", True)},
    "uncordon_node": {**_CLUSTER_ONLY, "node": _a("subdomain", True)},
    "drain_node": {**_CLUSTER_ONLY, "node": _a("subdomain", True)},
    "clarify": {"question": _a("text", True)},
    "no_action": {"reason": _a("reason", True)},
}

# Tools checked by `ToolRegistry().parse_call` only (tools/aws, tools/gcp); the generator
# refuses to write their targets without a registry that has them.
REGISTRY_ONLY_TOOLS = (
    "gcf_delete_function",
    "gcf_deploy_function",
    "gcf_describe_function",
    "gcf_list_functions",
    "gcf_update_config",
    "lambda_delete_function",
    "lambda_deploy_function",
    "lambda_describe_function",
    "lambda_list_functions",
    "lambda_move_alias",
    "lambda_publish_version",
    "lambda_rollback_alias",
    "lambda_update_config",
)
TEMPLATE_TOOLS = (*CATALOGUE, *REGISTRY_ONLY_TOOLS)
"""Every tool a template file may name."""

_PATTERNS = {
    "label": DNS1123_LABEL,
    "subdomain": DNS1123_SUBDOMAIN,
    "service": DNS1035_LABEL,
    "image": IMAGE_REFERENCE,
    "tag": IMAGE_TAG,
    "grep": SAFE_GREP,
    "cluster": CLUSTER_PATTERN,
    "text": CLARIFY_PATTERN,
    "reason": r"^(out_of_scope|chit_chat|unsafe)$",
    "service_kind": r"^(redis|postgres|nginx)$",
}


def check_value(name: str, spec: ArgSpec, value: Any) -> None:
    """Raise `CatalogueError` unless `value` fits the argument's kind."""
    kind = spec.kind
    if kind in _PATTERNS:
        if not isinstance(value, str) or not re.match(_PATTERNS[kind], value):
            raise CatalogueError(f"{name}={value!r} does not match the {kind} pattern")
        if kind in ("label", "service") and len(value) > 63:
            raise CatalogueError(f"{name}={value!r} is longer than 63 characters")
    elif kind == "int":
        if not isinstance(value, int) or isinstance(value, bool):
            raise CatalogueError(f"{name}={value!r} must be an integer")
        if not spec.low <= value <= spec.high:
            raise CatalogueError(f"{name}={value} is outside {spec.low}..{spec.high}")
    elif kind == "bool":
        if not isinstance(value, bool):
            raise CatalogueError(f"{name}={value!r} must be true or false")
    elif kind in ("memory", "cpu"):
        checker = check_memory if kind == "memory" else check_cpu
        try:
            canonical = checker(value)
        except (ValueError, TypeError) as exc:
            raise CatalogueError(f"{name}={value!r}: {exc}") from None
        if canonical != value:  # targets are written in canonical form
            raise CatalogueError(f"{name}={value!r} is not canonical (write {canonical!r})")
    elif kind == "ports":
        ok = isinstance(value, list) and 1 <= len(value) <= 10
        if not ok or not all(isinstance(p, int) and 1 <= p <= 65535 for p in value):
            raise CatalogueError(f"{name}={value!r} must be 1..10 ports in 1..65535")
    elif kind == "env":
        if not isinstance(value, dict) or not 1 <= len(value) <= 50:
            raise CatalogueError(f"{name}={value!r} must be a mapping of 1..50 variables")
        for key, item in value.items():
            if not re.match(ENV_NAME, key) or not isinstance(item, str):
                raise CatalogueError(f"{name}: bad variable {key!r}={item!r}")
    elif kind == "env_names":
        if not isinstance(value, list) or not value:
            raise CatalogueError(f"{name}={value!r} must be a non-empty list of names")
        if not all(isinstance(v, str) and re.match(ENV_NAME, v) for v in value):
            raise CatalogueError(f"{name}={value!r} holds a bad variable name")
    else:  # pragma: no cover - a typo in CATALOGUE
        raise CatalogueError(f"unknown argument kind {kind!r}")


def check_call(call: dict[str, Any]) -> None:
    """Raise `CatalogueError` unless `call` is a valid call of the spec catalogue."""
    if set(call) != {"tool", "args"} or not isinstance(call["args"], dict):
        raise CatalogueError('a call is {"tool": NAME, "args": {...}}')
    tool, args = call["tool"], call["args"]
    specs = CATALOGUE.get(tool)
    if specs is None:
        raise CatalogueError(f"unknown tool {tool!r}")
    unknown = sorted(set(args) - set(specs))
    if unknown:
        raise CatalogueError(f"{tool}: unknown arguments {unknown}")
    missing = [n for n, s in specs.items() if s.required and n not in args]
    if missing:
        raise CatalogueError(f"{tool}: missing required arguments {missing}")
    for name, value in args.items():
        check_value(name, specs[name], value)
    _check_rules(tool, args)


def _check_rules(tool: str, args: dict[str, Any]) -> None:
    """The spec's cross-field rules."""
    if tool == "set_env" and not args.get("set") and not args.get("unset"):
        raise CatalogueError("set_env needs at least one variable to set or unset")
    if tool == "set_resources" and not any(k in args for k in _RESOURCES):
        raise CatalogueError("set_resources needs at least one request or limit")
    if tool in ("set_resources", "deploy_app"):
        for kind in ("cpu", "memory"):
            request, limit = args.get(f"{kind}_request"), args.get(f"{kind}_limit")
            if request and limit and parse_quantity(request) > parse_quantity(limit):
                raise CatalogueError(f"{tool}: {kind} request above its limit")
    if tool == "create_hpa" and args.get("min_replicas", 1) > args["max_replicas"]:
        raise CatalogueError("create_hpa: min_replicas above max_replicas")


def order_args(tool: str, args: dict[str, Any], field_order: list[str] | None = None) -> dict:
    """Arguments in the order the tool's schema lists them (grammar decoding follows it)."""
    order = field_order or list(CATALOGUE[tool])
    rank = {name: i for i, name in enumerate(order)}
    return {k: args[k] for k in sorted(args, key=lambda k: rank.get(k, len(rank)))}
