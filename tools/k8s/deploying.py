"""Deploying: an application from an image, or a ready service from a small catalog.

Deploy tools create; they never overwrite a running workload (a chat "deploy web" must
not silently replace production): changing one goes through set_image, set_env,
set_resources or scale_deployment.
"""

from __future__ import annotations

from typing import Annotated, Any

from pydantic import Field, model_validator

from tools.base import ToolError
from tools.context import ToolContext
from tools.k8s.clients import AlreadyExists, KubeApis, ObjectRef, call, call_or_none
from tools.k8s.common import (
    KubeWriteTool,
    NamespacedArgs,
    dry_run_param,
    resolve_namespace,
    view_deployment,
    view_service,
    where,
)
from tools.k8s.manifests import (
    build_deployment,
    build_env,
    build_resources,
    build_service,
)
from tools.kinds import Change
from tools.validation import (
    MENTIONED,
    MENTIONED_IMAGE,
    NEEDS,
    CpuQuantity,
    EnvDict,
    ImageReference,
    MemoryQuantity,
    ServiceName,
    check_request_within_limit,
    mentioned_with_unit,
)

Port = Annotated[int, Field(ge=1, le=65535, json_schema_extra=mentioned_with_unit("port"))]


class DeployAppArgs(NamespacedArgs):
    """Deploy an application from a container image."""

    name: ServiceName = Field(json_schema_extra=MENTIONED)
    """Name of the new deployment (and of its Service when exposed)."""
    image: ImageReference = Field(json_schema_extra=MENTIONED_IMAGE)
    """Container image, e.g. "nginx:1.27" or "ghcr.io/acme/api:2.3.1"."""
    replicas: int = Field(
        default=1, ge=1, le=100, json_schema_extra=mentioned_with_unit("replicas")
    )
    """Number of pods."""
    ports: list[Port] = Field(default_factory=list, max_length=10)
    """Container ports to open (TCP), e.g. [8080]."""
    env: EnvDict = Field(default_factory=dict)
    """Environment variables, name -> value."""
    cpu_request: CpuQuantity | None = None
    """CPU the pod is guaranteed, e.g. "250m"."""
    cpu_limit: CpuQuantity | None = None
    """CPU ceiling, e.g. "1"."""
    memory_request: MemoryQuantity | None = None
    """Memory the pod is guaranteed, e.g. "512Mi"."""
    memory_limit: MemoryQuantity | None = None
    """Memory ceiling (the pod is killed above it), e.g. "1Gi"."""
    expose: bool = Field(default=False, json_schema_extra={NEEDS: "ports"})
    """Also create a ClusterIP Service on the ports."""

    @model_validator(mode="after")
    def _consistent(self) -> DeployAppArgs:
        if len(set(self.ports)) != len(self.ports):
            raise ValueError("ports must not repeat")
        if self.expose and not self.ports:
            raise ValueError("expose needs at least one port")
        check_request_within_limit(kind="cpu", request=self.cpu_request, limit=self.cpu_limit)
        check_request_within_limit(
            kind="memory", request=self.memory_request, limit=self.memory_limit
        )
        return self


def create_workload(
    apis: KubeApis,
    *,
    deployment: dict[str, Any],
    service: dict[str, Any] | None,
    dry_run: bool,
    secret: dict[str, Any] | None = None,
) -> list[tuple[str, Any, Any]]:
    """Create (or dry-run) a deployment, its Service and Secret; refuse to overwrite."""
    name, namespace = deployment["metadata"]["name"], deployment["metadata"]["namespace"]
    ref = ObjectRef("deployment", apis.alias, name, namespace)
    if call_or_none(apis.apps.read_namespaced_deployment, name, namespace, ref=ref) is not None:
        raise AlreadyExists(
            f"deployment '{name}' already exists {where(namespace, apis.alias)}; change it with "
            "set_image, set_env, set_resources or scale_deployment, or delete it first"
        )
    service_ref = ObjectRef("service", apis.alias, name, namespace)
    if service and call_or_none(
        apis.core.read_namespaced_service, name, namespace, ref=service_ref
    ):
        raise AlreadyExists(f"service '{name}' already exists {where(namespace, apis.alias)}")
    diffs: list[tuple[str, Any, Any]] = []
    if secret is not None:
        secret_name = secret["metadata"]["name"]
        secret_ref = ObjectRef("secret", apis.alias, secret_name, namespace)
        if (
            call_or_none(apis.core.read_namespaced_secret, secret_name, namespace, ref=secret_ref)
            is None
        ):
            call(
                apis.core.create_namespaced_secret,
                namespace,
                secret,
                ref=secret_ref,
                **dry_run_param(dry_run),
            )
            keys = sorted(secret.get("stringData") or {})
            diffs.append((f"secret/{secret_name}", None, {"name": secret_name, "keys": keys}))
    created = call(
        apis.apps.create_namespaced_deployment,
        namespace,
        deployment,
        ref=ref,
        **dry_run_param(dry_run),
    )
    diffs.append((f"deployment/{name}", None, view_deployment(apis.to_dict(created))))
    if service is not None:
        try:
            made = call(
                apis.core.create_namespaced_service,
                namespace,
                service,
                ref=service_ref,
                **dry_run_param(dry_run),
            )
        except ToolError as exc:
            done = "" if dry_run else f"deployment '{name}' was created, but "
            raise ToolError(f"{done}the service failed: {exc}") from None
        diffs.append((f"service/{name}", None, view_service(apis.to_dict(made))))
    return diffs


class DeployApp(KubeWriteTool):
    name = "deploy_app"
    description = (
        "Deploy a new app from an image: replicas, ports, env, CPU/memory, optional Service."
    )
    Args = DeployAppArgs
    examples = (
        "deploy ghcr.io/acme/api:2.3.1 as api with 3 replicas on port 8080",
        "run nginx:1.27 called frontend in staging and expose port 80",
        "deploy myorg/worker:1.0 as worker with 2GB memory and 500m cpu, env QUEUE=jobs",
    )

    def change(self, args: DeployAppArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        resources = build_resources(
            cpu_request=args.cpu_request,
            cpu_limit=args.cpu_limit,
            memory_request=args.memory_request,
            memory_limit=args.memory_limit,
        )
        deployment = build_deployment(
            name=args.name,
            namespace=namespace,
            image=args.image,
            replicas=args.replicas,
            ports=args.ports,
            env=build_env(args.env),
            resources=resources,
        )
        service = (
            build_service(name=args.name, namespace=namespace, ports=args.ports)
            if args.expose
            else None
        )
        diffs = create_workload(apis, deployment=deployment, service=service, dry_run=dry_run)
        what = (
            f"{args.name} ({args.image}, {args.replicas} replica{'s' if args.replicas > 1 else ''}"
        )
        what += f", ports {', '.join(map(str, args.ports))})" if args.ports else ")"
        what += f" with ClusterIP service {args.name}" if args.expose else ""
        place = where(namespace, apis.alias)
        data = {
            "name": args.name,
            "namespace": namespace,
            "cluster": apis.alias,
            "resources": resources,
        }
        return Change(
            planned=f"Deploy {what} {place}.",
            done=f"Deployed {what} {place}.",
            diffs=diffs,
            data={**data, "image": args.image, "replicas": args.replicas, "service": args.expose},
        )
