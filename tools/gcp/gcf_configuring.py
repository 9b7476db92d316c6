"""Change a Cloud Function's service settings (memory, timeout, instances, env); no rebuild."""

from __future__ import annotations

from typing import Any

from google.protobuf import field_mask_pb2
from pydantic import Field, model_validator

from tools.base import StrictArgs, ToolError
from tools.context import ToolContext
from tools.gcp.gcf_api import REQUEST_TIMEOUT_S, functions_client, gcp_errors, wait_operation
from tools.gcp.gcf_common import GcfWriteTool, pending_note, require_function, view_function
from tools.gcp.gcf_deploying import copy_function
from tools.gcp.gcf_fields import (
    FunctionArgs,
    GcfEnv,
    GcfEnvNames,
    GcfMemory,
    TimeoutS,
    check_env_size,
)
from tools.kinds import Change
from tools.validation import at_least_one_of, mentioned_with_unit, quantities_equal


class UpdateConfigArgs(FunctionArgs):
    """Change service settings of an existing Cloud Function; name at least one."""

    model_config = at_least_one_of(
        "memory", "timeout_s", "min_instances", "max_instances", "env_set", "env_unset"
    )

    memory: GcfMemory | None = None
    """Memory such as "512Mi" or "2Gi" (128Mi to 32Gi)."""
    timeout_s: TimeoutS | None = None
    """Request timeout in seconds, 1 to 3600."""
    min_instances: int | None = Field(
        default=None, ge=0, le=100, json_schema_extra=mentioned_with_unit("min")
    )
    """Instances kept warm, 0 to 100."""
    max_instances: int | None = Field(
        default=None, ge=1, le=1000, json_schema_extra=mentioned_with_unit("max")
    )
    """Most instances at once, 1 to 1000."""
    env_set: GcfEnv = Field(default_factory=dict)
    """Environment variables to add or change; others are kept."""
    env_unset: GcfEnvNames = Field(default_factory=list)
    """Names of environment variables to remove."""

    @model_validator(mode="after")
    def check_something_changes(self) -> UpdateConfigArgs:
        fields = ("memory", "timeout_s", "min_instances", "max_instances")
        if (
            all(getattr(self, f) is None for f in fields)
            and not self.env_set
            and not self.env_unset
        ):
            raise ValueError("name at least one setting to change")
        both = sorted(set(self.env_set) & set(self.env_unset))
        if both:
            raise ValueError(f"{', '.join(both)} is both set and unset")
        if self.min_instances is not None and self.max_instances is not None:
            if self.min_instances > self.max_instances:
                raise ValueError("min_instances is larger than max_instances")
        return self


def planned_service(args: UpdateConfigArgs, current: Any) -> tuple[Any, list[str]]:
    """The planned function and the update-mask paths that change."""
    planned = copy_function(current)
    service = planned.service_config
    paths = []
    if args.memory and not same_memory(service.available_memory, args.memory):
        service.available_memory = args.memory
        paths.append("service_config.available_memory")
    numbers = {
        "timeout_seconds": args.timeout_s,
        "min_instance_count": args.min_instances,
        "max_instance_count": args.max_instances,
    }
    for attribute, value in numbers.items():
        if value is not None and getattr(service, attribute) != value:
            setattr(service, attribute, value)
            paths.append(f"service_config.{attribute}")
    env = dict(service.environment_variables)
    new_env = {k: v for k, v in {**env, **args.env_set}.items() if k not in args.env_unset}
    if new_env != env:
        try:
            check_env_size(new_env)
        except ValueError as exc:
            raise ToolError(f"Cannot change env of '{args.name}': {exc}.") from None
        service.environment_variables = new_env
        paths.append("service_config.environment_variables")
    return planned, paths


def same_memory(current: str, wanted: str) -> bool:
    """True when the current memory setting equals the wanted one by value ("1Gi" == "1024Mi")."""
    try:
        return bool(current) and quantities_equal(current, wanted)
    except ValueError:  # an unexpected spelling from the API: treat as different
        return False


class GcfUpdateConfig(GcfWriteTool):
    name = "gcf_update_config"
    description = (
        "Change a Google Cloud Function's memory, timeout, min/max instances or env vars "
        "(no rebuild)."
    )
    Args = UpdateConfigArgs
    raise_in_production = True
    examples = (
        "give cloud function resize-images 1Gi of memory",
        "set LOG_LEVEL=debug on gcf checkout-api in prod-gcp",
        "keep 2 instances of gcf api-gateway warm",
    )

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, UpdateConfigArgs)
        project = self.scope(args, ctx)
        current = require_function(ctx, project, args.name)
        planned, paths = planned_service(args, current)
        env = dict(current.service_config.environment_variables)
        data = {
            "function": args.name,
            "fields": paths,
            "not_set": sorted(set(args.env_unset) - set(env)),
        }
        if not paths:
            text = f"Cloud Function {args.name} in {project.where} already has these settings."
            return Change(planned=f"No change: {text}", done=f"Nothing to do: {text}", data=data)
        what = ", ".join(p.split(".")[-1] for p in paths)
        where = f"of Cloud Function {args.name} in {project.where}"
        change = Change(
            planned=f"Change {what} {where}.",
            done=f"Changed {what} {where}.",
            diffs=[(f"gcf/{args.name}", view_function(current), view_function(planned))],
            data=data,
        )
        if dry_run:
            return change
        subject = f"Cloud Function '{args.name}'"
        with gcp_errors(project=project, subject=subject):
            operation = functions_client(ctx, project).update_function(
                function=planned,
                update_mask=field_mask_pb2.FieldMask(paths=paths),
                timeout=REQUEST_TIMEOUT_S,
            )
        done = wait_operation(operation, project=project, subject=subject)
        change.done += pending_note(done)
        change.data["done"] = done
        return change
