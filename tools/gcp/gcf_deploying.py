"""Deploy a Cloud Function (2nd gen, HTTP) from a zip in Cloud Storage: create or update it."""

from __future__ import annotations

from typing import Any

from google.protobuf import field_mask_pb2
from pydantic import Field

from tools.base import StrictArgs, ToolError
from tools.context import ToolContext
from tools.gcp.gcf_api import (
    REQUEST_TIMEOUT_S,
    Project,
    functions_client,
    gcp_errors,
    wait_operation,
)
from tools.gcp.gcf_common import GcfWriteTool, find_function, pending_note, view_function
from tools.gcp.gcf_fields import (
    EntryPoint,
    FunctionArgs,
    GcfEnv,
    GcfMemory,
    GcfRuntime,
    GsZipUri,
    TimeoutS,
    split_gs_uri,
)
from tools.kinds import Change

DEFAULT_MEMORY, DEFAULT_TIMEOUT_S = "256Mi", 60
"""What Cloud Functions uses when a new function names no memory or timeout."""


class DeployFunctionArgs(FunctionArgs):
    """Create a Cloud Function from a zip in Cloud Storage, or update an existing one's source."""

    source: GsZipUri
    """Source bundle, e.g. "gs://my-bucket/builds/resize-1.4.zip"."""
    runtime: GcfRuntime | None = None
    """Runtime such as "python312"; needed to create, omit to keep the current one."""
    entry_point: EntryPoint | None = None
    """Function to run, e.g. "main"; needed to create, omit to keep the current one."""
    memory: GcfMemory | None = None
    """Memory such as "512Mi" or "2Gi" (128Mi to 32Gi); omit to keep the current value."""
    timeout_s: TimeoutS | None = None
    """Request timeout in seconds, 1 to 3600; omit to keep the current value."""
    env: GcfEnv = Field(default_factory=dict)
    """Environment variables to set; variables not named here are kept."""


def copy_function(function: Any) -> Any:
    """A deep copy of a Function message (the planned state is built on it)."""
    from google.cloud import functions_v2

    return functions_v2.Function.deserialize(functions_v2.Function.serialize(function))


def new_function(args: DeployFunctionArgs, project: Project) -> Any:
    """The Function message a create sends."""
    from google.cloud import functions_v2

    bucket, key = split_gs_uri(args.source)
    assert args.runtime is not None
    return functions_v2.Function(
        name=project.function_path(args.name),
        build_config=functions_v2.BuildConfig(
            runtime=args.runtime.value,
            entry_point=args.entry_point,
            source=functions_v2.Source(
                storage_source=functions_v2.StorageSource(bucket=bucket, object_=key)
            ),
        ),
        service_config=functions_v2.ServiceConfig(
            available_memory=args.memory or DEFAULT_MEMORY,
            timeout_seconds=args.timeout_s or DEFAULT_TIMEOUT_S,
            environment_variables=dict(args.env),
        ),
    )


def updated_function(args: DeployFunctionArgs, current: Any) -> tuple[Any, list[str]]:
    """The planned function and the update-mask paths that change."""
    from google.cloud import functions_v2

    planned = copy_function(current)
    bucket, key = split_gs_uri(args.source)
    build, service = planned.build_config, planned.service_config
    build.source = functions_v2.Source(
        storage_source=functions_v2.StorageSource(bucket=bucket, object_=key)
    )
    paths = ["build_config.source"]  # a deploy always rebuilds from the named bundle
    wanted = {
        "build_config.runtime": (build, "runtime", args.runtime and args.runtime.value),
        "build_config.entry_point": (build, "entry_point", args.entry_point),
        "service_config.available_memory": (service, "available_memory", args.memory),
        "service_config.timeout_seconds": (service, "timeout_seconds", args.timeout_s),
    }
    for path, (message, attribute, value) in wanted.items():
        if value is not None and getattr(message, attribute) != value:
            setattr(message, attribute, value)
            paths.append(path)
    env = dict(service.environment_variables)
    if {**env, **args.env} != env:
        service.environment_variables = {**env, **args.env}
        paths.append("service_config.environment_variables")
    return planned, paths


class GcfDeployFunction(GcfWriteTool):
    name = "gcf_deploy_function"
    description = (
        "Deploy a Google Cloud Function (2nd gen, HTTP) from a zip in Cloud Storage: create it, "
        "or update its source (and runtime, entry point, memory, timeout, env vars)."
    )
    Args = DeployFunctionArgs
    raise_in_production = True
    examples = (
        "deploy cloud function resize-images from gs://builds/resize.zip, python312, entry main",
        "update gcf checkout-api to gs://builds/checkout-2.zip in prod-gcp",
    )

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, DeployFunctionArgs)
        project = self.scope(args, ctx)
        current = find_function(ctx, project, args.name)
        subject = f"Cloud Function '{args.name}'"
        client = functions_client(ctx, project)
        if current is None:
            missing = [f for f in ("runtime", "entry_point") if getattr(args, f) is None]
            if missing:
                raise ToolError(
                    f"{subject} does not exist in {project.where}; creating it needs "
                    f"{' and '.join(missing)}."
                )
            planned, paths = new_function(args, project), []
            what = f"Cloud Function {args.name} in {project.where} from {args.source}"
            change = Change(planned=f"Create {what}.", done=f"Created {what}.")
        else:
            planned, paths = updated_function(args, current)
            names = ", ".join(p.split(".")[-1] for p in paths)
            what = f"Cloud Function {args.name} in {project.where}: {names}"
            change = Change(planned=f"Update {what}.", done=f"Updated {what}.")
        change.diffs = [(f"gcf/{args.name}", view_function(current), view_function(planned))]
        change.data = {"function": args.name, "created": current is None, "fields": paths}
        if dry_run:
            return change
        with gcp_errors(project=project, subject=subject):
            if current is None:
                operation = client.create_function(
                    parent=project.parent,
                    function=planned,
                    function_id=args.name,
                    timeout=REQUEST_TIMEOUT_S,
                )
            else:
                mask = field_mask_pb2.FieldMask(paths=paths)
                operation = client.update_function(
                    function=planned, update_mask=mask, timeout=REQUEST_TIMEOUT_S
                )
        done = wait_operation(operation, project=project, subject=subject)
        change.done += pending_note(done)
        change.data["done"] = done
        return change
