"""Delete a Cloud Function (destructive)."""

from __future__ import annotations

from tools.base import Risk, StrictArgs
from tools.context import ToolContext
from tools.gcp.gcf_api import (
    REQUEST_TIMEOUT_S,
    clean_text,
    functions_client,
    gcp_errors,
    wait_operation,
)
from tools.gcp.gcf_common import GcfWriteTool, pending_note, require_function, view_function
from tools.gcp.gcf_fields import FunctionArgs
from tools.kinds import Change


class GcfDeleteFunction(GcfWriteTool):
    name = "gcf_delete_function"
    description = "Delete a Google Cloud Function and its URL (cannot be undone)."
    Args = FunctionArgs
    base_risk = Risk.DESTRUCTIVE
    examples = ("delete the cloud function old-report", "remove gcf test-hook from dev-gcp")

    def change(self, args: StrictArgs, ctx: ToolContext, *, dry_run: bool) -> Change:
        assert isinstance(args, FunctionArgs)
        project = self.scope(args, ctx)
        current = require_function(ctx, project, args.name)
        url = clean_text(current.url) or "no URL"
        where = f"Cloud Function {args.name} in {project.where}"
        change = Change(
            planned=f"DELETE {where} ({url}). This cannot be undone.",
            done=f"Deleted {where}.",
            diffs=[(f"gcf/{args.name}", view_function(current), None)],
            data={"function": args.name, "url": url},
        )
        if dry_run:
            return change
        subject = f"Cloud Function '{args.name}'"
        with gcp_errors(project=project, subject=subject):
            operation = functions_client(ctx, project).delete_function(
                name=project.function_path(args.name), timeout=REQUEST_TIMEOUT_S
            )
        done = wait_operation(operation, project=project, subject=subject)
        change.done += pending_note(done)
        change.data["done"] = done
        return change
