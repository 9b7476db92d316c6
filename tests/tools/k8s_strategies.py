"""Hypothesis strategies that generate tool arguments from the tools' own JSON schemas.

Strings come from each field's `pattern` (so schema and validator are checked against
each other); quantities, whose bounds a pattern cannot express, come from in-range values.
"""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

from tools.validation import CPU_PATTERN, DNS1123_SUBDOMAIN, IMAGE_REFERENCE, MEMORY_PATTERN

MEMORY_VALUES = st.one_of(
    st.integers(16, 64 * 1024).map(lambda n: f"{n}Mi"),
    st.integers(1, 64).map(lambda n: f"{n}Gi"),
)
CPU_VALUES = st.one_of(
    st.integers(10, 32000).map(lambda n: f"{n}m"),
    st.integers(1, 32).map(str),
)

# Generating from the full image grammar is slow (nested repeats); compose the same
# language from bounded parts. The validator still checks them against the real pattern.
_PATH = st.from_regex(r"[a-z0-9]{1,8}(([._]|__|-+)[a-z0-9]{1,6}){0,2}", fullmatch=True)
IMAGE_VALUES = st.builds(
    lambda domain, path, tag, digest: f"{domain}{'/'.join(path)}{tag}{digest}",
    st.one_of(
        st.just(""),
        st.from_regex(r"[a-zA-Z0-9]{1,8}(\.[a-z0-9]{1,6}){0,2}(:[0-9]{1,5})?/", fullmatch=True),
    ),
    st.lists(_PATH, min_size=1, max_size=3),
    st.one_of(st.just(""), st.from_regex(r":[A-Za-z0-9_][A-Za-z0-9_.-]{0,20}", fullmatch=True)),
    st.one_of(st.just(""), st.from_regex(r"@sha256:[a-f0-9]{64}", fullmatch=True)),
)

_LABEL = st.from_regex(r"[a-z0-9]([-a-z0-9]{0,10}[a-z0-9])?", fullmatch=True)
SUBDOMAIN_VALUES = st.lists(_LABEL, min_size=1, max_size=4).map(".".join)


def string_strategy(node: dict[str, Any]) -> st.SearchStrategy[str]:
    """Strings for one string schema: from its enum, or its pattern within its lengths."""
    if "enum" in node:
        return st.sampled_from(node["enum"])
    if "const" in node:
        return st.just(node["const"])
    pattern = node["pattern"]
    if pattern == MEMORY_PATTERN:
        return MEMORY_VALUES
    if pattern == CPU_PATTERN:
        return CPU_VALUES
    if pattern == IMAGE_REFERENCE:
        return IMAGE_VALUES
    if pattern == DNS1123_SUBDOMAIN:
        return SUBDOMAIN_VALUES
    low, high = node.get("minLength", 0), node.get("maxLength", 10_000)
    return st.from_regex(pattern, fullmatch=True).filter(lambda s: low <= len(s) <= high)


def value_strategy(node: dict[str, Any]) -> st.SearchStrategy[Any]:
    """Values matching one (inlined) JSON schema node, as pydantic writes them."""
    if "anyOf" in node:
        return st.one_of([value_strategy(branch) for branch in node["anyOf"]])
    if "enum" in node or "const" in node:
        return (
            string_strategy(node)
            if node.get("type", "string") == "string"
            else st.sampled_from(node["enum"])
        )
    kind = node.get("type")
    if kind == "null":
        return st.none()
    if kind == "boolean":
        return st.booleans()
    if kind == "integer":
        return st.integers(node.get("minimum", -(2**31)), node.get("maximum", 2**31))
    if kind == "string":
        return string_strategy(node)
    if kind == "array":
        return st.lists(value_strategy(node["items"]), max_size=min(node.get("maxItems", 3), 3))
    if kind == "object" and "patternProperties" in node:
        ((key_pattern, value_node),) = node["patternProperties"].items()
        keys = st.from_regex(key_pattern, fullmatch=True).filter(lambda s: len(s) <= 128)
        return st.dictionaries(keys, value_strategy(value_node), max_size=3)
    raise AssertionError(f"no strategy for schema node {node}")


def args_strategy(schema: dict[str, Any]) -> st.SearchStrategy[dict[str, Any]]:
    """Argument dicts for an args schema: required fields always, optional ones sometimes."""
    properties = schema.get("properties", {})
    required = set(schema.get("required", []))
    fixed = {name: value_strategy(node) for name, node in properties.items() if name in required}
    optional = {
        name: value_strategy(node) for name, node in properties.items() if name not in required
    }
    return st.fixed_dictionaries(fixed, optional=optional)


JSON_SCALARS = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**40), 2**40),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
)
JSON_VALUES = st.recursive(
    JSON_SCALARS,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4), st.dictionaries(st.text(max_size=12), inner, max_size=4)
    ),
    max_leaves=12,
)
"""Anything JSON can hold (plus NaN and infinities, which Python's json also emits)."""
