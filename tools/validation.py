"""Shared validation for tool arguments: Kubernetes names, quantities, images, env vars.

Every string type here carries a `pattern` in its JSON schema (the model's decoding
grammar needs one on every string) and, where the pattern cannot say everything
(quantity bounds), an `AfterValidator` that checks the value and canonicalizes it.
Patterns avoid lookarounds so that grammar backends, Rust's regex and Python's `re`
all read them the same way.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation
from typing import Annotated

from pydantic import AfterValidator, ConfigDict, Field

# --- Kubernetes names --------------------------------------------------------------------

DNS1123_LABEL = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$"
"""RFC 1123 label: namespaces, deployment names, container names (<= 63 chars)."""
DNS1123_SUBDOMAIN = r"^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?(\.[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?)*$"
"""RFC 1123 subdomain: pod and node names ("ip-10-0-1-2.ec2.internal")."""
DNS1035_LABEL = r"^[a-z]([-a-z0-9]{0,61}[a-z0-9])?$"
"""RFC 1035 label: Service names must start with a letter."""

# Arguments whose value the user must have typed (a node, a pod, an image, a new name): the
# model's decoding may only pick among the words of the request (`x-live: mentioned`, see
# tools/request_schema.py), so it cannot invent a target the user never named.
MENTIONED = {"x-live": "mentioned"}

# Units a typed number can carry ("80%", "4GB", "30s", "port 8080"). An argument marked with
# one (`x-unit`) takes the numbers typed with its unit as well as bare ones; an unmarked one
# (a count: replicas, a limit) only bare ones, and a tool's one argument of a unit must be
# written when the request types a number with it (llm/grounding.py, tools/request_schema.py).
UNITS = ("percent", "memory", "cpu", "seconds", "port", "min", "max", "replicas", "items")
# The bounds of a range ("min 2", "max=10", "four minimum"), replica counts ("3 pods",
# "--replicas=4", "x3") and how many items to read ("last 13 events", "first 20 lambdas",
# "338 log lines": `items`) only count relative to a tool with such arguments: for a tool
# without one the number is a bare number ("scale to max 5", "hpa for 2-10 replicas").
RELATIVE_UNITS = ("min", "max", "replicas", "items")


# Keywords a value is typed after or before ("role app-role", "handler: app.main",
# "index.run as handler"). An argument marked with one (`x-key`) must be written, and be
# such a value, when the request types one (llm/grounding.keyed_values).
KEYS = ("role", "handler", "entry_point")


def mentioned_with_key(key: str) -> dict[str, str]:
    """`json_schema_extra` of a typed argument the request may name with `key` (KEYS)."""
    if key not in KEYS:
        raise ValueError(f"unknown key {key!r}; known: {', '.join(KEYS)}")
    return {**MENTIONED, "x-key": key}


def mentioned_with_unit(unit: str) -> dict[str, str]:
    """`json_schema_extra` of a typed argument measured in `unit` (one of UNITS)."""
    if unit not in UNITS:
        raise ValueError(f"unknown unit {unit!r}; known: {', '.join(UNITS)}")
    return {**MENTIONED, "x-unit": unit}


# A cross-field rule "at least one of these arguments" (the Args model's validator checks
# it): tools/request_schema.py turns it into decoding branches, one per field.
ONE_OF_REQUIRED = "x-one-of-required"
# A flag that means something only with entries in another argument (deploy_app's expose
# needs a port; the Args model's validator checks it): tools/request_schema.py lets the
# decoding grammar write it true only together with at least one such entry.
NEEDS = "x-needs"


def at_least_one_of(*fields: str) -> ConfigDict:
    """model_config that publishes an Args model's "at least one of `fields`" rule."""
    return ConfigDict(json_schema_extra={ONE_OF_REQUIRED: list(fields)})


DnsLabel = Annotated[str, Field(pattern=DNS1123_LABEL, min_length=1, max_length=63)]
DnsSubdomain = Annotated[str, Field(pattern=DNS1123_SUBDOMAIN, min_length=1, max_length=253)]
ServiceName = Annotated[str, Field(pattern=DNS1035_LABEL, min_length=1, max_length=63)]

# --- Images --------------------------------------------------------------------------------

_DOMAIN = (
    r"[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?(\.[a-zA-Z0-9]([a-zA-Z0-9-]{0,61}[a-zA-Z0-9])?)*"
)
_PATH_COMPONENT = r"[a-z0-9]+(([._]|__|-+)[a-z0-9]+)*"
IMAGE_REFERENCE = (
    rf"^({_DOMAIN}(:[0-9]{{1,5}})?/)?{_PATH_COMPONENT}(/{_PATH_COMPONENT}){{0,8}}"
    r"(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$"
)
"""Docker reference: [registry[:port]/]repo[/path][:tag][@sha256:digest], no whitespace."""
IMAGE_TAG = r"^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$"
"""A tag alone ("7.2", "16-alpine")."""

ImageReference = Annotated[str, Field(pattern=IMAGE_REFERENCE, min_length=1, max_length=255)]
ImageTag = Annotated[str, Field(pattern=IMAGE_TAG, min_length=1, max_length=128)]

# --- Environment variables ----------------------------------------------------------------

ENV_NAME = r"^[A-Za-z_][A-Za-z0-9_]{0,127}$"
"""C identifier: what shells and most programs accept as an env var name."""
PRINTABLE_TEXT = r"^[^\x00-\x1f\x7f]*$"
"""Any text without control characters (newlines, tabs, NUL, DEL)."""
MAX_ENV_VARS = 50

EnvName = Annotated[str, Field(pattern=ENV_NAME, min_length=1, max_length=128)]
EnvValue = Annotated[str, Field(pattern=PRINTABLE_TEXT, max_length=1000)]
EnvDict = Annotated[
    dict[EnvName, EnvValue], Field(max_length=MAX_ENV_VARS, json_schema_extra=MENTIONED)
]
"""Up to 50 env vars; names are identifiers, values printable text, both typed by the user."""
# An argument that names environment variables as typed: the request's words written as a
# variable's name, upper case or with an underscore ("LOG_LEVEL", "http_proxy"), never a
# prose word ("timeout", "env"). The same rule as a map's keys (tools/request_schema.py).
MENTIONED_VARIABLE = {**MENTIONED, "x-names": "variable"}
# An image reference as typed: a word with a registry, repository or tag ("nginx:1.27",
# "acme/worker:2.0.1"), whole: not the "worker:2.0.1" of "acme/worker:2.0.1", not "v1.10"
# (tools/request_schema.py; a request that types no such word leaves every word).
MENTIONED_IMAGE = {**MENTIONED, "x-names": "image"}
# A container's name as typed: never the name of a Deployment's pod ("web-7d4b9c8f6d-x2x9k":
# Kubernetes adds the template hash and a suffix to pods, never to containers).
MENTIONED_CONTAINER = {**MENTIONED, "x-names": "container"}
# Free text as typed: a description or a note, only ever the text the request gives it
# (llm/grounding.given_description: a quoted text, or the words after "description"). Left
# to the model, ours wrote "hotfix for timeouts" and "redis://redis:6379" into requests that
# gave none (12 calls of the validation split, 2026-12-07).
MENTIONED_TEXT = {**MENTIONED, "x-names": "text"}
TypedEnvName = Annotated[EnvName, Field(json_schema_extra=MENTIONED_VARIABLE)]
"""The name of a variable to remove, as typed."""

SAFE_GREP = r"^[^\x00-\x1f\x7f]{1,100}$"
"""A grep filter is a literal, case-insensitive substring (never a regex: no ReDoS)."""
GrepText = Annotated[
    str, Field(pattern=SAFE_GREP, min_length=1, max_length=100, json_schema_extra=MENTIONED)
]
"""Typed by the user: a word or a phrase of the request ("panic", "connection refused")."""

# --- Quantities ------------------------------------------------------------------------------

_BINARY = {"Ki": 2**10, "Mi": 2**20, "Gi": 2**30, "Ti": 2**40, "Pi": 2**50, "Ei": 2**60}
_DECIMAL = {
    "n": Decimal("1e-9"),
    "u": Decimal("1e-6"),
    "m": Decimal("1e-3"),
    "": Decimal(1),
    "k": Decimal(10**3),
    "M": Decimal(10**6),
    "G": Decimal(10**9),
    "T": Decimal(10**12),
    "P": Decimal(10**15),
    "E": Decimal(10**18),
}
_QUANTITY_RE = re.compile(
    r"^(?P<number>[+-]?([0-9]+(\.[0-9]*)?|\.[0-9]+))"
    r"(?P<suffix>Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE]|[eE][+-]?[0-9]+)?$"
)


def parse_quantity(text: str) -> Decimal:
    """Value of a Kubernetes quantity ("2Gi" -> 2147483648, "500m" -> 0.5, "1e3" -> 1000).

    Raises ValueError with a readable message for anything that is not a quantity.
    """
    if not isinstance(text, str):
        raise ValueError(f"a quantity must be a string, not {type(text).__name__}")
    match = _QUANTITY_RE.match(text)
    if match is None:
        raise ValueError(f"'{text}' is not a Kubernetes quantity (examples: 512Mi, 2Gi, 500m, 2)")
    number = Decimal(match["number"])
    suffix = match["suffix"] or ""
    if suffix in _BINARY:
        return number * _BINARY[suffix]
    if suffix in _DECIMAL:
        return number * _DECIMAL[suffix]
    try:  # decimal exponent, bounded so a hostile "1e999999999" cannot blow up
        exponent = int(suffix[1:])
    except ValueError:  # pragma: no cover - the regex guarantees digits
        raise ValueError(f"'{text}' has a bad exponent") from None
    if abs(exponent) > 30:
        raise ValueError(f"'{text}': exponent out of range")
    try:
        return number.scaleb(exponent)
    except InvalidOperation:  # pragma: no cover - defensive
        raise ValueError(f"'{text}' is not a Kubernetes quantity") from None


def format_memory(value: Decimal) -> str:
    """Canonical memory: the shortest whole-number form, binary first ("2Gi", "2G", "1536Mi")."""
    if value != value.to_integral_value():
        raise ValueError("memory must be a whole number of bytes")
    whole = int(value)
    candidates = [str(whole)]
    for suffix, unit in [*_BINARY.items(), ("k", 10**3), ("M", 10**6), ("G", 10**9), ("T", 10**12)]:
        if whole and whole % unit == 0:
            candidates.append(f"{whole // unit}{suffix}")
    binary_first = sorted(candidates, key=lambda c: (len(c), not c.endswith("i")))
    return binary_first[0]


def format_cpu(value: Decimal) -> str:
    """Canonical CPU: whole cores as "2", otherwise millicores as "500m"."""
    millis = value * 1000
    if millis != millis.to_integral_value():
        raise ValueError("CPU must be a whole number of millicores (e.g. 250m)")
    if millis % 1000 == 0:
        return str(int(millis) // 1000)
    return f"{int(millis)}m"


def quantities_equal(left: str, right: str) -> bool:
    """True when two quantities have the same value ("2Gi" == "2048Mi")."""
    return parse_quantity(left) == parse_quantity(right)


MEMORY_MIN, MEMORY_MAX = parse_quantity("16Mi"), parse_quantity("64Gi")
CPU_MIN, CPU_MAX = parse_quantity("10m"), parse_quantity("32")

MEMORY_PATTERN = r"^[0-9]{1,12}(\.[0-9]{1,6})?(k|M|G|T|Ki|Mi|Gi|Ti)?$"
"""Memory as the model writes it: "512Mi", "2Gi", "1.5Gi" (binary suffixes preferred)."""
CPU_PATTERN = r"^([0-9]{1,6}m|[0-9]{1,2}(\.[0-9]{1,3})?)$"
"""CPU as the model writes it: "250m", "0.5", "2"."""


def check_memory(text: str) -> str:
    """Validate a memory quantity within 16Mi..64Gi and return its canonical form."""
    value = parse_quantity(text)
    if not MEMORY_MIN <= value <= MEMORY_MAX:
        raise ValueError(f"memory '{text}' is out of range: allowed 16Mi to 64Gi")
    return format_memory(value)


def check_cpu(text: str) -> str:
    """Validate a CPU quantity within 10m..32 cores and return its canonical form."""
    value = parse_quantity(text)
    if not CPU_MIN <= value <= CPU_MAX:
        raise ValueError(f"cpu '{text}' is out of range: allowed 10m to 32 cores")
    return format_cpu(value)


MemoryQuantity = Annotated[
    str,
    Field(pattern=MEMORY_PATTERN, max_length=24, json_schema_extra=mentioned_with_unit("memory")),
    AfterValidator(check_memory),
]
"""Memory request/limit, 16Mi..64Gi, canonicalized ("2048Mi" -> "2Gi")."""
CpuQuantity = Annotated[
    str,
    Field(pattern=CPU_PATTERN, max_length=12, json_schema_extra=mentioned_with_unit("cpu")),
    AfterValidator(check_cpu),
]
"""CPU request/limit, 10m..32, canonicalized ("0.5" -> "500m")."""


def check_request_within_limit(*, kind: str, request: str | None, limit: str | None) -> None:
    """Raise ValueError when a request exceeds its limit (both given)."""
    if request is not None and limit is not None:
        if parse_quantity(request) > parse_quantity(limit):
            raise ValueError(f"{kind} request {request} is larger than the {kind} limit {limit}")
