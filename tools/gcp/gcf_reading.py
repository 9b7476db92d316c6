"""Read-only Cloud Functions tools: list the functions of a project, describe one function."""

from __future__ import annotations

from typing import Annotated

from pydantic import Field

from tools.base import StrictArgs, ToolResult
from tools.context import ToolContext
from tools.gcp.gcf_api import REQUEST_TIMEOUT_S, clean_text, functions_client, gcp_errors
from tools.gcp.gcf_common import GcfReadTool, require_function, view_function
from tools.gcp.gcf_fields import FunctionArgs, GcfArgs
from tools.validation import MENTIONED, mentioned_with_unit

MAX_SCANNED = 2000
"""Stop listing after this many functions: a chat answer never needs more."""
PREFIX = r"^[a-z][a-z0-9-]{0,62}$"


class ListFunctionsArgs(GcfArgs):
    """List the Cloud Functions of a project's region."""

    # typed (a word of the request), as Lambda's prefix
    prefix: (
        Annotated[str, Field(pattern=PREFIX, max_length=63, json_schema_extra=MENTIONED)] | None
    ) = None
    """Only functions whose name starts with this, e.g. "billing-"."""
    limit: int = Field(default=50, ge=1, le=200, json_schema_extra=mentioned_with_unit("items"))
    """At most this many functions in the answer."""


class GcfListFunctions(GcfReadTool):
    name = "gcf_list_functions"
    description = "List the Google Cloud Functions of a project with runtime, memory and state."
    Args = ListFunctionsArgs
    examples = ("list cloud functions in prod-gcp", "which gcp functions start with billing-?")

    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        assert isinstance(args, ListFunctionsArgs)
        project = self.scope(args, ctx)
        client = functions_client(ctx, project)
        found = []
        with gcp_errors(project=project, subject="the function list"):
            for function in client.list_functions(parent=project.parent, timeout=REQUEST_TIMEOUT_S):
                view = view_function(function) or {}
                if view["name"].startswith(args.prefix or ""):
                    found.append({**view, "state": clean_text(function.state.name)})
                if len(found) >= MAX_SCANNED:
                    break
        found.sort(key=lambda f: f["name"])
        rows = [
            {k: f[k] for k in ("name", "runtime", "memory", "timeout_s", "state")}
            for f in found[: args.limit]
        ]
        what = f" starting with '{args.prefix}'" if args.prefix else ""
        if not rows:
            summary = f"No Cloud Functions{what} in {project.where}."
            return ToolResult(summary=summary, data={"functions": []})
        lines = [
            f"- {r['name']}: {r['runtime']}, {r['memory']}, {r['timeout_s']} s, {r['state']}"
            for r in rows
        ]
        more = f" (showing {len(rows)})" if len(found) > len(rows) else ""
        head = f"{len(found)} Cloud Functions{what} in {project.where}{more}:\n"
        return ToolResult(
            summary=head + "\n".join(lines), data={"functions": rows, "total": len(found)}
        )


class GcfDescribeFunction(GcfReadTool):
    name = "gcf_describe_function"
    description = "Show one Google Cloud Function: runtime, entry point, source, memory, env, URL."
    Args = FunctionArgs
    examples = ("describe the cloud function resize-images", "show gcf checkout-api in prod-gcp")

    def read(self, args: StrictArgs, ctx: ToolContext) -> ToolResult:
        assert isinstance(args, FunctionArgs)
        project = self.scope(args, ctx)
        function = require_function(ctx, project, args.name)
        view = view_function(function) or {}
        view["state"] = clean_text(function.state.name)
        view["url"] = clean_text(function.url)
        view["revision"] = clean_text(function.service_config.revision)
        env_names = ", ".join(view["env"]) or "none"
        summary = (
            f"Cloud Function {view['name']} in {project.where}: {view['runtime']}, entry point "
            f"{view['entry_point']}, {view['memory']}, timeout {view['timeout_s']} s, state "
            f"{view['state']}.\nSource: {view['source']}. URL: {view['url'] or 'none'}.\n"
            f"Env vars: {env_names}."
        )
        return ToolResult(summary=summary, data={"function": view})
