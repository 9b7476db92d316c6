"""The three PATCH flavours: strategic merge patch, JSON merge patch and JSON patch.

Strategic merge patch merges lists of objects by a key, as the API server does for the
fields tools touch: containers and volumes by name, env by name, container ports by
containerPort, service ports by port, ... Directives `$patch` (replace/delete),
`$setElementOrder/...`, `$deleteFromPrimitiveList/...` and `$retainKeys` are honoured.
"""

from __future__ import annotations

import json
from typing import Any

import jsonpatch
import yaml

from tools.k8s.sandbox.errors import BadRequest, Invalid, UnsupportedMediaType
from tools.k8s.sandbox.store import clone

STRATEGIC = "application/strategic-merge-patch+json"
MERGE = "application/merge-patch+json"
JSON_PATCH = "application/json-patch+json"
APPLY = "application/apply-patch+yaml"

# Lists of objects merged by key (patchMergeKey in the Kubernetes API types).
MERGE_KEYS: dict[str, str] = {
    "containers": "name",
    "initContainers": "name",
    "ephemeralContainers": "name",
    "env": "name",
    "volumes": "name",
    "volumeMounts": "mountPath",
    "volumeDevices": "devicePath",
    "imagePullSecrets": "name",
    "conditions": "type",
    "taints": "key",
    "hostAliases": "ip",
    "topologySpreadConstraints": "topologyKey",
    "ownerReferences": "uid",
    "addresses": "type",
}
# Lists of scalars merged as sets (patchStrategy merge).
PRIMITIVE_SET_LISTS = frozenset({"finalizers"})


def apply_patch(*, content_type: str, original: dict[str, Any], body: bytes) -> dict[str, Any]:
    """The object after applying `body` (of `content_type`) to `original` (not modified)."""
    media = content_type.split(";")[0].strip().lower()
    if media not in (STRATEGIC, MERGE, JSON_PATCH):
        raise UnsupportedMediaType(
            "the body of the request was in an unknown format - accepted media types include:"
            f" {JSON_PATCH}, {MERGE}, {STRATEGIC}, {APPLY}"
        )
    try:
        patch = json.loads(body or b"null")
    except ValueError as exc:
        raise BadRequest(f"error decoding patch: {exc}") from None
    if media == JSON_PATCH:
        return apply_json_patch(original, patch)
    if not isinstance(patch, dict):
        raise BadRequest("a merge patch must be a JSON object")
    if media == MERGE:
        return merge_patch(original, patch)
    return strategic_merge(original, patch)


def is_apply(content_type: str) -> bool:
    """Whether the PATCH is a server-side apply."""
    return content_type.split(";")[0].strip().lower() == APPLY


def parse_apply(body: bytes, *, field_manager: str | None) -> dict[str, Any]:
    """The object of a server-side apply (YAML or JSON); fieldManager is required."""
    if not field_manager:
        raise Invalid(
            'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required'
            " for apply patch"
        )
    try:
        applied = yaml.safe_load(body or b"")
    except yaml.YAMLError as exc:
        raise BadRequest(f"error decoding YAML: {exc}") from None
    if not isinstance(applied, dict):
        raise BadRequest("an apply patch must be an object")
    return applied


def apply_json_patch(original: dict[str, Any], patch: Any) -> dict[str, Any]:
    """RFC 6902; a failing operation is a 422 that quotes the operation's error."""
    if not isinstance(patch, list):
        raise BadRequest("a JSON patch must be a list of operations")
    try:
        result = jsonpatch.JsonPatch(patch).apply(clone(original))
    except (jsonpatch.JsonPatchException, jsonpatch.JsonPointerException) as exc:
        raise Invalid(f"the JSON patch does not apply: {exc}") from None
    except (TypeError, KeyError, AttributeError) as exc:
        raise BadRequest(f"malformed JSON patch: {exc}") from None
    if not isinstance(result, dict):
        raise Invalid("the JSON patch must leave an object")
    return result


def merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386: objects merge recursively, null deletes, anything else replaces."""
    if not isinstance(patch, dict):
        return clone(patch)
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def strategic_merge(original: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any]:
    """Kubernetes strategic merge patch of `patch` onto `original`."""
    merged = _merge_map(clone(original), patch)
    return merged if merged is not None else {}


def _merge_map(original: dict[str, Any], patch: dict[str, Any]) -> dict[str, Any] | None:
    directive = patch.get("$patch")
    if directive == "delete":
        return None
    if directive == "replace":
        return _strip(patch)
    result = dict(original)
    for key, value in patch.items():
        if key in ("$patch", "$retainKeys") or key.startswith("$setElementOrder/"):
            continue
        if key.startswith("$deleteFromPrimitiveList/"):
            field = key.partition("/")[2]
            result[field] = [item for item in result.get(field) or [] if item not in value]
            continue
        if value is None:
            result.pop(key, None)
        elif isinstance(value, dict):
            current = result.get(key)
            merged = _merge_map(current if isinstance(current, dict) else {}, value)
            if merged is None:
                result.pop(key, None)
            else:
                result[key] = merged
        elif isinstance(value, list):
            result[key] = _merge_list(key, result.get(key) or [], value)
        else:
            result[key] = value
    if isinstance(patch.get("$retainKeys"), list):
        keep = set(patch["$retainKeys"])
        result = {key: value for key, value in result.items() if key in keep}
    for key, order in patch.items():
        if key.startswith("$setElementOrder/") and isinstance(order, list):
            field = key.partition("/")[2]
            if isinstance(result.get(field), list):
                result[field] = _reorder(field, result[field], order)
    return result


def _merge_key(field: str, original: list[Any], patch: list[Any]) -> str | None:
    if field == "ports":
        sample = [item for item in [*patch, *original] if isinstance(item, dict)]
        return "containerPort" if any("containerPort" in item for item in sample) else "port"
    return MERGE_KEYS.get(field)


def _merge_list(field: str, original: list[Any], patch: list[Any]) -> list[Any]:
    if any(isinstance(item, dict) and item.get("$patch") == "replace" for item in patch):
        return [_strip(item) for item in patch if not (isinstance(item, dict) and "$patch" in item)]
    if field in PRIMITIVE_SET_LISTS:
        return list(original) + [item for item in patch if item not in original]
    key = _merge_key(field, original, patch)
    if key is None or not all(isinstance(item, dict) for item in [*original, *patch]):
        return _strip(patch)
    result = [dict(item) for item in original]
    for item in patch:
        index = next((i for i, have in enumerate(result) if have.get(key) == item.get(key)), None)
        if item.get("$patch") == "delete":
            if index is not None:
                result.pop(index)
            continue
        if index is None:
            result.append(_strip(item))
        else:
            merged = _merge_map(result[index], item)
            if merged is not None:
                result[index] = merged
    return result


def _reorder(field: str, items: list[Any], order: list[Any]) -> list[Any]:
    key = _merge_key(field, items, order)
    if key is None:
        ranked = [item for item in order if item in items]
        return ranked + [item for item in items if item not in ranked]
    wanted = [entry.get(key) for entry in order if isinstance(entry, dict)]
    position = {value: rank for rank, value in enumerate(wanted)}
    return sorted(items, key=lambda item: position.get(item.get(key), len(position)))


def _strip(value: Any) -> Any:
    """A copy without `$`-directives (new values never keep them)."""
    if isinstance(value, dict):
        return {key: _strip(item) for key, item in value.items() if not key.startswith("$")}
    if isinstance(value, list):
        return [_strip(item) for item in value]
    return value
