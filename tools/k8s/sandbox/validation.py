"""Validation of objects: the official JSON schemas (`kubernetes-validate`) then API rules.

Errors are Kubernetes-style 422 `Invalid` Status objects whose message and causes name
the offending field (`spec.template.spec.containers[0].image: Required value`).
"""

from __future__ import annotations

import functools
import re
from typing import Any

import jsonschema
from kubernetes_validate import utils as schemas
from referencing import Registry, Resource

from tools.k8s.sandbox.defaults import apply_defaults, drop_nulls
from tools.k8s.sandbox.errors import BadRequest, invalid
from tools.k8s.sandbox.kind_rules import check_kind_rules
from tools.k8s.sandbox.naming import (
    DNS_1035_LABEL,
    DNS_LABEL,
    DNS_SUBDOMAIN,
    LABEL_VALUE,
    field_path,
    is_qualified_name,
)
from tools.k8s.sandbox.resources import ResourceType

SCHEMA_VERSION = "1.30.0"
"""Kubernetes version whose schemas are enforced (and that /version reports)."""

Cause = tuple[str, str, str]

_LABEL_NAMED_KINDS = {"Namespace": DNS_LABEL, "Service": DNS_1035_LABEL}


FIELD_VALIDATION = ("Ignore", "Warn", "Strict")


def admit_object(
    rt: ResourceType,
    obj: dict[str, Any],
    *,
    old: dict[str, Any] | None = None,
    field_validation: str = "Warn",
    warnings: list[str] | None = None,
) -> dict[str, Any]:
    """Type-check against the schema, default, then apply the API rules (`old` on updates).

    Unknown fields are dropped (with a warning appended to `warnings` unless "Ignore"),
    or rejected with 400 when `field_validation` is "Strict", as the API server does.
    Returns the admitted object; raises 422 Invalid naming every offending field.
    """
    name = str((obj.get("metadata") or {}).get("name") or "")
    errors = sorted(_validator(rt.api_version, rt.kind).iter_errors(obj), key=_error_order)
    unknown = [e for e in errors if e.validator == "additionalProperties"]
    others = [e for e in errors if e.validator != "additionalProperties"]
    if others:
        causes = [_cause_from_error(error) for error in others[:5]]
        raise invalid(kind=rt.kind, group=rt.group, name=name, causes=causes)
    admitted = drop_nulls(obj)
    unknown_fields = _drop_unknown(admitted, unknown)
    if unknown_fields and field_validation == "Strict":
        listed = ", ".join(f'unknown field "{field}"' for field in unknown_fields)
        raise BadRequest(f"strict decoding error: {listed}")
    if warnings is not None and field_validation != "Ignore":
        warnings += [f'unknown field "{field}"' for field in unknown_fields]
    apply_defaults(admitted)
    causes = metadata_causes(rt, admitted) + check_kind_rules(rt.kind, admitted, old)
    if causes:
        raise invalid(kind=rt.kind, group=rt.group, name=name, causes=causes)
    return admitted


def _drop_unknown(obj: dict[str, Any], errors: list[jsonschema.ValidationError]) -> list[str]:
    """Remove the fields named by additionalProperties errors; returns their paths."""
    dropped = []
    for error in errors:
        parent: Any = obj
        for part in error.absolute_path:
            parent = parent[part]
        for key in re.findall(r"'([^']+)'", error.message):
            if isinstance(parent, dict) and key in parent:
                del parent[key]
                dropped.append(field_path([*error.absolute_path, key]))
    return dropped


def schema_causes(rt: ResourceType, obj: dict[str, Any]) -> list[Cause]:
    """Violations of the official (strict) schema, at most five, in document order."""
    errors = sorted(_validator(rt.api_version, rt.kind).iter_errors(obj), key=_error_order)
    return [_cause_from_error(error) for error in errors[:5]]


@functools.cache
def _validator(api_version: str, kind: str) -> jsonschema.protocols.Validator:
    folder = f"kubernetes-json-schema/v{SCHEMA_VERSION}-local-strict"
    group_version = re.sub(r"^([^./]*)(?:\.[^/]*)?/", r"\1-", api_version)
    schema = schemas.schema_contents(
        f"{folder}/{kind.lower()}-{group_version}.json", SCHEMA_VERSION
    )
    registry = _definitions() @ (Resource.from_contents(schema) @ Registry())
    return jsonschema.validators.Draft202012Validator(schema, registry=registry)


@functools.cache
def _definitions() -> Resource:
    folder = f"kubernetes-json-schema/v{SCHEMA_VERSION}-local-strict"
    return Resource.from_contents(
        schemas.schema_contents(f"{folder}/_definitions.json", SCHEMA_VERSION)
    )


def _error_order(error: jsonschema.ValidationError) -> tuple[str, ...]:
    return tuple(str(part) for part in error.absolute_path)


def _cause_from_error(error: jsonschema.ValidationError) -> Cause:
    parts = list(error.absolute_path)
    quoted = re.findall(r"'([^']+)'", error.message)
    if error.validator == "required" and quoted:
        return ("FieldValueRequired", field_path([*parts, quoted[0]]), "Required value")
    if error.validator == "additionalProperties" and quoted:
        field = field_path([*parts, quoted[0]])
        return ("FieldValueForbidden", field, f'Forbidden: unknown field "{field}"')
    if error.validator == "enum":
        allowed = ", ".join(f'"{value}"' for value in error.validator_value if value is not None)
        message = f"Unsupported value: {_show(error.instance)}: supported values: {allowed}"
        return ("FieldValueNotSupported", field_path(parts), message)
    if error.validator in ("type", "oneOf"):
        expected = _expected_types(error)
        message = f"Invalid value: {_show(error.instance)}: must be of type {expected}"
        return ("FieldValueTypeInvalid", field_path(parts), message)
    return ("FieldValueInvalid", field_path(parts), f"Invalid value: {error.message}")


def _expected_types(error: jsonschema.ValidationError) -> str:
    value = error.validator_value
    if error.validator == "oneOf":
        types = [t for option in value for t in _as_list(option.get("type")) if t != "null"]
    else:
        types = [t for t in _as_list(value) if t != "null"]
    return " or ".join(dict.fromkeys(types)) or "unknown"


def _as_list(value: Any) -> list[Any]:
    return value if isinstance(value, list) else [value]


def _show(value: Any) -> str:
    if isinstance(value, str):
        return f'"{value}"'
    if isinstance(value, dict | list):
        return type(value).__name__
    return str(value).lower() if isinstance(value, bool) else str(value)


def metadata_causes(rt: ResourceType, obj: dict[str, Any]) -> list[Cause]:
    """Name and label rules every kind shares."""
    metadata = obj.get("metadata") or {}
    causes: list[Cause] = []
    name = metadata.get("name")
    if not name:
        causes.append(("FieldValueRequired", "metadata.name", "Required value: name is required"))
    else:
        pattern = _LABEL_NAMED_KINDS.get(rt.kind, DNS_SUBDOMAIN)
        limit = 63 if rt.kind in _LABEL_NAMED_KINDS else 253
        if len(name) > limit or not pattern.match(name):
            rule = (
                "RFC 1035 label"
                if pattern is DNS_1035_LABEL
                else "RFC 1123 " + ("label" if pattern is DNS_LABEL else "subdomain")
            )
            message = (
                f'Invalid value: "{name}": a lowercase {rule} must consist of lower case'
                " alphanumeric characters, '-' (or '.' for subdomains), must start and end with"
                f" an alphanumeric character and be at most {limit} characters"
            )
            causes.append(("FieldValueInvalid", "metadata.name", message))
    for key, value in (metadata.get("labels") or {}).items():
        if not is_qualified_name(key):
            causes.append(
                (
                    "FieldValueInvalid",
                    "metadata.labels",
                    f'Invalid value: "{key}": name part must'
                    " consist of alphanumeric characters, '-', '_' or '.', and must start and end"
                    " with an alphanumeric character",
                )
            )
        if len(value) > 63 or not LABEL_VALUE.match(value):
            causes.append(
                (
                    "FieldValueInvalid",
                    "metadata.labels",
                    f'Invalid value: "{value}": a valid'
                    " label must be an empty string or consist of alphanumeric characters, '-',"
                    " '_' or '.', and must start and end with an alphanumeric character",
                )
            )
    for key in metadata.get("annotations") or {}:
        if not is_qualified_name(key):
            causes.append(
                (
                    "FieldValueInvalid",
                    "metadata.annotations",
                    f'Invalid value: "{key}": name'
                    " part must consist of alphanumeric characters, '-', '_' or '.'",
                )
            )
    return causes
