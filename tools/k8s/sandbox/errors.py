"""Kubernetes-style API errors: each one renders as a `Status` object with the right code."""

from __future__ import annotations

from typing import Any


class ApiError(Exception):
    """An error the server answers with a `Status` object (never a traceback)."""

    code = 500
    reason = "InternalError"

    def __init__(self, message: str, *, details: dict[str, Any] | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.details = details

    def to_status(self) -> dict[str, Any]:
        """The `Status` body Kubernetes clients parse for message, reason and code."""
        status: dict[str, Any] = {
            "kind": "Status",
            "apiVersion": "v1",
            "metadata": {},
            "status": "Failure",
            "message": self.message,
            "reason": self.reason,
            "code": self.code,
        }
        if self.details is not None:
            status["details"] = self.details
        return status


class BadRequest(ApiError):
    """400: a malformed request (bad selector, body or parameter)."""

    code = 400
    reason = "BadRequest"


class Forbidden(ApiError):
    """403: an operation the API never allows (deleting a system namespace)."""

    code = 403
    reason = "Forbidden"


class NotFound(ApiError):
    """404: no such object or path."""

    code = 404
    reason = "NotFound"


class MethodNotAllowed(ApiError):
    """405: a verb the resource does not support."""

    code = 405
    reason = "MethodNotAllowed"


class Conflict(ApiError):
    """409: a stale resourceVersion or a failed precondition."""

    code = 409
    reason = "Conflict"


class AlreadyExists(ApiError):
    """409: a create of a name that is taken."""

    code = 409
    reason = "AlreadyExists"


class Gone(ApiError):
    """410: a watch from a resourceVersion outside the change window."""

    code = 410
    reason = "Expired"


class UnsupportedMediaType(ApiError):
    """415: a body in a format the endpoint does not read."""

    code = 415
    reason = "UnsupportedMediaType"


class Invalid(ApiError):
    """422: the object fails validation; `causes` name each offending field."""

    code = 422
    reason = "Invalid"


def not_found(*, qualified: str, name: str) -> NotFound:
    """`deployments.apps "web" not found`, as the API server words it."""
    return NotFound(
        f'{qualified} "{name}" not found',
        details={"name": name, "group": _group(qualified), "kind": _plural(qualified)},
    )


def already_exists(*, qualified: str, name: str) -> AlreadyExists:
    """`deployments.apps "web" already exists`."""
    return AlreadyExists(
        f'{qualified} "{name}" already exists',
        details={"name": name, "group": _group(qualified), "kind": _plural(qualified)},
    )


def stale_conflict(*, qualified: str, name: str) -> Conflict:
    """The optimistic-concurrency failure of a write with an old resourceVersion."""
    return Conflict(
        f'Operation cannot be fulfilled on {qualified} "{name}": the object has been modified;'
        " please apply your changes to the latest version and try again",
        details={"name": name, "group": _group(qualified), "kind": _plural(qualified)},
    )


def invalid(*, kind: str, group: str, name: str, causes: list[tuple[str, str, str]]) -> Invalid:
    """422 with one cause per (reason, field, message): `Kind.group "n" is invalid: f: m`."""
    qualified_kind = f"{kind}.{group}" if group else kind
    listed = ", ".join(f"{field}: {message}" for _, field, message in causes)
    if len(causes) > 1:
        listed = f"[{listed}]"
    return Invalid(
        f'{qualified_kind} "{name}" is invalid: {listed}',
        details={
            "name": name,
            "group": group,
            "kind": kind,
            "causes": [
                {"reason": reason, "message": message, "field": field}
                for reason, field, message in causes
            ],
        },
    )


def _group(qualified: str) -> str:
    return qualified.partition(".")[2]


def _plural(qualified: str) -> str:
    return qualified.partition(".")[0]
