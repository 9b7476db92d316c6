"""Server-side printing: `meta.k8s.io/v1 Table` answers, which `kubectl get` asks for.

Columns follow the API server's printers, so `kubectl get deploy -A` looks as usual.
"""

from __future__ import annotations

from typing import Any

from tools.k8s.sandbox.printers import DEFAULT_COLUMNS, PRINTERS, default_row
from tools.k8s.sandbox.resources import ResourceType


def to_table(
    rt: ResourceType,
    objs: list[dict[str, Any]],
    *,
    now: float,
    resource_version: str,
    include_object: str = "Metadata",
) -> dict[str, Any]:
    """A Table of `objs` with the kind's columns; rows carry metadata for -A and names."""
    columns, row = PRINTERS.get(rt.kind, (DEFAULT_COLUMNS, default_row))
    rows = []
    for obj in objs:
        entry: dict[str, Any] = {"cells": row(obj, now)}
        if include_object == "Object":
            entry["object"] = obj
        elif include_object != "None":
            entry["object"] = {
                "kind": "PartialObjectMetadata",
                "apiVersion": "meta.k8s.io/v1",
                "metadata": obj["metadata"],
            }
        rows.append(entry)
    return {
        "kind": "Table",
        "apiVersion": "meta.k8s.io/v1",
        "metadata": {"resourceVersion": resource_version},
        "columnDefinitions": [
            {
                "name": name,
                "type": kind,
                "format": "name" if name == "Name" else "",
                "description": name,
                "priority": priority,
            }
            for name, kind, priority in columns
        ],
        "rows": rows,
    }
