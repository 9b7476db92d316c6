"""API rules the JSON schemas cannot express, per kind (worded like the API server)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

from tools.k8s.sandbox.naming import CONFIG_KEY
from tools.k8s.sandbox.pod_rules import check_pod_spec, without_images
from tools.k8s.sandbox.selectors import matches_label_selector

Cause = tuple[str, str, str]

_REQUIRED = "FieldValueRequired"
_INVALID = "FieldValueInvalid"
_POD_UPDATE_FORBIDDEN = (
    "Forbidden: pod updates may not change fields other than `spec.containers[*].image`,"
    "`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations`"
)


def check_kind_rules(kind: str, obj: dict[str, Any], old: dict[str, Any] | None) -> list[Cause]:
    """All rule violations of `obj` (an update when `old` is given)."""
    spec = obj.get("spec") or {}
    if kind in ("Deployment", "ReplicaSet"):
        return _workload(kind, spec, (old or {}).get("spec"))
    if kind == "Pod":
        causes = check_pod_spec(spec, ("spec",), workload=False)
        if old is not None and without_images(spec) != without_images(old.get("spec") or {}):
            causes.append(("FieldValueForbidden", "spec", _POD_UPDATE_FORBIDDEN))
        return causes
    if kind == "Service":
        return _service(spec, (old or {}).get("spec"))
    if kind == "ConfigMap":
        return _config_keys(obj, binary=False)
    if kind == "Secret":
        return _config_keys(obj, binary=True)
    if kind == "HorizontalPodAutoscaler":
        return _hpa(spec)
    return []


def _workload(kind: str, spec: dict[str, Any], old_spec: dict[str, Any] | None) -> list[Cause]:
    causes: list[Cause] = []
    if spec.get("replicas", 0) < 0:
        causes.append(
            (
                _INVALID,
                "spec.replicas",
                f"Invalid value: {spec['replicas']}: must be greater than or equal to 0",
            )
        )
    selector = spec.get("selector") or {}
    labels = ((spec.get("template") or {}).get("metadata") or {}).get("labels") or {}
    if not selector.get("matchLabels") and not selector.get("matchExpressions"):
        causes.append(("FieldValueRequired", "spec.selector", "Required value"))
    elif not labels or not matches_label_selector(selector, labels):
        causes.append(
            (
                _INVALID,
                "spec.template.metadata.labels",
                f"Invalid value: {labels}: `selector` does not match template `labels`",
            )
        )
    if old_spec is not None and old_spec.get("selector") != spec.get("selector"):
        causes.append((_INVALID, "spec.selector", "Invalid value: field is immutable"))
    if kind == "Deployment":
        causes += _strategy(spec.get("strategy") or {})
    pod_spec = (spec.get("template") or {}).get("spec") or {}
    causes += check_pod_spec(pod_spec, ("spec", "template", "spec"), workload=True)
    return causes


def _strategy(strategy: dict[str, Any]) -> list[Cause]:
    rolling = strategy.get("rollingUpdate")
    if strategy.get("type") not in ("Recreate", "RollingUpdate"):
        return [
            (
                "FieldValueNotSupported",
                "spec.strategy.type",
                f'Unsupported value: "{strategy.get("type")}": supported values: "Recreate",'
                ' "RollingUpdate"',
            )
        ]
    if strategy.get("type") == "Recreate" and rolling:
        return [
            (
                "FieldValueForbidden",
                "spec.strategy.rollingUpdate",
                "Forbidden: may not be specified when strategy `type` is 'Recreate'",
            )
        ]
    if not rolling:
        return []
    causes: list[Cause] = []
    for field in ("maxSurge", "maxUnavailable"):
        value = rolling.get(field)
        if isinstance(value, str) and not (value.endswith("%") and value[:-1].isdigit()):
            causes.append(
                (
                    _INVALID,
                    f"spec.strategy.rollingUpdate.{field}",
                    f'Invalid value: "{value}":'
                    " a valid percent string must be a numeric string followed by an ending '%'",
                )
            )
    if str(rolling.get("maxSurge")) in ("0", "0%") and str(rolling.get("maxUnavailable")) in (
        "0",
        "0%",
    ):
        causes.append(
            (
                _INVALID,
                "spec.strategy.rollingUpdate.maxUnavailable",
                "Invalid value: 0: may not be 0 when `maxSurge` is 0",
            )
        )
    return causes


def _service(spec: dict[str, Any], old_spec: dict[str, Any] | None) -> list[Cause]:
    causes: list[Cause] = []
    ports = spec.get("ports") or []
    if not ports and spec.get("type") != "ExternalName" and spec.get("clusterIP") != "None":
        causes.append((_REQUIRED, "spec.ports", "Required value"))
    names: set[str] = set()
    for index, port in enumerate(ports):
        number = port.get("port")
        if not isinstance(number, int) or not 1 <= number <= 65535:
            causes.append(
                (
                    _INVALID,
                    f"spec.ports[{index}].port",
                    f"Invalid value: {number}: must be between 1 and 65535, inclusive",
                )
            )
        target = port.get("targetPort")
        if isinstance(target, int) and not 1 <= target <= 65535:
            causes.append(
                (
                    _INVALID,
                    f"spec.ports[{index}].targetPort",
                    f"Invalid value: {target}: must be between 1 and 65535, inclusive",
                )
            )
        name = port.get("name") or ""
        if len(ports) > 1 and not name:
            causes.append((_REQUIRED, f"spec.ports[{index}].name", "Required value"))
        elif name in names:
            causes.append(
                ("FieldValueDuplicate", f"spec.ports[{index}].name", f'Duplicate value: "{name}"')
            )
        names.add(name)
    old_ip = (old_spec or {}).get("clusterIP")
    if old_ip and spec.get("clusterIP") and spec["clusterIP"] != old_ip:
        causes.append(
            (
                _INVALID,
                "spec.clusterIP",
                f'Invalid value: "{spec["clusterIP"]}": field is immutable',
            )
        )
    return causes


def _config_keys(obj: dict[str, Any], *, binary: bool) -> list[Cause]:
    causes: list[Cause] = []
    for section in ("data", "binaryData"):
        for key, value in (obj.get(section) or {}).items():
            if not CONFIG_KEY.match(key) or len(key) > 253:
                causes.append(
                    (
                        _INVALID,
                        f"{section}[{key}]",
                        f'Invalid value: "{key}": a valid config key'
                        " must consist of alphanumeric characters, '-', '_' or '.'",
                    )
                )
            if binary and section == "data" and not _is_base64(value):
                causes.append((_INVALID, f"data[{key}]", "Invalid value: illegal base64 data"))
    return causes


def _is_base64(value: Any) -> bool:
    try:
        base64.b64decode(str(value), validate=True)
    except (binascii.Error, ValueError):
        return False
    return True


def _hpa(spec: dict[str, Any]) -> list[Cause]:
    causes: list[Cause] = []
    target = spec.get("scaleTargetRef") or {}
    for field in ("kind", "name"):
        if not target.get(field):
            causes.append((_REQUIRED, f"spec.scaleTargetRef.{field}", "Required value"))
    low, high = spec.get("minReplicas", 1), spec.get("maxReplicas", 0)
    if low < 1:
        causes.append(
            (
                _INVALID,
                "spec.minReplicas",
                f"Invalid value: {low}: must be greater than or equal to 1",
            )
        )
    if high < low:
        causes.append(
            (
                _INVALID,
                "spec.maxReplicas",
                f"Invalid value: {high}: must be greater than or equal to `minReplicas`",
            )
        )
    for index, metric in enumerate(spec.get("metrics") or []):
        utilization = (((metric.get("resource") or {}).get("target")) or {}).get(
            "averageUtilization"
        )
        if utilization is not None and utilization <= 0:
            causes.append(
                (
                    _INVALID,
                    f"spec.metrics[{index}].resource.target.averageUtilization",
                    f"Invalid value: {utilization}: must be greater than 0",
                )
            )
    return causes
