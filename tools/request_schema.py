"""The tools' call schema narrowed to one request, and the same rules checked on a call.

A request brings live values per `x-live` kind: the known clusters, namespaces and
deployments, the words the user typed (`mentioned`, see tools/validation.MENTIONED) and
what llm/grounding.py reads from them (numbers with their unit, `KEY=value` pairs, named
choices, a given name). `call_schema` turns them into enums and required fields the
decoding grammar enforces; `check_grounded` holds any call, from any model, to the same.
"""

from __future__ import annotations

import copy
import functools
import re
from collections.abc import Collection, Container, Iterable, Mapping
from typing import Annotated, Any

from pydantic import TypeAdapter, ValidationError

from tools.base import InvalidCall, StrictArgs, ToolCall
from tools.validation import (
    DNS1035_LABEL,
    DNS1123_LABEL,
    DNS1123_SUBDOMAIN,
    MENTIONED,
    NEEDS,
    ONE_OF_REQUIRED,
    RELATIVE_UNITS,
    UNITS,
    parse_quantity,
)

# Fields marked with `json_schema_extra={"x-live": KIND}` take an enum of live values per
# request: known "cluster", "namespace", "deployment", "aws_account", "gcp_project", and
# the request's own words:
# The live kind of words the user typed in this request (see tools/validation.MENTIONED).
MENTIONED_KIND = MENTIONED["x-live"]
# The live kind of the request's words that may name a closed choice: a Literal argument
# such as the catalog service or a runtime takes a value the request names, when it names
# any (llm/grounding.named_choices).
CHOICE_KIND = "choice"
# Other names people use for a closed choice's value (tools/k8s/catalog.py's services).
CHOICE_SYNONYMS = {"postgresql": "postgres", "pg": "postgres", "psql": "postgres"}
# The environment variables the request sets as `KEY=value` (llm/grounding.typed_pairs):
# the only entries a map argument may hold, each with exactly that value, and a tool's one
# map must set them all.
PAIRS_KIND = f"{MENTIONED_KIND}:pairs"
# The platform a request is about, when it says (llm/grounding.request_platform):
# "kubernetes" or "functions". A tool that acts on the other cannot be written for it.
PLATFORM_KIND = "platform"
# Where a tool acts, by the scope it takes (`tool_platform`)
PLATFORMS = {"cluster": "kubernetes", "aws_account": "functions", "gcp_project": "functions"}


def unit_kind(unit: str) -> str:
    """The live kind of the numbers a request types with `unit` ("80%": percent), which
    only arguments marked with that `x-unit` take (tools/validation.UNITS)."""
    return f"{MENTIONED_KIND}:{unit}"


UNIT_KINDS = {unit_kind(unit): unit for unit in UNITS}
# The two sides of a container's resources, as the tools name their arguments (`cpu_request`,
# `memory_limit`). A request that says one ("requesting 1500m cpu", "the memory ceiling")
# puts its kind among the required kinds: its size then goes to that side.
RESOURCE_SIDES = ("request", "limit")


def side_kind(side: str) -> str:
    """The required kind that says a request means the `side` of a resource."""
    return f"side:{side}"


# The resources a container's sizes are of, as units (tools/validation.UNITS). A request that
# names only one ("bump the memory ceiling to 3 gigs", "two cores") puts its kind among the
# required kinds: the other one's arguments take no value ("3" is no cpu limit).
RESOURCES = ("cpu", "memory")


def resource_kind(unit: str) -> str:
    """The required kind that says a request names `unit` (RESOURCES) and not the other."""
    return f"resource:{unit}"


# The values the request types after or before a keyword, as `key=value` ("role app-role":
# role=app-role, llm/grounding.keyed_values): an argument marked with that `x-key` must be
# one of them (tools/validation.KEYS).
KEYED_KIND = f"{MENTIONED_KIND}:keyed"


def sized_key(side: str) -> str:
    """The `given` key of the sizes a request types for one side of a resource, space-
    separated (llm/grounding.sized_sides)."""
    return f"sizes for the {side}"


# The `given` key of the words a request may name a new instance with, space-separated
# (llm/grounding.given_instance_names): an optional name of a new object takes only these.
INSTANCE_NAMES = "instance names"


def call_schema(
    models: dict[str, type[StrictArgs]],
    live: dict[str, list[str]] | None = None,
    *,
    required_kinds: Iterable[str] = (),
    omitted_kinds: Iterable[str] = (),
    given: Mapping[str, str | bool] | None = None,
    judged: Mapping[str, Mapping[str, str]] | None = None,
) -> dict[str, Any]:
    """JSON schema of every valid call `{"tool": NAME, "args": {...}}` of the tools whose
    args models `models` gives by name.

    `live` gives the known values per `x-live` kind, the request's words (`mentioned`)
    and the words that may name a closed choice (`choice`). Fields of a kind in
    `required_kinds` must be written (the request names the cluster, say; a side kind
    says which side of a resource its sizes go to, `side_kind`; a resource kind that it
    names one resource only, `resource_kind`); fields of a kind in `omitted_kinds` may not
    be (the request names none: the channel default applies). `given` holds the values
    the request gives arguments by their role ({"name": "cache-3"} for "called cache-3",
    {"container": "envoy"} for "the envoy container") and the flags it sets
    ({"all_namespaces": True} for "-A"): each must fill that argument, where a tool has it
    (a flag equal to its default may be left out). `judged` holds values a classifier
    chose, by tool ({"no_action": {"reason": "unsafe"}}: the tool shortlist's,
    llm/tool_shortlist.py): the call must write exactly these.
    See llm/grounding.py for when the client asks for which.
    """
    branches = []
    for name, model in models.items():
        args_schema = copy.deepcopy(_static_args_schema(model))
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
    named_words = set(choices or ())
    if choices is not None:  # before live enums: only the tools' own Literals narrow
        for branch in branches:
            model = models[_tool_of(branch)]
            properties = branch["properties"]["args"].get("properties", {})
            for field in _closed_choices(model):
                properties[field] = _named_choice(properties[field], named_words)
            for field in _unnamed_options(model, named_words):
                properties[field] = _left_out(properties[field])
    words = live.pop(MENTIONED_KIND, None)
    pairs = _pairs(live.pop(PAIRS_KIND, None) or [])
    units = {UNIT_KINDS[k]: live.pop(k) for k in list(live) if k in UNIT_KINDS}
    keyed = _keyed(live.pop(KEYED_KIND, None) or [])
    platforms = live.pop(PLATFORM_KIND, None)
    required = set(required_kinds)
    given = dict(given or {})
    if words is not None or given:  # typed arguments: only fitting words
        scopes = _scope_values(live)
        for branch in branches:
            model = models[_tool_of(branch)]
            acted_on = _acted_on(model, live)
            properties = branch["properties"]["args"].get("properties", {})
            for field in mentioned_fields(model):
                if field in _given_fields(model, given):
                    valid = [given[field]]
                elif words is None:
                    continue
                elif _is_map(model, field):
                    properties[field] = _word_map(
                        model,
                        field,
                        properties[field],
                        pairs,
                        required=field == _pairs_field(model, pairs),
                    )
                    continue
                elif keyed_valid := _keyed_values(model, field, keyed):
                    valid = keyed_valid
                else:
                    typed = _field_words(
                        model,
                        field,
                        words,
                        units,
                        required,
                        given,
                        acted_on=acted_on,
                        scopes=scopes,
                    )
                    elsewhere = _keyed_elsewhere(model, field, keyed) | _choice_words(
                        model, named_words
                    )
                    valid = [w for w in typed if _valid_value(model, field, w)]
                    valid = [w for w in valid if w not in elsewhere]
                properties[field] = _apply_live_enums(properties[field], {MENTIONED_KIND: valid})
                if _is_list(model, field):
                    _cap_items(properties[field], len(set(valid)))
            for field in _given_fields(model, given):
                if isinstance(given[field], bool):  # a flag the request sets
                    properties[field] = {"const": given[field]}
    omitted = {kind: [] for kind in omitted_kinds}  # an empty enum: no value possible
    branches = _apply_live_enums(branches, {**live, **omitted}, forbid=set(omitted))
    # words alone need it too: they split set_env by set/unset (_variable_fields)
    needs = required or given or units or pairs or named_words or keyed or words is not None
    for index, branch in enumerate(branches if needs else ()):
        model = models[_tool_of(branch)]
        fields = [name for name, kind in _live_fields(model).items() if kind in required]
        fields += _named_choice_fields(model, named_words)
        # a value the tool takes anyway may be left out ("previous": false)
        fields += [f for f in _given_fields(model, given) if given[f] != _default(model, f)]
        if words is not None:
            fields += [f for f in mentioned_fields(model) if _keyed_values(model, f, keyed)]
            fields += _unit_required(model, units, required, given)
            fields += [f for f in [_pairs_field(model, pairs)] if f]
            branch = _require_one_of(branch, _unit_one_of(model, units, required))
            branch = _require_one_of(branch, _variable_fields(model, branch))
        branches[index] = _require_fields(branch, fields)
    for index, branch in enumerate(branches):
        pinned = _judged_fields(models[_tool_of(branch)], (judged or {}).get(_tool_of(branch)))
        if pinned:
            args = dict(branch["properties"]["args"])
            properties = {**args.get("properties", {})}
            properties.update({field: {"const": value} for field, value in pinned.items()})
            args["properties"] = properties
            args["required"] = sorted({*args.get("required", []), *pinned})
            branches[index] = {**branch, "properties": {**branch["properties"], "args": args}}
    # A list of the kind of object the request names one of is not what it asks for:
    # "kubectl get deploy search -o yaml" lists no deployments (our model listed them for
    # 6 requests of the validation split, 2026-12-07; no list_deployments request of data
    # v2 names a deployment).
    branches = [b for b in branches if models[_tool_of(b)].lists not in required]
    # A request about one platform acts on nothing of the other (llm/grounding.py)
    if platforms:
        branches = [b for b in branches if tool_platform(models[_tool_of(b)]) in (None, *platforms)]
    # Needing flags are split for a request only: the static schema (the adapter's
    # schema hash) describes the tools, not how one request's decoding is narrowed.
    return {
        "anyOf": [
            split
            for b in branches
            for narrowed in _prune(b)
            for split in (
                _needing_flag_branches(models[_tool_of(b)], narrowed) if needs else [narrowed]
            )
        ]
    }


_PLATFORM_OBJECTS = {"kubernetes": "Kubernetes objects", "functions": "cloud functions"}


@functools.cache
def tool_platform(model: type[StrictArgs]) -> str | None:
    """Where a tool acts: "kubernetes" (it takes a cluster), "functions" (an AWS account or
    a GCP project); None for one that acts nowhere (clarify, no_action)."""
    kinds = set(_live_fields(model).values())
    return next((platform for kind, platform in PLATFORMS.items() if kind in kinds), None)


def writable_tools(schema: dict[str, Any]) -> set[str]:
    """The tools a `call_schema` leaves a call for (a branch the request's words can fill)."""
    return {_tool_of(branch) for branch in schema.get("anyOf", [])}


def check_grounded(
    call: ToolCall,
    model: type[StrictArgs],
    live: dict[str, list[str]],
    *,
    required_kinds: Iterable[str] = (),
    omitted_kinds: Iterable[str] = (),
    given: Mapping[str, str | bool] | None = None,
    judged: Mapping[str, str] | None = None,
) -> None:
    """Raise InvalidCall when `call` (of a tool with args `model`) breaks what
    `call_schema(live, ...)` allowed: a value of an `x-live` field outside `live` (for
    `mentioned`, a word the user did not type), a required kind left out, an omitted kind
    written, a typed argument other than the value the request gives it, a number typed
    with a unit or a `KEY=value` pair left out. The decoding grammar enforces this on our
    server; the check holds for any model behind the client."""
    required, omitted = set(required_kinds), set(omitted_kinds)
    if model.lists in required:
        named = ", ".join(live.get(model.lists) or [])
        raise InvalidCall(
            f"{call.tool} lists every {model.lists}, but the request names one ({named}): "
            "answer about that one, or ask."
        )
    platforms = live.get(PLATFORM_KIND)
    if platforms and tool_platform(model) not in (None, *platforms):
        about = (
            f"names the deployment {', '.join(live.get('deployment') or [])} and no function"
            if "kubernetes" in platforms
            else "speaks of cloud functions and names no known deployment"
        )
        raise InvalidCall(
            f"{call.tool} acts on {_PLATFORM_OBJECTS[tool_platform(model)]}, but the request "
            f"{about}: answer about what it names, or ask."
        )
    for field_name, chosen in _judged_fields(model, judged).items():
        if (value := getattr(call.args, field_name)) != chosen:
            raise InvalidCall(f"{call.tool}.{field_name} = {value!r}: it must be {chosen!r}.")
    given = dict(given or {})
    for field_name in _given_fields(model, given):
        value, wanted = getattr(call.args, field_name), given[field_name]
        # a flag is the very bool; str(): a number given ("version 7") is 7 once parsed
        differs = value is not wanted if isinstance(wanted, bool) else str(value) != wanted
        if differs:
            raise InvalidCall(
                f"{call.tool}.{field_name} = {value!r}: the request gives it {given[field_name]!r}."
            )
    if CHOICE_KIND in live:
        words = set(live[CHOICE_KIND])
        for field_name, schema in _closed_choices(model).items():
            named, value = _named_values(schema, words), getattr(call.args, field_name)
            if named and value is None:
                raise InvalidCall(
                    f"{call.tool}.{field_name} is missing: the request names it "
                    f"({', '.join(named)})."
                )
            if named and value not in named:
                raise InvalidCall(
                    f"{call.tool}.{field_name} = {value!r} is not what the request names "
                    f"({', '.join(named)})."
                )
        for field_name in _unnamed_options(model, words):
            if (value := getattr(call.args, field_name)) is not None:
                value = getattr(value, "value", value)  # a runtime is an Enum member
                raise InvalidCall(
                    f"{call.tool}.{field_name} = {value!r} is not in the request, which names "
                    "none of its choices: leave it out, or ask."
                )
    units = {UNIT_KINDS[k]: v for k, v in live.items() if k in UNIT_KINDS}
    keyed = _keyed(live.get(KEYED_KIND) or [])
    for field_name in mentioned_fields(model) if MENTIONED_KIND in live else ():
        if (typed := _keyed_values(model, field_name, keyed)) and (
            (value := getattr(call.args, field_name)) not in typed
        ):
            raise InvalidCall(
                f"{call.tool}.{field_name} = {value!r}: the request gives it ({', '.join(typed)})."
            )
    pairs = _pairs(live.get(PAIRS_KIND) or [])
    if MENTIONED_KIND in live and (pairs_field := _pairs_field(model, pairs)):
        written = getattr(call.args, pairs_field) or {}
        if {k: written.get(k) for k in pairs} != pairs:
            typed = ", ".join(f"{k}={v}" for k, v in pairs.items())
            raise InvalidCall(f"{call.tool}.{pairs_field} = {written!r}: the request sets {typed}.")
    if MENTIONED_KIND in live:
        for field_name in _unit_required(model, units, required, given):
            value = getattr(call.args, field_name)
            if field_name not in call.args.model_fields_set or value in (None, []):
                unit = _unit_fields(model)[field_name]
                raise InvalidCall(
                    f"{call.tool}.{field_name} is missing: the request gives it "
                    f"({', '.join(units[unit])})."
                )
        one_of = _unit_one_of(model, units, required)
        if one_of and all(getattr(call.args, f) in (None, []) for f in one_of):
            raise InvalidCall(
                f"{call.tool}: the request types a value in their unit; write at least one "
                f"of {', '.join(one_of)}."
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
                f"{call.tool}.{field_name} = {value!r} is not in the request, which names "
                f"no {kind}: leave it out, or ask."
            )
        # Known values constrain only when some are known; the request's words whenever
        # given (as in call_schema)
        known = live.get(kind) or (None if kind != MENTIONED_KIND else live.get(kind))
        if not chosen or value is None or known is None:
            continue  # a default the model left out, or nothing to check against
        typed = value if isinstance(value, list) else [value]
        allowed = set(known)
        if kind == MENTIONED_KIND:
            allowed = set(
                _field_words(
                    model,
                    field_name,
                    list(known),
                    units,
                    required,
                    given,
                    acted_on=_acted_on(model, live),
                    scopes=_scope_values(live),
                )
            )
            allowed -= _keyed_elsewhere(model, field_name, keyed)
            allowed -= _choice_words(model, live.get(CHOICE_KIND) or ())
            if field_name in _given_fields(model, given):  # checked above: it is the value
                allowed.add(str(given[field_name]))
            allowed |= set(_keyed_values(model, field_name, keyed))  # typed with its keyword
            # the call holds parsed values: "1.5G" typed and offered is "1500M" once parsed
            allowed |= {p for word in allowed if (p := _parsed(model, field_name, word))}
        if isinstance(value, dict):  # a map: only the variables typed with their values
            typed = [k if pairs.get(k) == v else "\0" for k, v in value.items()]
        if any(str(v) not in allowed for v in typed):
            if kind == MENTIONED_KIND:
                problem = "is not in the request: use a value the user typed, or ask"
            else:
                problem = f"is not a known {kind} ({', '.join(sorted(allowed))})"
            raise InvalidCall(f"{call.tool}.{field_name} = {value!r} {problem}.")


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
        out = {
            k: _apply_live_enums(v, live, forbid)
            for k, v in node.items()
            if k not in ("x-live", "x-unit", "x-key", "x-names", NEEDS)
        }
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


def _cap_items(schema: dict[str, Any], distinct: int) -> None:
    """At most `distinct` items in a list of typed words: every such list is a set (ports,
    variable names to unset), and a grammar cannot say "unique", so a small model would
    otherwise write `[5000, 5000]` for "on port 5000" and fail validation twice."""
    for node in [schema, *schema.get("anyOf", [])]:
        if node.get("type") == "array":
            node["maxItems"] = min(node.get("maxItems", distinct), distinct)


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


def _named_choice_fields(model: type[StrictArgs], words: Container[str]) -> list[str]:
    """A tool's closed choices the request names a value of ("on ruby 3.3"): the call must
    write them, where a default would otherwise quietly replace what the user asked for."""
    return [f for f, schema in _closed_choices(model).items() if _named_values(schema, words)]


def _unnamed_options(model: type[StrictArgs], words: Container[str]) -> list[str]:
    """A tool's optional closed choices the request names no value of: the call leaves
    them out. Left open, our model wrote runtime python3.10 into lambda_deploy_function
    and ruby3.3 into lambda_update_config for requests that only set a variable (the
    validation split, 2026-12-07): a change nobody asked for, in a call an operator may
    approve without reading every argument. A required choice stays open ("deploy a
    database": the model may still pick one, or ask)."""
    return [
        f
        for f, schema in _closed_choices(model).items()
        if not model.model_fields[f].is_required() and not _named_values(schema, words)
    ]


def _left_out(schema: dict[str, Any]) -> dict[str, Any]:
    """An optional argument's schema that allows only leaving it out (null)."""
    kept = {k: v for k, v in schema.items() if k not in ("anyOf", "enum", "type")}
    return {**kept, "anyOf": [{"type": "null"}]}


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


@functools.cache
def _needing_flags(model: type[StrictArgs]) -> tuple[tuple[str, str], ...]:
    """(flag, the list argument it needs entries in) of a tool's `x-needs` flags."""
    return tuple(
        (name, info.json_schema_extra[NEEDS])
        for name, info in model.model_fields.items()
        if isinstance(info.json_schema_extra, dict) and NEEDS in info.json_schema_extra
    )


def _needing_flag_branches(model: type[StrictArgs], branch: dict[str, Any]) -> list[dict[str, Any]]:
    """`branch` with each `x-needs` flag false, or true with at least one entry in the list
    it needs (none where the list can hold nothing). Data v3's test split: "can IMAGE be
    hosted as a new deployment called flux?" typed no port, and the model wrote
    expose: true twice, which deploy_app refuses."""
    out = [branch]
    for flag, needed in _needing_flags(model):
        split = []
        for option in out:
            properties = option["properties"]["args"]["properties"]
            if flag not in properties:
                split.append(option)
                continue
            target = properties.get(needed)
            fillable = not (_null_only(target) or target.get("maxItems") == 0)
            pinned = properties[flag].get("const")  # a flag the request sets (`given`)
            if pinned is None:
                split.append(_with_property(option, flag, {"const": False}))
            elif pinned is False:
                split.append(option)
            if pinned is not False and fillable:
                on = _with_property(option, flag, {"const": True})
                split.append(_require_fields(on, [flag, needed]))
        out = split
    return out


def _with_property(branch: dict[str, Any], name: str, schema: dict[str, Any]) -> dict[str, Any]:
    args = dict(branch["properties"]["args"])
    args["properties"] = {**args.get("properties", {}), name: schema}
    return {**branch, "properties": {**branch["properties"], "args": args}}


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
        names = _entry_names(properties[name])
        if properties[name].get("required"):  # a map that must set typed variables
            pass
        elif "properties" in properties[name]:  # a map of typed words: one of its keys
            if not (nonempty := _non_empty_map(properties[name])):
                continue
            properties[name] = nonempty
        elif properties[name].get("type") == "object":
            properties[name] = {**properties[name], "minProperties": 1}
        elif properties[name].get("type") == "array":
            properties[name] = {**properties[name], "minItems": 1}
        others = [o for o in one_of if o != name and o in properties]
        # A name another field must hold ("DEBUG=1" typed: DEBUG is set) is not this
        # field's too: set_env refuses a variable both set and removed. Data v3's valid
        # split: "set PORT_ENABLE to 2" offered PORT_ENABLE and port_enable to remove.
        taken = set().union(*(properties[o].get("required", []) for o in others))
        if any(_same_word(entry, taken) for entry in names):
            properties[name] = _without_names(properties[name], taken)
            names = _entry_names(properties[name])
            if not names:
                continue
        if len({_folded(n) for n in names}) == 1:
            # the one name this field can hold is not the other fields' too: a variable
            # typed once is set or removed, never both (the 2026-12-07 release: "take away
            # the env DEBUG" set and removed DEBUG, which set_env refuses)
            for other in others:
                properties[other] = _without_names(properties[other], names)
        out.append(required)
    return out


def _variable_fields(model: type[StrictArgs], branch: dict[str, Any]) -> list[str]:
    """A tool's arguments that name variables to set (a map) and to remove (`x-names`
    variable), when it has both and no "at least one of" rule of its own (set_env): the
    call must fill one of them, and `_one_of_branches` keeps a name typed once in one."""
    if ONE_OF_REQUIRED in branch["properties"]["args"]:
        return []
    shapes = _typed_shapes(model)
    fields = [
        f for f in mentioned_fields(model) if _is_map(model, f) or shapes.get(f) == "variable"
    ]
    return fields if len(fields) > 1 else []


def _entry_names(schema: dict[str, Any]) -> set[Any]:
    """The names a map of typed words (its keys) or a list of typed words (its items) can
    hold; empty for any other argument."""
    if schema.get("type") == "object" and "properties" in schema:
        return set(schema["properties"])
    if schema.get("type") == "array" and "enum" in schema.get("items", {}):
        return set(schema["items"]["enum"])
    return set()


def _folded(value: Any) -> Any:
    return value.casefold() if isinstance(value, str) else value


def _same_word(value: Any, names: set[Any]) -> bool:
    """`value` is one of `names`, in any case: the request typed the word once ("PORT_ENABLE"
    is offered as typed and lowercased), so its spellings are one entry."""
    return _folded(value) in {_folded(n) for n in names}


def _without_names(schema: dict[str, Any], names: set[Any]) -> dict[str, Any]:
    """A map or list of typed words (`_entry_names`) that can no longer hold `names`."""
    if not any(_same_word(entry, names) for entry in _entry_names(schema)):
        return schema
    if schema.get("type") == "object":
        kept = {k: v for k, v in schema["properties"].items() if not _same_word(k, names)}
        return {**schema, "properties": kept}
    left = [v for v in schema["items"]["enum"] if not _same_word(v, names)]
    if not left:
        return {**{k: v for k, v in schema.items() if k != "minItems"}, "items": {}, "maxItems": 0}
    # the list is a set (`_cap_items`): at most one item per name left
    capped = min(schema.get("maxItems", len(left)), len(left))
    return {**schema, "items": {**schema["items"], "enum": left}, "maxItems": capped}


def _non_empty_map(schema: dict[str, Any]) -> dict[str, Any] | None:
    """A map of typed words (`_word_map`) with at least one entry: one variant per key that
    is written. The grammar backend (llguidance) takes minProperties only when every key is
    required, so "at least one" is said this way. None when no key can be written."""
    keys = list(schema["properties"])
    return {"anyOf": [{**schema, "required": [key]} for key in keys]} if keys else None


def _null_only(schema: dict[str, Any] | None) -> bool:
    return schema is None or schema.get("anyOf") == [{"type": "null"}]


def _marked(node: Any) -> bool:
    if isinstance(node, dict):
        if node.get("x-live") == MENTIONED_KIND:
            return True
        return any(_marked(b) for b in node.get("anyOf", [])) or _marked(node.get("items"))
    return False


@functools.cache
def mentioned_fields(model: type[StrictArgs]) -> tuple[str, ...]:
    """Arguments marked `x-live: mentioned`, also inside Optional[...] and list items."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return tuple(name for name, schema in properties.items() if _marked(schema))


@functools.cache
def _live_fields(model: type[StrictArgs]) -> dict[str, str]:
    """{field: x-live kind} of a tool's arguments, also inside Optional[...] and list items."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return {name: kind for name, schema in properties.items() if (kind := _kind_of(schema))}


def _kind_of(node: Any, key: str = "x-live") -> str | None:
    if isinstance(node, dict):
        if isinstance(node.get(key), str):
            return node[key]
        children: list[Any] = list(node.values())
    elif isinstance(node, list):
        children = node
    else:
        return None
    return next((kind for child in children if (kind := _kind_of(child, key))), None)


@functools.cache
def _unit_fields(model: type[StrictArgs]) -> dict[str, str]:
    """{field: unit} of a tool's typed arguments measured in a unit (`x-unit`)."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return {
        name: unit for name, schema in properties.items() if (unit := _kind_of(schema, "x-unit"))
    }


def _field_words(
    model: type[StrictArgs],
    field: str,
    words: list[str],
    units: dict[str, list[str]],
    required_kinds: Container[str] = (),
    given: Mapping[str, str | bool] | None = None,
    *,
    acted_on: Collection[str] = (),
    scopes: Collection[str] = (),
) -> list[str]:
    """The words a typed argument may take: the request's bare words and numbers, the
    numbers typed with the argument's own unit, and range bounds the tool has no
    argument for. The one argument of a unit the request types unambiguously takes only
    the numbers typed with that unit: in "deploy auth:build-8262 on port 4000" the port is
    4000, never the 8262 of a tag (a model that writes both repeats a port). A value the
    request types for another argument of the tool (with that argument's unit, or given by
    its role) is no bare word here: the version of "nginx 1.27" is not 1.27 cores, the
    floor of "never below 3 instances" not the ceiling too."""
    units, required_kinds = _counts_as_ceiling(model, units, required_kinds)
    unit = _unit_fields(model).get(field)
    side = _named_side(required_kinds)
    if side and field.endswith(tuple(f"_{s}" for s in RESOURCE_SIDES if s != side)):
        # the request names the other side only: "drop its requested cpu to 4" sets no
        # limit (our model wrote one for 6 requests of the test split, the release of
        # 2026-12-07 19:47); no expected call of data v2 that names one side sets the other
        return []
    if unit in RESOURCES and any(
        resource_kind(other) in required_kinds for other in RESOURCES if other != unit
    ):
        return []  # the request names another resource only
    group = _typed_unit_groups(model, units, required_kinds).get(unit) if unit else None
    if group == [field]:
        return list(units[unit])
    sided = _named_side(required_kinds) and field.endswith(tuple(f"_{s}" for s in RESOURCE_SIDES))
    sizes = {_parsed(model, field, v) for v in units[unit]} - {None} if group and sided else ()
    if group and field not in group and len(sizes) == 1:
        # one size typed for the side the request names ("raise the memory ceiling to
        # 2Gi") is not the other side's too (our model wrote it to both, 15 times on the
        # validation split); a bare number may still be ("reserving 2 cores with
        # headroom up to 4"), on its side of the size: a request within its limit
        size = parse_quantity(next(iter(sizes)))
        within = (lambda v: v > size) if field.endswith("_limit") else (lambda v: v < size)
        return [
            w
            for w in _field_words(model, field, words, units, given=given)
            if (value := _parsed(model, field, w)) is not None and within(parse_quantity(value))
        ]
    if _names_an_object(model, field):  # "drain one of the nodes" names no node "1"
        words = [w for w in words if not w.isdigit()]
    shape = _typed_shapes(model).get(field)
    if shape == "variable":  # names of variables: only words written as one
        return [w for w in words if _variable_like(w)]
    if shape == "handler":  # not a prose word: "the variable SAMPLE=2 ... add it"
        return [w for w in words if _handler_like(w)]
    if shape == "image":
        return _image_like(words)
    if shape == "text":  # free text: only the text the request gives it (`given`)
        return []
    if _optional_name(model, field):  # only a word the request names the instance with
        named = {w.lower() for w in str((given or {}).get(INSTANCE_NAMES, "")).split()}
        words = [w for w in words if w.lower() in named]
    if shape == "container" or _optional_name(model, field):
        # not a pod, the deployment acted on, a scope, nor a size
        words = [
            w
            for w in words
            if not _DEPLOYMENT_POD.fullmatch(w)
            and w not in acted_on
            and w not in scopes
            and not _QUANTITY_LIKE.fullmatch(w)
            and w.lower() not in _NOT_A_CONTAINER
        ]
    if unit is None:  # "a redis cache -n prod, 4Gi of memory" has no version "4gi"
        words = [w for w in words if not _SIZE_LIKE.fullmatch(w)]
    if field == "version":  # nor "prod": a version is numbered, or a channel's tag
        words = [w for w in words if not w.isalpha() or w.lower() in _VERSION_TAGS]
    # a size typed for the other side is not this one's ("3GB request, 8gb limit")
    others = {
        parsed
        for side in RESOURCE_SIDES
        if unit in RESOURCES and _field_side(field) not in (None, side)
        for value in str((given or {}).get(sized_key(side), "")).split()
        if (parsed := _parsed(model, field, value))
    }
    own = set(_unit_fields(model).values())
    # a range's bound is a bare number to a tool without such bounds ("scale to max 5")
    bare = [v for u in RELATIVE_UNITS if u not in own for v in units.get(u, [])]
    claimed = {v for u in own - {unit} for v in units.get(u, [])}
    given = given or {}
    # a value given for another argument claims its words too ("comb the log for
    # connection refused": no container "connection"); a flag the request sets claims none
    claimed |= {
        word
        for f in _given_fields(model, given)
        if f != field and isinstance(given[f], str)
        for word in (given[f], *given[f].split())
    }
    typed = [*(w for w in words if w not in claimed), *bare, *(units.get(unit, []) if unit else [])]
    return [w for w in typed if _parsed(model, field, w) not in others] if others else typed


@functools.cache
def _names_an_object(model: type[StrictArgs], field: str) -> bool:
    """Whether `field` names a Kubernetes object (a DNS name: a node, a pod, a container, a
    new namespace). Such a name may be all digits to the API server, but a bare number in
    a request is a count ("one of the nodes", "3 replicas"); no name of data v2 is one."""
    schema = _inline_refs(model.model_json_schema())["properties"][field]
    patterns = {s.get("pattern") for s in [schema, *schema.get("anyOf", [])]}
    return bool(patterns & {DNS1123_LABEL, DNS1123_SUBDOMAIN, DNS1035_LABEL})


@functools.cache
def _optional_name(model: type[StrictArgs], field: str) -> bool:
    """Whether `field` is an object's own `name` the tool may leave out (deploy_service's
    instance, named after its service by default; not a container). It takes only a word
    the request names the instance with (`INSTANCE_NAMES`), and like a container none of
    the words that say where the call acts: our model named the Postgres of "drop a
    Postgres 6.2 in (us central/`ci`)" "ci", and when that was taken away, "drop" (the
    test split, the release of 2026-12-07 19:47). None of data v2's 456 named instances
    is a known cluster or namespace, or a size."""
    return (
        field == "name"
        and _names_an_object(model, field)
        and not model.model_fields[field].is_required()
    )


@functools.cache
def _typed_shapes(model: type[StrictArgs]) -> dict[str, str]:
    """{field: shape} of a tool's typed arguments that must look like what they name
    (`x-names`: "variable", "image", "container", "handler", "text";
    tools/validation.py)."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return {
        name: shape for name, schema in properties.items() if (shape := _kind_of(schema, "x-names"))
    }


# Containers as our model wrote them where the request named none (the validation split,
# 2026-12-07): the deployment the call acts on ("bump user-service's memory ceiling"), a
# size ("3gb", "1" of "1.5Gi") and the words for what a log read reads ("comb the web-1
# log for error", "scan the output of pod x for exception"). No container of data v2 is
# one of these: 726 are named, none after its own deployment.
_QUANTITY_LIKE = re.compile(r"\d+(?:\.\d+)?[a-z]*", re.IGNORECASE)
# A size as typed ("4Gi", "8GB", "512m"): only arguments of a size take one. Our model wrote
# the memory of "a postgres called orders-db with 8Gi" as its version too (the hand-written
# suite and 1 request of the test split, 2026-12-07 19:47); of data v2's expected values,
# only sizes look like this.
# The versions without a number people ask for; data v2's 320 versions are numbered
# ("7.4", "16-alpine") or "stable".
_VERSION_TAGS = frozenset({"latest", "stable", "lts", "edge", "mainline", "alpine"})
_SIZE_LIKE = re.compile(r"\d+(?:\.\d+)?(?:mi|mib|mb|gi|gib|gb|g|m|k|ki|kb|megs?|gigs?)", re.I)
_NOT_A_CONTAINER = frozenset({"log", "output"})


def _acted_on(model: type[StrictArgs], live: Mapping[str, list[str]]) -> list[str]:
    """The deployment a tool that acts on one acts on, when the request names exactly one
    (llm/grounding.py narrows the known deployments to the named ones). A pod's logs act
    on a pod: there "-c worker" may name a container like a deployment."""
    named = live.get("deployment") or []
    acts = "deployment" in _live_fields(model).values()
    return list(named) if acts and len(named) == 1 else []


def _scope_values(live: Mapping[str, list[str]]) -> set[str]:
    """The known clusters and namespaces: where a call acts, never a container in it. Our
    model wrote the namespace of "scan the output of pod reports-8qw6 (us-central/ci)" as
    the container (the validation split, 2026-12-07); none of the 726 containers of data
    v2 is a known cluster or namespace. A container the request names as one ("the
    monitoring container") is given, and written all the same."""
    return {value for kind in ("cluster", "namespace") for value in live.get(kind) or ()}


def _choice_words(model: type[StrictArgs], words: Iterable[str]) -> set[str]:
    """The words that name a value of one of the tool's closed choices (or its synonym):
    the choice's, never another typed argument's. Our model named the deployment of "get
    Redis on 16-alpine provisioned" "redis" (7 requests of the validation split,
    2026-12-07); no deploy_service call of data v2 is named after its service."""
    values = {v for schema in _closed_choices(model).values() for v in schema["enum"]}
    return {w for w in words if w in values or CHOICE_SYNONYMS.get(w) in values}


# A Deployment's pod: its name, the pod template hash and a random suffix, both from
# Kubernetes' alphabet without vowels (k8s.io/apimachinery rand.SafeEncodeString)
_POD_ALPHABET = "[bcdfghjklmnpqrstvwxz2456789]"
_DEPLOYMENT_POD = re.compile(rf"[a-z0-9][-a-z0-9]*-{_POD_ALPHABET}{{6,10}}-{_POD_ALPHABET}{{5}}")


def _image_like(words: list[str]) -> list[str]:
    """The words typed as an image reference, whole (see tools/validation.MENTIONED_IMAGE);
    every word when none is."""
    references = [w for w in words if re.search(r"[:/@]", w)]

    def piece(word: str) -> bool:  # "worker:2.0.1" or "acme/worker" of "acme/worker:2.0.1"
        return any(
            other.endswith(f"/{word}") or other.startswith((f"{word}:", f"{word}@"))
            for other in references
        )

    whole = [w for w in references if not piece(w)]
    return whole or list(words)


def _field_side(field: str) -> str | None:
    """The side of a resource an argument sizes ("cpu_request": request), if it sizes one."""
    return next((side for side in RESOURCE_SIDES if field.endswith(f"_{side}")), None)


def _named_side(required_kinds: Container[str]) -> str | None:
    """The one side of a resource (request or limit) the request names, if it names one."""
    sides = [side for side in RESOURCE_SIDES if side_kind(side) in required_kinds]
    return sides[0] if len(sides) == 1 else None


def _counts_as_ceiling(
    model: type[StrictArgs], units: dict[str, list[str]], required_kinds: Container[str]
) -> tuple[dict[str, list[str]], Container[str]]:
    """The typed numbers as a tool with a ceiling but no count of its own reads them: a
    count ("autoscale web to 5 pods", "burst to 25 instances") is its ceiling, never its
    floor too. Our model wrote the one count of "autoscale X to 5 pods targeting 50% cpu"
    as both bounds (18 requests of the test split, the release of 2026-12-07 19:47); of
    data v2's 361 counts typed for an autoscaler, 334 are its ceiling and the other 27 are
    floors said as one ("never fewer than 1 pods": a bound, llm/grounding.py)."""
    own = set(_unit_fields(model).values())
    if "max" not in own or "replicas" in own or not units.get("replicas"):
        return units, required_kinds
    viewed = {u: v for u, v in units.items() if u != "replicas"}
    viewed["max"] = sorted({*units.get("max", []), *units["replicas"]})
    required = set(required_kinds)
    if unit_kind("replicas") in required:
        required.add(unit_kind("max"))
    return viewed, required


def _typed_unit_groups(
    model: type[StrictArgs], units: dict[str, list[str]], required_kinds: Container[str]
) -> dict[str, list[str]]:
    """{unit: the tool's arguments of that unit some typed value fits}, for the units the
    request types unambiguously (the unit's kind is among `required_kinds`). When the
    request says which side of a resource it means (a side kind among `required_kinds`),
    only the arguments of that side (`cpu_limit`, `memory_limit`) count, if the tool has
    such arguments."""
    units, required_kinds = _counts_as_ceiling(model, units, required_kinds)
    side = _named_side(required_kinds)
    groups = {}
    for unit, values in units.items():
        if unit_kind(unit) not in required_kinds:
            continue
        of_unit = [f for f, u in _unit_fields(model).items() if u == unit]
        if fitting := [f for f in of_unit if any(_valid_value(model, f, v) for v in values)]:
            if side:
                fitting = [f for f in fitting if f.endswith(f"_{side}")] or fitting
            groups[unit] = fitting
    return groups


def _unit_required(
    model: type[StrictArgs],
    units: dict[str, list[str]],
    required_kinds: Container[str],
    given: Mapping[str, str | bool] | None = None,
) -> list[str]:
    """Arguments the call must write because the request types a number in their unit
    unambiguously: a tool's one argument of that unit, when some typed value fits it
    ("4GB" on a Lambda update: memory_mb). With two of a unit (a request and a limit) the
    call must write at least one of them (`_unit_one_of`), and the model chooses which,
    unless the request types a size beside each side's word ("3GB request, 8gb limit",
    `sized_key`): then both."""
    groups = _typed_unit_groups(model, units, required_kinds)
    alone = [fields[0] for fields in groups.values() if len(fields) == 1]
    sized = [
        field
        for unit, fields in groups.items()
        if len(fields) > 1
        for field in fields
        if (side := _field_side(field))
        and set(str((given or {}).get(sized_key(side), "")).split()) & set(units[unit])
    ]
    return alone + sized


def _unit_one_of(
    model: type[StrictArgs], units: dict[str, list[str]], required_kinds: Container[str]
) -> list[str]:
    """The arguments of which the call must write at least one because the request types
    a number in their unit and the tool has several of it: "drop its requested cpu to 4
    cpus" on set_resources is cpu_request or cpu_limit, never neither (the 2026-12-06
    release left 72 such sizes out)."""
    groups = _typed_unit_groups(model, units, required_kinds).values()
    return [field for fields in groups if len(fields) > 1 for field in fields]


def _keyed(live_keyed: list[str]) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for entry in live_keyed:
        key, value = entry.split("=", 1)
        found.setdefault(key, []).append(value)
    return found


def _keyed_values(model: type[StrictArgs], field: str, keyed: dict[str, list[str]]) -> list[str]:
    """The values the request types with the keyword of `field` (`x-key`) that fit it."""
    key = _key_fields(model).get(field)
    return [v for v in keyed.get(key, []) if _valid_value(model, field, v)] if key else []


def _keyed_elsewhere(model: type[StrictArgs], field: str, keyed: dict[str, list[str]]) -> set[str]:
    """The values the request types with the keyword of another of the tool's arguments:
    "role hub-role" gives the role, never the function's name (the release of 2026-12-07
    09:14: 3 Lambda functions of the test split were named after their role)."""
    return {
        value
        for other, key in _key_fields(model).items()
        if other != field
        for value in keyed.get(key, [])
    }


@functools.cache
def _key_fields(model: type[StrictArgs]) -> dict[str, str]:
    """{field: key} of a tool's typed arguments marked with a keyword (`x-key`)."""
    properties = _inline_refs(model.model_json_schema()).get("properties", {})
    return {name: key for name, schema in properties.items() if (key := _kind_of(schema, "x-key"))}


def _tool_of(branch: dict[str, Any]) -> str:
    return branch["properties"]["tool"]["const"]


def _require_one_of(branch: dict[str, Any], fields: list[str]) -> dict[str, Any]:
    """`branch` with a further "at least one of `fields`" rule, kept within the tool's
    own such rule (set_resources: one of its four sizes) when it has one; `_prune` splits
    the branch by it."""
    if not fields:
        return branch
    args = dict(branch["properties"]["args"])
    own = args.get(ONE_OF_REQUIRED)
    if own:  # within the tool's rule; a rule that would empty it leaves it as it is
        args[ONE_OF_REQUIRED] = [f for f in own if f in fields] or own
    else:
        args[ONE_OF_REQUIRED] = fields
    return {**branch, "properties": {**branch["properties"], "args": args}}


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
        if schema.get("type") == "array":  # a list the request fills: at least one entry
            schema["minItems"] = max(1, schema.get("minItems", 0))
        properties[name] = schema
    args["properties"] = properties
    args["required"] = sorted({*args.get("required", []), *fields})
    return {**branch, "properties": {**branch["properties"], "args": args}}


def _judged_fields(model: type[StrictArgs], judged: Mapping[str, str] | None) -> dict[str, str]:
    """The judged values that fit the tool: an argument it has, a value valid for it (a
    classifier trained on other data may know values the tool does not: those are left
    to the model)."""
    return {
        field: value
        for field, value in (judged or {}).items()
        if field in model.model_fields and _valid_value(model, field, value)
    }


def _given_fields(model: type[StrictArgs], given: Mapping[str, str | bool]) -> list[str]:
    """The arguments of a tool that values the request gives fill: a typed argument the
    value fits, or a flag the request sets ("-A": all_namespaces)."""
    typed = mentioned_fields(model)
    return [
        f
        for f, value in given.items()
        if (f in typed and not isinstance(value, bool) and _valid_value(model, f, value))
        or (isinstance(value, bool) and _is_flag(model, f))
    ]


def _default(model: type[StrictArgs], field: str) -> Any:
    return model.model_fields[field].default


def _is_flag(model: type[StrictArgs], field: str) -> bool:
    """Whether the argument is a plain on/off flag (a bool, not typed from words)."""
    info = model.model_fields.get(field)
    return info is not None and info.annotation is bool


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
    return _parsed(model, field, word) is not None


@functools.cache
def _parsed(model: type[StrictArgs], field: str, word: str) -> str | None:
    """A typed word as the argument holds it once parsed ("1.5G" -> "1500M"); None when
    it is no valid value of the argument."""
    is_list = _is_list(model, field)
    try:
        value = _field_adapter(model, field).validate_python([word] if is_list else word)
    except ValidationError:
        return None
    return str(value[0] if is_list else value)


@functools.cache
def _valid_entry(model: type[StrictArgs], field: str, key: str, value: str) -> bool:
    """Whether `{key: value}` is a valid value of a map argument (environment variables)."""
    try:
        _field_adapter(model, field).validate_python({key: value})
    except ValidationError:
        return False
    return True


def _pairs(live_pairs: list[str]) -> dict[str, str]:
    return dict(pair.split("=", 1) for pair in live_pairs)


def _word_map(
    model: type[StrictArgs],
    field: str,
    schema: dict[str, Any],
    pairs: dict[str, str],
    required: bool,
) -> dict[str, Any]:
    """A map argument (environment variables) narrowed to the variables the request types
    with a value (`KEY=value`, "set KEY to value": `pairs`), each to exactly that value and
    offered in the order typed (the grammar writes properties in schema order); all of them
    when `required`. Without such variables, only the empty map is left.

    A variable named without a value ("take away the env LOG_RETRIES from web") cannot be
    set: every variable of data v2 is set as `KEY=value` or `KEY to value`, and with any
    typed word as its value our model wrote `{"LOG_RETRIES": "web"}` for 39 requests of the
    test split (the release of 2026-12-07 09:14) that remove it."""
    entries = {
        key: {"type": "string", "enum": [value]}
        for key, value in pairs.items()
        if _valid_entry(model, field, key, value)
    }
    # the grammar backend takes min/maxProperties only when every key is required; the
    # offered keys are fewer than the maximum anyway
    dropped = ("patternProperties", "propertyNames", "additionalProperties", "maxProperties")
    kept = {k: v for k, v in schema.items() if k not in (*dropped, "x-live")}
    out = {**kept, "properties": entries, "additionalProperties": False}
    return {**out, "required": list(pairs)} if required else out


def _handler_like(word: str) -> bool:
    """A word written as a function's handler: a module and a function ("app.handler",
    "index.main"), a class and a method ("com.acme.Handler::handleRequest"), or a custom
    runtime's "bootstrap". Every handler of data v2 is one; a handler typed with its keyword
    ("handler main") is the keyword's value anyway (`x-key`)."""
    if "://" in word or word.lower().endswith(".zip"):
        return False  # the code's location ("s3://builds/fn.zip"), not its entry point
    return "." in word or "::" in word or word.lower() == "bootstrap"


def _variable_like(word: str) -> bool:
    """A word written as an environment variable's name is: upper case ("LOG_LEVEL",
    "PORT") or joined by underscores ("http_proxy"). A plain lower-case word ("also",
    "cc", "environment") is prose, not a name to set; one typed as `KEY=value` is a name
    all the same (the caller checks `pairs` first)."""
    return len(word) > 1 and bool(re.fullmatch(r"[A-Z][A-Z0-9_]*|[A-Za-z]\w*_\w*", word))


def _pairs_field(model: type[StrictArgs], pairs: dict[str, str]) -> str | None:
    """The map argument that must set the request's `KEY=value` variables: the tool's one
    map, when every pair fits it."""
    maps = [f for f in mentioned_fields(model) if _is_map(model, f)]
    if not pairs or len(maps) != 1:
        return None
    fits = all(_valid_entry(model, maps[0], key, value) for key, value in pairs.items())
    return maps[0] if fits else None


@functools.cache
def _is_map(model: type[StrictArgs], field: str) -> bool:
    schema = _inline_refs(model.model_json_schema())["properties"][field]
    return schema.get("type") == "object"


@functools.cache
def _is_list(model: type[StrictArgs], field: str) -> bool:
    schema = _inline_refs(model.model_json_schema())["properties"][field]
    return schema.get("type") == "array"
