"""Talking to AWS for the Lambda tools: account aliases, clients, and errors as chat answers.

Credentials come from boto3's provider chain for the alias's profile (environment,
shared config, SSO, instance role), never from chat text. Clients never retry on their
own: a throttled or unreachable API becomes a `TemporaryToolError` and the caller decides.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.settings import AwsAccountSettings

THROTTLE_CODES = frozenset(
    {
        "TooManyRequestsException",
        "ThrottlingException",
        "Throttling",
        "ThrottledException",
        "RequestLimitExceeded",
        "SlowDown",
    }
)
NOT_FOUND_CODES = frozenset(
    {"ResourceNotFoundException", "NoSuchEntity", "NoSuchBucket", "NoSuchKey", "404"}
)
DENIED_CODES = frozenset(
    {
        "AccessDenied",
        "AccessDeniedException",
        "UnrecognizedClientException",
        "InvalidSignatureException",
        "ExpiredToken",
        "ExpiredTokenException",
        "InvalidClientTokenId",
    }
)
UNAVAILABLE_CODES = frozenset(
    {
        "ServiceException",
        "ServiceUnavailable",
        "ServiceUnavailableException",
        "InternalError",
        "InternalFailure",
    }
)
CONTROL_CHARS = re.compile(r"[\x00-\x1f\x7f]+")
CONNECT_TIMEOUT_S, READ_TIMEOUT_S = 5.0, 60.0
"""A hung API becomes a TemporaryToolError instead of a hung chat thread."""


@dataclass(frozen=True)
class Account:
    """A resolved AWS account alias."""

    alias: str
    settings: AwsAccountSettings

    @property
    def where(self) -> str:
        return f"AWS account '{self.alias}' ({self.settings.region})"


def resolve_account(ctx: ToolContext, alias: str | None) -> Account:
    """The account a call names, or the only configured one; unknown aliases are errors."""
    accounts = ctx.settings.aws_accounts
    known = ", ".join(sorted(accounts)) or "none"
    if alias is None:
        if len(accounts) != 1:
            if not accounts:
                raise ToolError("No AWS accounts are configured for this bot.")
            raise ToolError(f"Which AWS account? Known accounts: {known}.")
        alias = next(iter(accounts))
    if alias not in accounts:
        raise ToolError(f"Unknown AWS account '{alias}'. Known accounts: {known}.")
    return Account(alias=alias, settings=accounts[alias])


def build_client(account: AwsAccountSettings, service: str) -> Any:
    """A boto3 client for the account's profile, region and endpoint, without retries."""
    import boto3
    from botocore.config import Config
    from botocore.exceptions import ProfileNotFound

    try:
        session = boto3.Session(profile_name=account.profile, region_name=account.region)
    except ProfileNotFound:
        raise ToolError(
            f"AWS profile '{account.profile}' is not configured on the bot host."
        ) from None
    config = Config(
        retries={"total_max_attempts": 1, "mode": "standard"},
        connect_timeout=CONNECT_TIMEOUT_S,
        read_timeout=READ_TIMEOUT_S,
        user_agent_extra="planton-chatops",
    )
    return session.client(service, endpoint_url=account.endpoint_url, config=config)


def aws_client(ctx: ToolContext, account: Account, service: str) -> Any:
    """The memoized client of one service ("lambda", "s3", "iam", "sts") for an account."""
    return ctx.client(
        f"aws-{service}", account.alias, lambda: build_client(account.settings, service)
    )


def clean_text(text: Any, *, limit: int = 300) -> str:
    """Provider text made safe for chat: no control characters, bounded length."""
    flat = CONTROL_CHARS.sub(" ", str(text)).strip()
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _retry_after(error: dict[str, Any], headers: dict[str, str]) -> float:
    raw = error.get("retryAfterSeconds") or headers.get("retry-after") or 1
    try:
        return min(max(float(raw), 1.0), 60.0)
    except (TypeError, ValueError):
        return 1.0


def translate_client_error(exc: Any, *, account: Account, subject: str) -> ToolError:
    """A chat-ready ToolError (or TemporaryToolError) for a botocore ClientError."""
    response = getattr(exc, "response", {}) or {}
    error = response.get("Error", {}) or {}
    meta = response.get("ResponseMetadata", {}) or {}
    code = str(error.get("Code") or meta.get("HTTPStatusCode") or "Unknown")
    status = int(meta.get("HTTPStatusCode") or 0)
    message = clean_text(error.get("Message") or "")
    if code in THROTTLE_CODES or status == 429:
        wait = _retry_after(response, meta.get("HTTPHeaders", {}) or {})
        return TemporaryToolError(
            f"AWS is throttling requests in {account.where} ({code}); try again in {wait:.0f} s.",
            retry_after_s=wait,
        )
    if code in NOT_FOUND_CODES or status == 404:
        return ToolError(f"{subject} was not found in {account.where}.")
    if code == "ResourceConflictException":
        if "in progress" in message.lower() or "pending" in message.lower():
            return TemporaryToolError(
                f"{subject} is busy with another update in {account.where}; try again shortly.",
                retry_after_s=5.0,
            )
        return ToolError(f"Conflict on {subject} in {account.where}: {message}")
    if code == "PreconditionFailedException":
        return ToolError(f"{subject} changed while this change was applied; review it and retry.")
    if code in DENIED_CODES or status in (401, 403):
        return ToolError(f"AWS refused access to {subject} in {account.where} ({code}): {message}")
    if code in UNAVAILABLE_CODES or status >= 500:
        return TemporaryToolError(
            f"AWS Lambda is unavailable in {account.where} ({code}); try again."
        )
    return ToolError(
        f"AWS rejected the request for {subject} in {account.where} ({code}): {message}"
    )


@contextmanager
def aws_errors(*, account: Account, subject: str) -> Iterator[None]:
    """Turn botocore failures inside the block into clear ToolError/TemporaryToolError."""
    from botocore.exceptions import (
        ClientError,
        ConnectionClosedError,
        ConnectTimeoutError,
        EndpointConnectionError,
        NoCredentialsError,
        PartialCredentialsError,
        ReadTimeoutError,
        WaiterError,
    )

    try:
        yield
    except ClientError as exc:
        raise translate_client_error(exc, account=account, subject=subject) from None
    except (EndpointConnectionError, ConnectTimeoutError, ConnectionClosedError, ReadTimeoutError):
        raise TemporaryToolError(
            f"Cannot reach the AWS API for {account.where}; try again."
        ) from None
    except (NoCredentialsError, PartialCredentialsError):
        raise ToolError(
            f"No AWS credentials for {account.where}: configure its profile on the bot host."
        ) from None
    except WaiterError as exc:
        last = getattr(exc, "last_response", None) or {}
        config = last.get("Configuration", last)
        reason = clean_text(config.get("LastUpdateStatusReason") or config.get("StateReason") or "")
        if "terminal failure" in str(exc):
            raise ToolError(f"{subject} failed to update in {account.where}: {reason}") from None
        raise TemporaryToolError(
            f"{subject} is still updating in {account.where}; check again shortly.",
            retry_after_s=10.0,
        ) from None
