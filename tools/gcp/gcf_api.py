"""Talking to Cloud Functions: project aliases, the REST client, errors as chat answers.

Credentials are Application Default Credentials (service account of the host, workload
identity, `gcloud auth application-default login`), never chat text. Tests hand the
context a client built with anonymous credentials for the local emulator.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.settings import GcpProjectSettings

FUNCTIONS_CLIENT = "gcp-functions"
"""Client kind under which `ToolContext.client` keeps a project's Functions client."""
REQUEST_TIMEOUT_S = 60.0
"""Per-request timeout: the generated client has none by default (a hung API would hang us)."""
OPERATION_WAIT_S = 600.0
"""How long execute waits for a deploy/update/delete operation before reporting it pending."""
SCOPES = ("https://www.googleapis.com/auth/cloud-platform",)
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]+")
REQUEST_PREFIX = re.compile(r"^[A-Z]+ https?://\S+: ")
"""REST errors start with "GET http://...: "; chat needs only the provider's message."""


@dataclass(frozen=True)
class Project:
    """A resolved GCP project alias."""

    alias: str
    settings: GcpProjectSettings

    @property
    def where(self) -> str:
        return f"GCP project '{self.alias}' ({self.settings.region})"

    @property
    def parent(self) -> str:
        return f"projects/{self.settings.project}/locations/{self.settings.region}"

    def function_path(self, name: str) -> str:
        return f"{self.parent}/functions/{name}"


def resolve_project(ctx: ToolContext, alias: str | None) -> Project:
    """The project a call names, or the only configured one; unknown aliases are errors."""
    projects = ctx.settings.gcp_projects
    known = ", ".join(sorted(projects)) or "none"
    if alias is None:
        if not projects:
            raise ToolError("No GCP projects are configured for this bot.")
        if len(projects) > 1:
            raise ToolError(f"Which GCP project? Known projects: {known}.")
        alias = next(iter(projects))
    if alias not in projects:
        raise ToolError(f"Unknown GCP project '{alias}'. Known projects: {known}.")
    return Project(alias=alias, settings=projects[alias])


def build_functions_client(project: GcpProjectSettings, *, credentials: Any = None) -> Any:
    """A Cloud Functions v2 client over REST; `credentials=None` means ADC."""
    import google.auth
    from google.auth.exceptions import DefaultCredentialsError
    from google.cloud import functions_v2

    if credentials is None:
        try:
            credentials, _ = google.auth.default(scopes=list(SCOPES))
        except DefaultCredentialsError:
            raise ToolError(
                f"No Google credentials for project {project.project}: configure Application "
                "Default Credentials on the bot host."
            ) from None
    options = {"api_endpoint": project.api_endpoint} if project.api_endpoint else None
    return functions_v2.FunctionServiceClient(
        transport="rest", credentials=credentials, client_options=options
    )


def functions_client(ctx: ToolContext, project: Project) -> Any:
    """The memoized Functions client of a project."""
    return ctx.client(
        FUNCTIONS_CLIENT, project.alias, lambda: build_functions_client(project.settings)
    )


def clean_text(text: Any, *, limit: int = 300) -> str:
    """Provider text made safe for chat: no control characters, bounded length."""
    flat = CONTROL_CHARS.sub(" ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _retry_after(exc: Any) -> float:
    response = getattr(exc, "response", None)
    raw = getattr(response, "headers", {}).get("Retry-After") if response is not None else None
    try:
        return min(max(float(raw), 1.0), 60.0) if raw else 5.0
    except ValueError:
        return 5.0


def _rest_status(exc: Any) -> str:
    """The canonical status ("ABORTED") of a REST error body; HTTP codes alone are ambiguous."""
    try:
        return str(exc.response.json()["error"]["status"])
    except Exception:  # noqa: BLE001 - no body, not JSON, or another shape: unknown
        return ""


def translate_api_error(exc: Any, *, project: Project, subject: str) -> ToolError:
    """A chat-ready ToolError (or TemporaryToolError) for a google.api_core error."""
    from google.api_core import exceptions as gexc

    message = clean_text(REQUEST_PREFIX.sub("", str(getattr(exc, "message", "") or exc)))
    where = project.where
    if isinstance(exc, (gexc.TooManyRequests, gexc.ResourceExhausted)):
        wait = _retry_after(exc)
        return TemporaryToolError(
            f"Google Cloud is throttling requests in {where} (quota or rate limit); "
            f"try again in {wait:.0f} s.",
            retry_after_s=wait,
        )
    if isinstance(exc, gexc.NotFound):
        return ToolError(f"{subject} was not found in {where}.")
    if isinstance(exc, gexc.Aborted) or _rest_status(exc) == "ABORTED":
        return TemporaryToolError(f"{subject} is busy with another change in {where}; try again.")
    if isinstance(exc, (gexc.AlreadyExists, gexc.Conflict)):
        return ToolError(f"Conflict on {subject} in {where}: {message}")
    if isinstance(exc, (gexc.Forbidden, gexc.Unauthorized)):
        return ToolError(f"Google Cloud refused access to {subject} in {where}: {message}")
    if isinstance(exc, (gexc.ServerError, gexc.DeadlineExceeded, gexc.RetryError)):
        return TemporaryToolError(f"Cloud Functions is unavailable in {where}; try again.")
    return ToolError(f"Google Cloud rejected the request for {subject} in {where}: {message}")


@contextmanager
def gcp_errors(*, project: Project, subject: str) -> Iterator[None]:
    """Turn google-api-core/auth/transport failures inside the block into clear errors."""
    import requests
    from google.api_core.exceptions import GoogleAPIError
    from google.auth.exceptions import RefreshError, TransportError

    try:
        yield
    except GoogleAPIError as exc:
        raise translate_api_error(exc, project=project, subject=subject) from None
    except (requests.ConnectionError, requests.Timeout, TransportError):
        raise TemporaryToolError(
            f"Cannot reach the Cloud Functions API for {project.where}; try again."
        ) from None
    except RefreshError:
        raise ToolError(
            f"The Google credentials for {project.where} were refused; renew them on the bot host."
        ) from None


def wait_operation(operation: Any, *, project: Project, subject: str) -> bool:
    """Wait for a long-running operation: True when done, False when still running."""
    import concurrent.futures

    with gcp_errors(project=project, subject=subject):
        try:
            operation.result(timeout=OPERATION_WAIT_S)
        except concurrent.futures.TimeoutError:
            return False
    return True
