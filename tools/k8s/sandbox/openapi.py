"""A minimal OpenAPI v2 document, in JSON and in gnostic protobuf, for kubectl.

kubectl 1.20 downloads /openapi/v2 (protobuf only) before `apply`, `create -f`, `edit`,
`diff` and any `--dry-run=server`: it checks that each kind's PATCH operation takes a
`dryRun` parameter. Without schema definitions kubectl skips client-side validation
(the server validates anyway) and builds patches from its own built-in types.
"""

from __future__ import annotations

import functools
import json
from typing import Any

from tools.k8s.sandbox.resources import RESOURCE_TYPES, ResourceType
from tools.k8s.sandbox.validation import SCHEMA_VERSION

GVK_EXTENSION = "x-kubernetes-group-version-kind"
QUERY_PARAMETERS = ("dryRun", "fieldValidation", "fieldManager")


def item_path(rt: ResourceType) -> str:
    """The URL template of one object of `rt`."""
    prefix = f"/apis/{rt.group}/{rt.version}" if rt.group else "/api/v1"
    scope = "/namespaces/{namespace}" if rt.namespaced else ""
    return f"{prefix}{scope}/{rt.plural}/{{name}}"


def _gvk_yaml(rt: ResourceType) -> str:
    return f"group: {rt.group!r}\nkind: {rt.kind}\nversion: {rt.version}\n"


@functools.cache
def openapi_json() -> bytes:
    """The document as Swagger 2.0 JSON."""
    paths: dict[str, Any] = {}
    for rt in RESOURCE_TYPES:
        paths[item_path(rt)] = {
            "patch": {
                "operationId": f"patch{rt.kind}",
                "parameters": [
                    {"name": name, "in": "query", "type": "string", "uniqueItems": True}
                    for name in QUERY_PARAMETERS
                ],
                "responses": {"200": {"description": "OK"}},
                GVK_EXTENSION: {"group": rt.group, "kind": rt.kind, "version": rt.version},
            }
        }
    document = {
        "swagger": "2.0",
        "info": {"title": "Kubernetes", "version": f"v{SCHEMA_VERSION}"},
        "paths": paths,
        "definitions": {},
    }
    return json.dumps(document).encode()


@functools.cache
def openapi_protobuf() -> bytes:
    """The same document as a gnostic `openapi.v2.Document` protobuf message."""
    path_items = []
    for rt in RESOURCE_TYPES:
        parameters = [_query_parameter(name) for name in QUERY_PARAMETERS]
        extension = _message((1, GVK_EXTENSION), (2, _message((2, _gvk_yaml(rt)))))
        operation = _message(
            (5, f"patch{rt.kind}"), *[(8, parameter) for parameter in parameters], (13, extension)
        )
        path_items.append(_message((1, item_path(rt)), (2, _message((8, operation)))))
    info = _message((1, "Kubernetes"), (2, f"v{SCHEMA_VERSION}"))
    paths = _message(*[(2, item) for item in path_items])
    return _message((1, "2.0"), (2, info), (8, paths))


def _query_parameter(name: str) -> bytes:
    """ParametersItem{parameter: Parameter{non_body: NonBodyParameter{query: ...}}}."""
    query = _message((2, "query"), (4, name), (6, "string"), (20, True))
    non_body = _message((3, query))
    parameter = _message((2, non_body))
    return _message((1, parameter))


def _varint(value: int) -> bytes:
    out = bytearray()
    while True:
        byte, value = value & 0x7F, value >> 7
        out.append(byte | (0x80 if value else 0))
        if not value:
            return bytes(out)


def _message(*fields: tuple[int, bytes | str | bool]) -> bytes:
    """Protobuf wire encoding of (field number, value) pairs: bytes/str/bool only."""
    out = bytearray()
    for number, value in fields:
        if isinstance(value, bool):
            out += _varint(number << 3) + _varint(int(value))
            continue
        payload = value.encode() if isinstance(value, str) else value
        out += _varint(number << 3 | 2) + _varint(len(payload)) + payload
    return bytes(out)
