"""Finds every tool, builds the one JSON schema of valid calls, and parses calls.

The same Pydantic models give the model its schema, validate what it proposes and
expose the tools to LangChain, so there is exactly one schema builder.
"""

from __future__ import annotations

import copy
import functools
import hashlib
import importlib
import inspect
import json
import pkgutil
from collections.abc import Container, Iterable
from typing import Annotated, Any

from pydantic import Field, TypeAdapter, ValidationError

from tools.base import Risk, StrictArgs, Tool, ToolCall, ToolError
from tools.validation import MENTIONED, ONE_OF_REQUIRED

# The live kind of words the user typed in this request (see tools/validation.MENTIONED).
MENTIONED_KIND = MENTIONED["x-live"]
# The live kind of the request's words that may name a closed choice: a Literal argument
# such as the catalog service or a runtime takes a value the request names, when it names
# any (llm/grounding.named_choices).
CHOICE_KIND = "choice"
# The argument a name the request gives ("a redis called cache-3") goes to, when typed.
NAME_FIELD = "name"

# Packages whose modules define tools. The sandbox is a server, not a tool package.
TOOL_PACKAGES = ("tools.k8s", "tools.aws", "tools.gcp")
SKIP_MODULE_PREFIXES = ("tools.k8s.sandbox",)

# Fields marked with `json_schema_extra={"x-live": KIND}` get an enum of known values
# (clusters, namespaces, deployments...) per request. Kinds used across tools:
LIVE_KINDS = ("cluster", "namespace", "deployment", "aws_account", "gcp_project", MENTIONED_KIND)


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


class InvalidCall(ToolError):
    """The proposed call is not a valid call of any tool (unknown tool or bad arguments)."""


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


def _inline_refs(schema: dict[str, Any]) -> dict[str, Any]:
    """Replace local `$ref`s by their definitions: simpler for grammar backends."""
    defs = schema.pop("$defs", {})

    def walk(node: Any) -> Any:
        if isinstance(node, dict):
            if "$ref" in node:
                target = defs[node["$ref"].split("/")[-1]]
                return walk(copy.deepcopy(target))
            return {k: walk(v) for k, v in node.items()}
        if isinstance(node, list):
            return [walk(v) for v in node]
        return node

    return walk(schema)


def _enum_branch(branch: dict[str, Any], kind: str, values: list[str]) -> dict[str, Any]:
    """A string or integer schema narrowed to `values` (known values, or the request's words
    already checked against the argument's type); an empty enum: impossible."""
    if branch.get("type") == "integer":
        low, high = branch.get("minimum", float("-inf")), branch.get("maximum", float("inf"))
        numbers = sorted({int(v) for v in values if v.isdigit() and low <= int(v) <= high})
        return {"type": "integer", "enum": numbers}
    return {"type": "string", "enum": values}


def _apply_live_enums(node: Any, live: dict[str, list[str]], forbid: Container[str] = ()) -> Any:
    if isinstance(node, dict):
        kind = node.get("x-live")
        out = {k: _apply_live_enums(v, live, forbid) for k, v in node.items() if k != "x-live"}
        # Known values (clusters...) constrain only when some are known; the words of a
        # request, and kinds the caller forbids, constrain even when nothing fits.
        always = kind == MENTIONED_KIND or kind in forbid
        if kind and (live.get(kind) or (always and kind in live)):
            values = sorted(set(live[kind]))
            if "anyOf" in out:  # Optional[str]: constrain the string branch only
                out["anyOf"] = [
                    _enum_branch(b, kind, values) if b.get("type") in ("string", "integer") else b
                    for b in out["anyOf"]
                ]
            else:
                out = {**_enum_branch(out, kind, values), **{
                    k: v for k, v in out.items()
                    if k not in ("type", "pattern", "maxLength", "minLength", "minimum", "maximum")
                }}  # fmt: skip
        return out
    if isinstance(node, list):
        return [_apply_live_enums(v, live, forbid) for v in node]
    return node


def _named_choice(schema: dict[str, Any], words: Container[str]) -> dict[str, Any]:
    """A closed string choice narrowed to the values among `words`; unchanged when none is
    among them ("deploy a database" may still be any of the catalog's)."""
    if "anyOf" in schema:
        return {**schema, "anyOf": [_named_choice(b, words) for b in schema["anyOf"]]}
    named = _named_values(schema, words)
    return {**schema, "enum": named} if named else schema


def _named_values(schema: dict[str, Any], words: Container[str]) -> list[str]:
    values = schema.get("enum") or []
    if schema.get("type") != "string" or len(values) < 2:
        return []
    return [v for v in values if v.lower() in words]


@functools.cache
def _closed_choices(model: type[StrictArgs]) -> dict[str, dict[str, Any]]:
    """{field: its string enum schema} of a tool's Literal arguments (also Optional)."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    found = {}
    for name, schema in properties.items():
        for option in schema.get("anyOf", [schema]):
            if option.get("type") == "string" and option.get("enum"):
                found[name] = option
    return found


@functools.cache
def _static_args_schema(model: type[StrictArgs]) -> dict[str, Any]:
    """A tool's args schema before any request narrows it. Cached: pydantic takes ~20 ms
    to build all 37 per request, and call_schema runs for every request (callers copy)."""
    schema = _inline_refs(model.model_json_schema())
    schema.pop("title", None)
    return schema


def _impossible(schema: dict[str, Any]) -> bool:
    return schema.get("enum") == []


def _prune(branch: dict[str, Any]) -> list[dict[str, Any]]:
    """A tool branch without choices nobody can make: an optional argument with no possible
    value is dropped (null only); a required one makes the whole tool impossible ([]).
    A cross-field "at least one of" rule splits the branch (see _one_of_branches)."""
    args = dict(branch["properties"]["args"])
    one_of = args.pop(ONE_OF_REQUIRED, None)
    properties = dict(args.get("properties", {}))
    for name, schema in list(properties.items()):
        if "anyOf" in schema:
            options = [b for b in schema["anyOf"] if not _impossible(b)]
            schema = {**schema, "anyOf": options}
            properties[name] = schema
            if not options:
                schema = {"enum": []}
        if schema.get("type") == "array" and _impossible(schema.get("items", {})):
            properties[name] = {**schema, "items": {}, "maxItems": 0}
        elif _impossible(schema):
            if name in args.get("required", []):
                return []
            del properties[name]
    pruned = {
        **branch,
        "properties": {**branch["properties"], "args": {**args, "properties": properties}},
    }
    return _one_of_branches(pruned, one_of) if one_of else [pruned]


def _one_of_branches(branch: dict[str, Any], one_of: list[str]) -> list[dict[str, Any]]:
    """`branch` once per field of its "at least one of" rule that can still be written, that
    field required (a map or list with at least one entry). Their union is the rule, which
    the decoding grammar can then enforce: without it a small model may answer
    set_resources with no size at all, valid JSON that the Args model rejects."""
    out = []
    for name in one_of:
        schema = branch["properties"]["args"]["properties"].get(name)
        if _null_only(schema) or schema.get("maxItems") == 0:
            continue
        required = _require_fields(branch, [name])
        properties = required["properties"]["args"]["properties"]
        if properties[name].get("type") == "object":
            properties[name] = {**properties[name], "minProperties": 1}
        elif properties[name].get("type") == "array":
            properties[name] = {**properties[name], "minItems": 1}
        out.append(required)
    return out


def _null_only(schema: dict[str, Any] | None) -> bool:
    return schema is None or schema.get("anyOf") == [{"type": "null"}]


def _marked(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("x-live") == MENTIONED_KIND:
            return True
        return any(_marked(b) for b in node.get("anyOf", [])) or _marked(node.get("items"))
    return False


@functools.cache
def _mentioned_fields(model: type[StrictArgs]) -> tuple[str, ...]:
    """Arguments marked `x-live: mentioned`, also inside Optional[...] and list items."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return tuple(name for name, schema in properties.items() if _marked(schema))


@functools.cache
def _live_fields(model: type[StrictArgs]) -> dict[str, str]:
    """{field: x-live kind} of a tool's arguments, also inside Optional[...] and list items."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return {name: kind for name, schema in properties.items() if (kind := _kind_of(schema))}


def _kind_of(node: Any) -> str | None:
    if isinstance(node, dict):
        if isinstance(node.get("x-live"), str):
            return node["x-live"]
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    return next((kind for child in children if (kind := _kind_of(child))), None)


def _tool_of(branch: dict[str, Any]) -> str:
    return branch["properties"]["tool"]["const"]


def _require_fields(branch: dict[str, Any], fields: Iterable[str]) -> dict[str, Any]:
    """`branch` with `fields` required and no longer nullable."""
    fields = list(fields)
    if not fields:
        return branch
    args = dict(branch["properties"]["args"])
    properties = dict(args.get("properties", {}))
    for name in fields:
        schema = {k: v for k, v in properties[name].items() if k != "default"}
        if "anyOf" in schema:
            options = [b for b in schema["anyOf"] if b.get("type") != "null"]
            schema = options[0] if len(options) == 1 else {**schema, "anyOf": options}
        properties[name] = schema
    args["properties"] = properties
    args["required"] = sorted({*args.get("required", []), *fields})
    return {**branch, "properties": {**branch["properties"], "args": args}}


def _named_field(model: type[StrictArgs], name: str | None) -> str | None:
    """The typed `name` argument a given name fills, when the tool has one and it fits."""
    if name and NAME_FIELD in _mentioned_fields(model) and _valid_value(model, NAME_FIELD, name):
        return NAME_FIELD
    return None


@functools.cache
def _field_adapter(model: type[StrictArgs], field: str) -> TypeAdapter:
    info = model.model_fields[field]
    if not info.metadata:
        return TypeAdapter(info.annotation)
    return TypeAdapter(Annotated[info.annotation, *info.metadata])  # type: ignore[valid-type]


@functools.cache
def _valid_value(model: type[StrictArgs], field: str, word: str) -> bool:
    """Whether a typed word is a valid value of the argument, by the argument's own type
    (pattern, bounds, range checks): "9" fits the memory pattern but is 9 bytes."""
    adapter = _field_adapter(model, field)
    value: Any = [word] if _is_list(model, field) else word
    try:
        adapter.validate_python(value)
    except ValidationError:
        return False
    return True


@functools.cache
def _is_list(model: type[StrictArgs], field: str) -> bool:
    schema = _inline_refs(model.model_json_schema())["properties"][field]
    return schema.get("type") == "array"


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

    def call_schema(
        self,
        live: dict[str, list[str]] | None = None,
        *,
        required_kinds: Iterable[str] = (),
        omitted_kinds: Iterable[str] = (),
        given_name: str | None = None,
    ) -> dict[str, Any]:
        """JSON schema of every valid call `{"tool": NAME, "args": {...}}`.

        `live` gives the known values per `x-live` kind, the request's words (`mentioned`)
        and the words that may name a closed choice (`choice`). Fields of a kind in
        `required_kinds` must be written (the request names the cluster, say); fields of a
        kind in `omitted_kinds` may not be (the request names none: the channel default
        applies). A `given_name` ("called cache-3") must fill a typed `name` argument.
        See llm/grounding.py for when the client asks for which.
        """
        branches = []
        for name in self.names():
            args_schema = copy.deepcopy(_static_args_schema(self.args_model(name)))
            branches.append(
                {
                    "type": "object",
                    "properties": {"tool": {"const": name}, "args": args_schema},
                    "required": ["tool", "args"],
                    "additionalProperties": False,
                }
            )
        live = dict(live or {})
        choices = live.pop(CHOICE_KIND, None)
        if choices is not None:  # before live enums: only the tools' own Literals narrow
            named_words = set(choices)
            for branch in branches:
                properties = branch["properties"]["args"].get("properties", {})
                for field in _closed_choices(self.args_model(_tool_of(branch))):
                    properties[field] = _named_choice(properties[field], named_words)
        words = live.pop(MENTIONED_KIND, None)
        if words is not None or given_name:  # typed arguments: only fitting words
            for branch in branches:
                model = self.args_model(_tool_of(branch))
                properties = branch["properties"]["args"].get("properties", {})
                for field in _mentioned_fields(model):
                    if field == _named_field(model, given_name):
                        valid = [given_name]
                    elif words is None:
                        continue
                    else:
                        valid = [w for w in words if _valid_value(model, field, w)]
                    properties[field] = _apply_live_enums(
                        properties[field], {MENTIONED_KIND: valid}
                    )
        omitted = {kind: [] for kind in omitted_kinds}  # an empty enum: no value possible
        branches = _apply_live_enums(branches, {**live, **omitted}, forbid=set(omitted))
        required = set(required_kinds)
        for index, branch in enumerate(branches if required or given_name else ()):
            model = self.args_model(_tool_of(branch))
            fields = [name for name, kind in _live_fields(model).items() if kind in required]
            if named := _named_field(model, given_name):
                fields.append(named)
            branches[index] = _require_fields(branch, fields)
        return {"anyOf": [narrowed for b in branches for narrowed in _prune(b)]}

    def check_grounded(
        self,
        call: ToolCall,
        live: dict[str, list[str]],
        *,
        required_kinds: Iterable[str] = (),
        omitted_kinds: Iterable[str] = (),
        given_name: str | None = None,
    ) -> None:
        """Raise InvalidCall when `call` breaks what `call_schema(live, ...)` allowed: a value
        of an `x-live` field outside `live` (for `mentioned`, a word the user did not type),
        a required kind left out, an omitted kind written, or a `name` other than the one the
        request gives. The decoding grammar enforces
        this on our server; the check holds for any model behind the client."""
        required, omitted = set(required_kinds), set(omitted_kinds)
        model = self.args_model(call.tool)
        if (named := _named_field(model, given_name)) and getattr(call.args, named) != given_name:
            raise InvalidCall(
                f"{call.tool}.{named} = {getattr(call.args, named)!r}: the request calls it "
                f"{given_name!r}."
            )
        if CHOICE_KIND in live:
            words = set(live[CHOICE_KIND])
            for field_name, schema in _closed_choices(model).items():
                named, value = _named_values(schema, words), getattr(call.args, field_name)
                if named and value is not None and value not in named:
                    raise InvalidCall(
                        f"{call.tool}.{field_name} = {value!r} is not what the request names "
                        f"({', '.join(named)})."
                    )
        for field_name, kind in _live_fields(model).items():
            chosen = field_name in call.args.model_fields_set
            value = getattr(call.args, field_name)
            if kind in required and value is None:
                raise InvalidCall(
                    f"{call.tool}.{field_name} is missing: the request names the {kind} "
                    f"({', '.join(live.get(kind, []))})."
                )
            if kind in omitted and chosen and value is not None:
                raise InvalidCall(
                    f"{call.tool}.{field_name} = {value!r} is not in the request: leave it "
                    "out so the channel's default applies."
                )
            # Known values constrain only when some are known; the request's words whenever
            # given (as in call_schema)
            known = live.get(kind) or (None if kind != MENTIONED_KIND else live.get(kind))
            if not chosen or value is None or known is None:
                continue  # a default the model left out, or nothing to check against
            typed = value if isinstance(value, list) else [value]
            allowed = set(known)
            if any(str(v) not in allowed for v in typed):
                if kind == MENTIONED_KIND:
                    problem = "is not in the request: use a value the user typed, or ask"
                else:
                    problem = f"is not a known {kind} ({', '.join(sorted(allowed))})"
                raise InvalidCall(f"{call.tool}.{field_name} = {value!r} {problem}.")

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
