"""What the Cloud Functions tools share: tool bases, views of a function, reading one.

The tool bases are the shared kinds (tools/kinds.py) in one GCP project: a write tool's
`change(args, ctx, *, dry_run)` reads the current function, builds the planned one and,
only when `dry_run` is false, sends it. Cloud Functions has no server-side dry run:
plans read and never write.
"""

from __future__ import annotations

from typing import Any

from tools.base import StrictArgs
from tools.context import ToolContext
from tools.diffing import mask_value
from tools.gcp.gcf_api import (
    REQUEST_TIMEOUT_S,
    Project,
    clean_text,
    functions_client,
    gcp_errors,
    resolve_project,
)
from tools.gcp.gcf_fields import GcfArgs
from tools.kinds import CloudTool, ReadTool, WriteTool


def source_uri(function: Any) -> str:
    """Where the function's source comes from, as gs://bucket/object (or a short note)."""
    storage = function.build_config.source.storage_source
    if storage.bucket:
        return f"gs://{clean_text(storage.bucket)}/{clean_text(storage.object_)}"
    return "other source (repository or upload)"


def view_function(function: Any | None) -> dict[str, Any] | None:
    """The settings of a function a reviewer cares about (env values masked)."""
    if function is None:
        return None
    service = function.service_config
    env = dict(service.environment_variables)
    return {
        "name": clean_text(function.name.rsplit("/", 1)[-1]),
        "runtime": clean_text(function.build_config.runtime),
        "entry_point": clean_text(function.build_config.entry_point),
        "source": source_uri(function),
        "memory": clean_text(service.available_memory),
        "timeout_s": service.timeout_seconds,
        "env": {clean_text(k, limit=128): mask_value(v) for k, v in sorted(env.items())},
    }


def find_function(ctx: ToolContext, project: Project, name: str) -> Any | None:
    """A function, None when it does not exist."""
    from google.api_core.exceptions import NotFound

    client = functions_client(ctx, project)
    with gcp_errors(project=project, subject=f"Cloud Function '{name}'"):
        try:
            return client.get_function(name=project.function_path(name), timeout=REQUEST_TIMEOUT_S)
        except NotFound:
            return None


def require_function(ctx: ToolContext, project: Project, name: str) -> Any:
    """An existing function; a missing one is a clear ToolError."""
    client = functions_client(ctx, project)
    with gcp_errors(project=project, subject=f"Cloud Function '{name}'"):
        return client.get_function(name=project.function_path(name), timeout=REQUEST_TIMEOUT_S)


class GcfTool(CloudTool):
    """A Cloud Functions tool: acts in one GCP project/region chosen by alias."""

    target_kind = "gcp"

    def scope(self, args: StrictArgs, ctx: ToolContext) -> Project:
        assert isinstance(args, GcfArgs)
        return resolve_project(ctx, args.project)


class GcfReadTool(GcfTool, ReadTool):
    """A read-only Cloud Functions tool."""


class GcfWriteTool(GcfTool, WriteTool):
    """A tool that changes a function; its plan reads the current function and shows the diff."""

    diff_context_lines = 20
    """Function views are short: show them whole."""


def pending_note(done: bool) -> str:
    """Suffix of a result whose operation may still be running."""
    return (
        "" if done else " The operation is still running; check again with gcf_describe_function."
    )
