"""Rollouts of a deployment: restart, roll back to an earlier revision, set an image."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from pydantic import Field

from tools.base import ToolError
from tools.context import ToolContext
from tools.k8s.clients import KubeApis, ObjectRef, call
from tools.k8s.common import (
    DeploymentArgs,
    KubeWriteTool,
    dry_run_param,
    resolve_namespace,
    view_deployment,
    where,
)
from tools.k8s.inspecting import read_deployment
from tools.k8s.status import choose_container, container_names, selector_string
from tools.kinds import Change
from tools.validation import (
    MENTIONED,
    MENTIONED_CONTAINER,
    MENTIONED_IMAGE,
    DnsLabel,
    ImageReference,
)

REVISION = "deployment.kubernetes.io/revision"
RESTARTED_AT = "kubectl.kubernetes.io/restartedAt"


def patch_deployment(
    apis: KubeApis, *, name: str, namespace: str, body: Any, dry_run: bool
) -> dict[str, Any]:
    """Patch a deployment (dict: strategic merge, list: JSON patch) and return the result."""
    ref = ObjectRef("deployment", apis.alias, name, namespace)
    patched = call(
        apis.apps.patch_namespaced_deployment,
        name,
        namespace,
        body,
        ref=ref,
        **dry_run_param(dry_run),
    )
    return apis.to_dict(patched)


class RestartDeployment(KubeWriteTool):
    name = "restart_deployment"
    description = (
        "Restart all pods of a deployment with a rolling restart (like kubectl rollout restart)."
    )
    Args = DeploymentArgs
    examples = (
        "restart the api deployment",
        "do a rolling restart of web in prod",
        "bounce worker in staging",
    )

    def change(self, args: DeploymentArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        stamp = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
        body = {"spec": {"template": {"metadata": {"annotations": {RESTARTED_AT: stamp}}}}}
        after = patch_deployment(
            apis, name=args.name, namespace=namespace, body=body, dry_run=dry_run
        )
        place = where(namespace, apis.alias)
        replicas = (after.get("spec") or {}).get("replicas", 1)
        note = " It has 0 replicas, so no pod restarts." if replicas == 0 else ""
        return Change(
            planned=f"Rolling restart of deployment {args.name} {place} ({replicas} pods).{note}",
            done=f"Restarted deployment {args.name} {place}: {replicas} pods roll over.{note}",
            diffs=[(f"deployment/{args.name}", view_deployment(before), view_deployment(after))],
            data={
                "name": args.name,
                "namespace": namespace,
                "cluster": apis.alias,
                "restarted_at": stamp,
            },
        )


class RollbackDeploymentArgs(DeploymentArgs):
    """Roll a deployment back to an earlier revision."""

    revision: int | None = Field(default=None, ge=1, le=1_000_000, json_schema_extra=MENTIONED)
    """Revision to go back to; omit for the previous one."""


def list_revisions(apis: KubeApis, *, deployment: dict[str, Any]) -> dict[int, dict[str, Any]]:
    """The deployment's ReplicaSets by revision number (its rollout history)."""
    meta = deployment["metadata"]
    ref = ObjectRef("replicaset", apis.alias, namespace=meta["namespace"])
    selector = selector_string((deployment.get("spec") or {}).get("selector"))
    found = call(
        apis.apps.list_namespaced_replica_set, meta["namespace"], label_selector=selector, ref=ref
    )
    history: dict[int, dict[str, Any]] = {}
    for rs in apis.to_dict(found).get("items") or []:
        rs_meta = rs.get("metadata") or {}
        if not any(o.get("uid") == meta.get("uid") for o in rs_meta.get("ownerReferences") or []):
            continue
        revision = (rs_meta.get("annotations") or {}).get(REVISION)
        if revision and str(revision).isdigit():
            history[int(revision)] = rs
    return history


def choose_revision(*, name: str, current: int, wanted: int | None, known: list[int]) -> int:
    """The revision to roll back to: the wanted one, else the newest before `current`."""
    known_text = ", ".join(map(str, sorted(known))) or "none"
    if wanted is None:
        earlier = [r for r in known if r < current]
        if not earlier:
            raise ToolError(
                f"deployment '{name}' has no earlier revision to roll back to "
                f"(current {current}; revisions: {known_text})"
            )
        return max(earlier)
    if wanted == current:
        raise ToolError(f"deployment '{name}' is already at revision {current}")
    if wanted not in known:
        raise ToolError(
            f"revision {wanted} of deployment '{name}' not found; revisions: {known_text}"
        )
    return wanted


class RollbackDeployment(KubeWriteTool):
    name = "rollback_deployment"
    description = (
        "Roll a deployment back to its previous (or a given) revision, like kubectl rollout undo."
    )
    Args = RollbackDeploymentArgs
    examples = (
        "roll back checkout in prod",
        "undo the last rollout of web",
        "roll api back to revision 3",
    )

    def change(self, args: RollbackDeploymentArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        history = list_revisions(apis, deployment=before)
        annotated = ((before.get("metadata") or {}).get("annotations") or {}).get(REVISION, "")
        current = int(annotated) if str(annotated).isdigit() else max(history, default=0)
        revision = choose_revision(
            name=args.name, current=current, wanted=args.revision, known=list(history)
        )
        template = copy.deepcopy((history[revision].get("spec") or {}).get("template") or {})
        labels = (template.get("metadata") or {}).get("labels") or {}
        labels.pop("pod-template-hash", None)
        body = [{"op": "replace", "path": "/spec/template", "value": template}]
        after = patch_deployment(
            apis, name=args.name, namespace=namespace, body=body, dry_run=dry_run
        )
        images = ", ".join(
            c.get("image", "?") for c in (template.get("spec") or {}).get("containers") or []
        )
        place = where(namespace, apis.alias)
        return Change(
            planned=f"Roll back deployment {args.name} {place} from revision {current} "
            f"to {revision} ({images}).",
            done=f"Rolled back deployment {args.name} {place} to revision {revision} ({images}).",
            diffs=[(f"deployment/{args.name}", view_deployment(before), view_deployment(after))],
            data={
                "name": args.name,
                "namespace": namespace,
                "cluster": apis.alias,
                "from_revision": current,
                "to_revision": revision,
                "images": images.split(", "),
            },
        )


class SetImageArgs(DeploymentArgs):
    """Change the image of one container of a deployment (starts a rollout)."""

    image: ImageReference = Field(json_schema_extra=MENTIONED_IMAGE)
    """New image, e.g. "ghcr.io/acme/web:1.4.2"."""
    container: DnsLabel | None = Field(default=None, json_schema_extra=MENTIONED_CONTAINER)
    """Container to change; omit when the deployment has a single container."""


class SetImage(KubeWriteTool):
    name = "set_image"
    description = "Change a deployment's container image, which rolls out new pods."
    Args = SetImageArgs
    examples = (
        "update web to nginx:1.27.1",
        "set the image of api in prod to ghcr.io/acme/api:2.4.0",
        "change the sidecar container of worker to envoyproxy/envoy:v1.31.0",
    )

    def change(self, args: SetImageArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        before = read_deployment(apis, name=args.name, namespace=namespace)
        owner = f"deployment '{args.name}'"
        container = choose_container(container_names(before), args.container, owner=owner)
        containers = before["spec"]["template"]["spec"]["containers"]
        old_image = next(c.get("image") for c in containers if c.get("name") == container)
        place = where(namespace, apis.alias)
        of = f" (container {container})" if container != args.name else ""
        data = {
            "name": args.name,
            "namespace": namespace,
            "cluster": apis.alias,
            "container": container,
            "from_image": old_image,
            "image": args.image,
        }
        if old_image == args.image:
            same = f"Deployment {args.name} {place} already runs {args.image}; nothing to change."
            return Change(planned=same, done=same, data={**data, "changed": False})
        body = {
            "spec": {
                "template": {"spec": {"containers": [{"name": container, "image": args.image}]}}
            }
        }
        after = patch_deployment(
            apis, name=args.name, namespace=namespace, body=body, dry_run=dry_run
        )
        return Change(
            planned=f"Set image of deployment {args.name}{of} {place} to {args.image}.",
            done=f"Set image of deployment {args.name}{of} {place} to {args.image}.",
            diffs=[(f"deployment/{args.name}", view_deployment(before), view_deployment(after))],
            data={**data, "changed": True},
        )
