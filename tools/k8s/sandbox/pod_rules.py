"""API rules for pod specs (pods and workload templates): containers, ports, env, resources."""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.naming import ENV_NAME, field_path, is_dns_label
from tools.k8s.sandbox.quantities import parse_quantity

Cause = tuple[str, str, str]

_REQUIRED = "FieldValueRequired"
_INVALID = "FieldValueInvalid"


def check_pod_spec(spec: dict[str, Any], at: tuple[Any, ...], *, workload: bool) -> list[Cause]:
    """Rule violations of a pod spec found at field path `at`."""
    causes: list[Cause] = []
    containers = spec.get("containers") or []
    if not containers:
        causes.append((_REQUIRED, field_path([*at, "containers"]), "Required value"))
    if workload and spec.get("restartPolicy", "Always") != "Always":
        causes.append(
            (
                "FieldValueNotSupported",
                field_path([*at, "restartPolicy"]),
                f'Unsupported value: "{spec["restartPolicy"]}": supported values: "Always"',
            )
        )
    seen: set[str] = set()
    for group in ("initContainers", "containers"):
        for index, container in enumerate(spec.get(group) or []):
            where = (*at, group, index)
            name = container.get("name")
            if not is_dns_label(name):
                causes.append(
                    (
                        _INVALID,
                        field_path([*where, "name"]),
                        f'Invalid value: "{name}": a'
                        " lowercase RFC 1123 label must consist of lower case alphanumeric"
                        " characters or '-', and must start and end with an alphanumeric character",
                    )
                )
            elif name in seen:
                causes.append(
                    (
                        "FieldValueDuplicate",
                        field_path([*where, "name"]),
                        f'Duplicate value: "{name}"',
                    )
                )
            seen.add(name or "")
            causes += _container(container, where)
    return causes


def _container(container: dict[str, Any], where: tuple[Any, ...]) -> list[Cause]:
    causes: list[Cause] = []
    image = container.get("image")
    if not image or not str(image).strip():
        causes.append((_REQUIRED, field_path([*where, "image"]), "Required value"))
    elif str(image) != str(image).strip() or " " in str(image):
        causes.append(
            (
                _INVALID,
                field_path([*where, "image"]),
                f'Invalid value: "{image}": must not have leading or trailing whitespace',
            )
        )
    for index, port in enumerate(container.get("ports") or []):
        number = port.get("containerPort")
        if not isinstance(number, int) or not 1 <= number <= 65535:
            causes.append(
                (
                    _INVALID,
                    field_path([*where, "ports", index, "containerPort"]),
                    f"Invalid value: {number}: must be between 1 and 65535, inclusive",
                )
            )
    for index, env in enumerate(container.get("env") or []):
        name = env.get("name", "")
        if not ENV_NAME.match(name):
            causes.append(
                (
                    _INVALID,
                    field_path([*where, "env", index, "name"]),
                    f'Invalid value: "{name}":'
                    " a valid environment variable name must consist of alphabetic characters,"
                    " digits, '_', '-', or '.', and must not start with a digit",
                )
            )
        if env.get("value") and env.get("valueFrom"):
            causes.append(
                (
                    _INVALID,
                    field_path([*where, "env", index, "valueFrom"]),
                    "Invalid value: may not be specified when `value` is not empty",
                )
            )
    return causes + _resources(container.get("resources") or {}, (*where, "resources"))


def _resources(resources: dict[str, Any], where: tuple[Any, ...]) -> list[Cause]:
    causes: list[Cause] = []
    parsed: dict[str, dict[str, Any]] = {"requests": {}, "limits": {}}
    for section in ("requests", "limits"):
        for resource, text in (resources.get(section) or {}).items():
            value = parse_quantity(text)
            field = field_path([*where, section, resource])
            if value is None:
                causes.append(
                    (
                        _INVALID,
                        field,
                        f'Invalid value: "{text}": quantities must match the'
                        " regular expression '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'",
                    )
                )
            elif value < 0:
                causes.append(
                    (
                        _INVALID,
                        field,
                        f'Invalid value: "{text}": must be greater than or equal to 0',
                    )
                )
            else:
                parsed[section][resource] = (value, text)
    for resource, (request, text) in parsed["requests"].items():
        limit = parsed["limits"].get(resource)
        if limit is not None and request > limit[0]:
            causes.append(
                (
                    _INVALID,
                    field_path([*where, "requests"]),
                    f'Invalid value: "{text}": must be'
                    f" less than or equal to {resource} limit of {limit[1]}",
                )
            )
    return causes


def without_images(spec: dict[str, Any]) -> dict[str, Any]:
    """A pod spec minus the fields a pod update may change (images, deadlines)."""
    stripped = {
        key: value
        for key, value in spec.items()
        if key not in ("activeDeadlineSeconds", "tolerations")
    }
    for group in ("containers", "initContainers"):
        stripped[group] = [
            {key: value for key, value in container.items() if key != "image"}
            for container in spec.get(group) or []
        ]
    return stripped
