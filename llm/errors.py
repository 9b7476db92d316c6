"""Errors of planning with a served model. Each one says what went wrong and what to do.

`PlannerError` is the base the bot catches; the subclasses let it answer precisely
("the model server is down" vs "I could not understand that").
"""

from __future__ import annotations


class PlannerError(Exception):
    """Any failure to turn a chat message into a proposal."""


class RequestTooLong(PlannerError):
    """The message is longer than the planner reads (the bot's `max_request_chars`)."""


class ModelUnavailable(PlannerError):
    """The model server cannot be reached (refused, reset, DNS) or answered 5xx."""


class ModelTimeout(PlannerError):
    """The model server took longer than the client's timeout."""


class AdapterMissing(PlannerError):
    """The server does not serve the requested model or LoRA adapter (HTTP 404)."""


class RequestRejected(PlannerError):
    """The server refused the request (HTTP 4xx other than 404), e.g. a prompt too long."""


class UnusableOutput(PlannerError):
    """The model's answer was still not a valid tool call after one retry with the error."""

    def __init__(self, message: str, *, raw: str = "", error: str = "") -> None:
        super().__init__(message)
        self.raw = raw
        """The last raw answer of the model."""
        self.error = error
        """The last validation error."""


class ArtifactError(Exception):
    """A model artifact directory is missing files, is corrupt, or does not fit this code."""


class SchemaMismatch(ArtifactError):
    """The adapter was trained for another tool schema than the running registry's."""


class ServerStartError(RuntimeError):
    """The vLLM server process died or never became ready; the message has its log tail."""
