"""Namespaces: create one (idempotent: an existing namespace is reported, not an error)."""

from __future__ import annotations

from typing import Any

from pydantic import Field

from tools.base import Target
from tools.context import ToolContext
from tools.k8s.clients import ObjectRef, call, call_or_none
from tools.k8s.common import ClusterArgs, KubeWriteTool, drop_empty, dry_run_param, resolve_cluster
from tools.k8s.manifests import MANAGED_BY
from tools.kinds import Change
from tools.validation import MENTIONED, DnsLabel


class CreateNamespaceArgs(ClusterArgs):
    """Create a namespace."""

    name: DnsLabel = Field(json_schema_extra=MENTIONED)
    """Name of the new namespace, e.g. "team-payments"."""


def view_namespace(obj: dict[str, Any] | None) -> dict[str, Any] | None:
    """Name and labels of a namespace."""
    if obj is None:
        return None
    meta = obj.get("metadata") or {}
    return drop_empty({"name": meta.get("name"), "labels": meta.get("labels")})


class CreateNamespace(KubeWriteTool):
    name = "create_namespace"
    description = "Create a namespace on a cluster."
    Args = CreateNamespaceArgs
    examples = (
        "create a namespace called team-payments",
        "make a new namespace qa on eu-west",
        "I need a sandbox namespace named demo-2",
    )

    def target(self, args: CreateNamespaceArgs, ctx: ToolContext) -> Target:
        return Target(kind="kubernetes", scope=resolve_cluster(args, ctx), namespace=args.name)

    def change(self, args: CreateNamespaceArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        ref = ObjectRef("namespace", apis.alias, args.name)
        data: dict[str, Any] = {"name": args.name, "cluster": apis.alias}
        if call_or_none(apis.core.read_namespace, args.name, ref=ref) is not None:
            same = f"Namespace {args.name} already exists on {apis.alias}; nothing to do."
            return Change(planned=same, done=same, data={**data, "created": False})
        body = {
            "apiVersion": "v1",
            "kind": "Namespace",
            "metadata": {"name": args.name, "labels": dict(MANAGED_BY)},
        }
        made = apis.to_dict(
            call(apis.core.create_namespace, body, ref=ref, **dry_run_param(dry_run))
        )
        return Change(
            planned=f"Create namespace {args.name} on {apis.alias}.",
            done=f"Created namespace {args.name} on {apis.alias}.",
            diffs=[(f"namespace/{args.name}", None, view_namespace(made))],
            data={**data, "created": True},
        )
