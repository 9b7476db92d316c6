"""Ready services from a small catalog (redis, postgres, nginx), sized in plain words.

"2 GB of memory" arrives as memory="2Gi" and lands as the container's memory request AND
limit (a database should not be OOM-killed below what it was promised). CPU is a request
only: CPU limits throttle, they do not protect other pods.
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import Field, model_validator

from tools.context import ToolContext
from tools.k8s.common import KubeWriteTool, NamespacedArgs, resolve_namespace, where
from tools.k8s.deploying import create_workload
from tools.k8s.manifests import build_deployment, build_resources, build_secret, build_service
from tools.kinds import Change
from tools.validation import (
    MENTIONED,
    CpuQuantity,
    ImageTag,
    MemoryQuantity,
    ServiceName,
    mentioned_with_unit,
)


@dataclass(frozen=True)
class CatalogEntry:
    """A ready service: image, default tag and size, port, replica ceiling."""

    image: str
    version: str
    port: int
    memory: str
    cpu: str
    max_replicas: int
    password_env: str | None = None
    """Env var that gets a generated password from a Secret."""
    extra_env: tuple[tuple[str, str], ...] = ()


CATALOG: dict[str, CatalogEntry] = {
    # Single replica: several independent redis/postgres pods behind one Service would
    # split writes between unrelated databases.
    "redis": CatalogEntry("redis", "7.2", 6379, "256Mi", "100m", max_replicas=1),
    "postgres": CatalogEntry(
        "postgres",
        "16",
        5432,
        "512Mi",
        "250m",
        max_replicas=1,
        password_env="POSTGRES_PASSWORD",
        extra_env=(("PGDATA", "/var/lib/postgresql/data/pgdata"),),
    ),
    "nginx": CatalogEntry("nginx", "1.27", 80, "128Mi", "100m", max_replicas=10),
}


class DeployServiceArgs(NamespacedArgs):
    """Deploy a ready-made service (redis, postgres, nginx) with a ClusterIP Service."""

    service: Literal["redis", "postgres", "nginx"]
    """Which service from the catalog."""
    name: ServiceName | None = Field(default=None, json_schema_extra=MENTIONED)
    """Name of the deployment and Service; omit to use the service's name."""
    memory: MemoryQuantity | None = None
    """Memory request and limit, e.g. "2Gi" (a user's "2 GB"); omit for the default size."""
    cpu: CpuQuantity | None = None
    """CPU request, e.g. "500m"; omit for the default size."""
    replicas: int = Field(default=1, ge=1, le=10, json_schema_extra=mentioned_with_unit("replicas"))
    """Number of pods (redis and postgres run as a single replica)."""
    version: ImageTag | None = Field(default=None, json_schema_extra=MENTIONED)
    """Image tag, e.g. "7.2" for redis; omit for the catalog's default."""

    @model_validator(mode="after")
    def _replicas_fit(self) -> DeployServiceArgs:
        entry = CATALOG[self.service]
        if self.replicas > entry.max_replicas:
            raise ValueError(
                f"{self.service} runs as a single replica here (replicas would be separate, "
                "unsynchronized databases behind one Service)"
            )
        return self


class DeployService(KubeWriteTool):
    name = "deploy_service"
    description = "Deploy a ready service (redis, postgres, nginx) with a size and a Service."
    Args = DeployServiceArgs
    examples = (
        "deploy a redis to us-central with 2GB of memory",
        "I need a postgres 15 in staging called orders-db",
        "spin up 3 nginx replicas named edge with 256Mi each",
    )

    def change(self, args: DeployServiceArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        apis = self.apis(args, ctx)
        namespace = resolve_namespace(args)
        entry = CATALOG[args.service]
        name = args.name or args.service
        image = f"{entry.image}:{args.version or entry.version}"
        memory, cpu = args.memory or entry.memory, args.cpu or entry.cpu
        env: list[dict[str, Any]] = [{"name": k, "value": v} for k, v in entry.extra_env]
        secret = None
        if entry.password_env:
            secret_name = f"{name}-credentials"
            secret = build_secret(
                name=secret_name, namespace=namespace, data={"password": secrets.token_urlsafe(24)}
            )
            env.insert(
                0,
                {
                    "name": entry.password_env,
                    "valueFrom": {"secretKeyRef": {"name": secret_name, "key": "password"}},
                },
            )
        deployment = build_deployment(
            name=name,
            namespace=namespace,
            image=image,
            replicas=args.replicas,
            ports=[entry.port],
            env=env,
            resources=build_resources(cpu_request=cpu, memory_request=memory, memory_limit=memory),
            labels={"app.kubernetes.io/name": args.service},
        )
        service = build_service(name=name, namespace=namespace, ports=[entry.port])
        diffs = create_workload(
            apis, deployment=deployment, service=service, dry_run=dry_run, secret=secret
        )
        called = args.service if name == args.service else f"{args.service} as {name}"
        what = f"{called} ({image}, memory {memory}, cpu {cpu}, port {entry.port})"
        place = where(namespace, apis.alias)
        data = {
            "name": name,
            "namespace": namespace,
            "cluster": apis.alias,
            "service": args.service,
            "image": image,
            "memory": memory,
            "cpu": cpu,
            "port": entry.port,
            "replicas": args.replicas,
            "endpoint": f"{name}.{namespace}.svc:{entry.port}",
        }
        if secret is not None:
            data["password_secret"] = secret["metadata"]["name"]
        return Change(
            planned=f"Deploy {what} {place}.",
            done=f"Deployed {what} {place}; reach it at {data['endpoint']}.",
            diffs=diffs,
            data=data,
        )
