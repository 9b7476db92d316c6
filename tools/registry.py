"""Finds every tool, builds the one JSON schema of valid calls, and parses calls.

The same Pydantic models give the model its schema, validate what it proposes and
expose the tools to LangChain, so there is exactly one schema builder (narrowed to a
request by tools/request_schema.py).
"""

from __future__ import annotations

import hashlib
import importlib
import inspect
import json
import pkgutil
from collections.abc import Iterable, Mapping
from typing import Any

from pydantic import Field, ValidationError

from tools import request_schema
from tools.base import InvalidCall, Risk, StrictArgs, Tool, ToolCall

# Packages whose modules define tools. The sandbox is a server, not a tool package.
TOOL_PACKAGES = ("tools.k8s", "tools.aws", "tools.gcp")
SKIP_MODULE_PREFIXES = ("tools.k8s.sandbox",)


class ClarifyArgs(StrictArgs):
    """Ask the user instead of guessing."""

    question: str = Field(pattern=r"^[A-Za-z0-9 ,.'?()/:-]{3,200}$")
    """Short question that would make the request actionable."""


class NoActionArgs(StrictArgs):
    """Answer without acting: the request is out of scope, chit-chat or not allowed."""

    reason: str = Field(pattern=r"^(out_of_scope|chit_chat|unsafe)$")
    """Why nothing will be done: out_of_scope, chit_chat or unsafe."""


# Answers that are not actions; they never reach the policy or a cluster.
NON_ACTIONS: dict[str, type[StrictArgs]] = {"clarify": ClarifyArgs, "no_action": NoActionArgs}


def _discover(packages: Iterable[str]) -> list[Tool]:
    found: dict[str, Tool] = {}
    for package_name in packages:
        package = importlib.import_module(package_name)
        for info in pkgutil.walk_packages(package.__path__, prefix=package_name + "."):
            if info.name.startswith(SKIP_MODULE_PREFIXES):
                continue
            module = importlib.import_module(info.name)
            for _, obj in inspect.getmembers(module, inspect.isclass):
                is_tool = issubclass(obj, Tool) and not inspect.isabstract(obj)
                if is_tool and obj.__module__ == module.__name__:
                    if obj.name in found or obj.name in NON_ACTIONS:
                        raise RuntimeError(f"duplicate tool name {obj.name!r} in {info.name}")
                    found[obj.name] = obj()
    return [found[name] for name in sorted(found)]


class ToolRegistry:
    """All tools by name, their call schema and call parsing."""

    def __init__(self, tools: Iterable[Tool] | None = None) -> None:
        tool_list = list(tools) if tools is not None else _discover(TOOL_PACKAGES)
        self.tools: dict[str, Tool] = {tool.name: tool for tool in tool_list}

    def get(self, name: str) -> Tool:
        try:
            return self.tools[name]
        except KeyError:
            raise InvalidCall(f"Unknown tool '{name}'.") from None

    def args_model(self, name: str) -> type[StrictArgs]:
        if name in NON_ACTIONS:
            return NON_ACTIONS[name]
        return self.get(name).Args

    def names(self, *, include_non_actions: bool = True) -> list[str]:
        names = sorted(self.tools)
        return names + sorted(NON_ACTIONS) if include_non_actions else names

    def read_only_names(self) -> frozenset[str]:
        """The tools whose base risk is READ: none raises it, every call of theirs only reads."""
        return frozenset(name for name, tool in self.tools.items() if tool.base_risk is Risk.READ)

    def call_schema(
        self,
        live: dict[str, list[str]] | None = None,
        *,
        required_kinds: Iterable[str] = (),
        omitted_kinds: Iterable[str] = (),
        given: Mapping[str, str | bool] | None = None,
        offered: Iterable[str] | None = None,
        judged: Mapping[str, Mapping[str, str]] | None = None,
    ) -> dict[str, Any]:
        """JSON schema of every valid call, narrowed to a request's `live` values: see
        tools/request_schema.call_schema. `offered` (None: all) names the only tools the
        calls may use."""
        names = self.names()
        if offered is not None:
            offered = set(offered)
            names = [name for name in names if name in offered]
            if not names:
                raise ValueError("no tool offered: a call schema needs at least one tool")
        return request_schema.call_schema(
            {name: self.args_model(name) for name in names},
            live,
            required_kinds=required_kinds,
            omitted_kinds=omitted_kinds,
            given=given,
            judged=judged,
        )

    def check_grounded(
        self,
        call: ToolCall,
        live: dict[str, list[str]],
        *,
        required_kinds: Iterable[str] = (),
        omitted_kinds: Iterable[str] = (),
        given: Mapping[str, str | bool] | None = None,
        offered: Iterable[str] | None = None,
        judged: Mapping[str, Mapping[str, str]] | None = None,
    ) -> None:
        """Raise InvalidCall when `call` breaks what `call_schema(live, ...)` allowed: see
        tools/request_schema.check_grounded."""
        if offered is not None and call.tool not in (offered := list(offered)):
            raise InvalidCall(
                f"{call.tool} is not a tool this request can be about; answer with one of: "
                f"{', '.join(offered)}."
            )
        request_schema.check_grounded(
            call,
            self.args_model(call.tool),
            live,
            required_kinds=required_kinds,
            omitted_kinds=omitted_kinds,
            given=given,
            judged=(judged or {}).get(call.tool),
        )

    def schema_hash(self) -> str:
        """Hash of the static call schema: adapters are trained for exactly one."""
        canonical = json.dumps(self.call_schema(), sort_keys=True, separators=(",", ":"))
        return hashlib.sha256(canonical.encode()).hexdigest()[:16]

    def parse_call(self, raw: dict[str, Any] | str) -> ToolCall:
        """Validate untrusted model output into a `ToolCall`, or raise `InvalidCall`."""
        if isinstance(raw, str):
            try:
                raw = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InvalidCall(f"Not valid JSON: {exc.msg} at position {exc.pos}.") from None
        if not isinstance(raw, dict) or set(raw) != {"tool", "args"}:
            raise InvalidCall('A call must be an object with exactly "tool" and "args".')
        name, args = raw["tool"], raw["args"]
        if not isinstance(name, str):
            raise InvalidCall('"tool" must be a string.')
        model = self.args_model(name)
        if not isinstance(args, dict):
            raise InvalidCall(f'"args" of {name} must be an object.')
        try:
            return ToolCall(tool=name, args=model.model_validate(args))
        except ValidationError as exc:
            raise InvalidCall(f"Invalid arguments for {name}: {_describe(exc)}") from None

    def risk(self, call: ToolCall, ctx: Any) -> Risk:
        """Risk of a call, decided by code; non-actions are read-only."""
        if call.tool in NON_ACTIONS:
            return Risk.READ
        try:
            return self.get(call.tool).risk(call.args, ctx)
        except Exception:  # noqa: BLE001 - fail closed: unknown means the highest risk
            return Risk.DESTRUCTIVE

    def as_langchain_tools(self, ctx: Any) -> list[Any]:
        """Each tool as a LangChain `StructuredTool` (plan-only unless `execute=True`)."""
        from langchain_core.tools import StructuredTool

        def make(tool: Tool) -> Any:
            def run(execute: bool = False, **kwargs: Any) -> dict[str, Any]:
                args = tool.Args.model_validate(kwargs)
                result = tool.execute(args, ctx) if execute else tool.plan(args, ctx)
                return result.model_dump(mode="json")

            return StructuredTool.from_function(
                func=run, name=tool.name, description=tool.description, args_schema=tool.Args
            )

        return [make(tool) for tool in self.tools.values()]


def _describe(exc: ValidationError) -> str:
    parts = []
    for error in exc.errors(include_url=False):
        where = ".".join(str(p) for p in error["loc"]) or "args"
        parts.append(f"{where}: {error['msg']}")
    return "; ".join(parts)
