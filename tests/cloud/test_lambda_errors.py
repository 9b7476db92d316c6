"""AWS failures become clear chat answers: throttling, conflicts, outages, access, credentials.

Throttling and the other faults come from a real local HTTP server answering the way the
Lambda API does (x-amzn-ErrorType header + JSON body), parsed by the real botocore client.
"""

from __future__ import annotations

import socket

import pytest

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.settings import AwsAccountSettings, ToolSettings


def context_for(url: str, **extra) -> ToolContext:
    account = AwsAccountSettings(region="us-east-1", endpoint_url=url, **extra)
    return ToolContext(settings=ToolSettings(aws_accounts={"dev-aws": account}))


DESCRIBE = ("lambda_describe_function", {"account": "dev-aws", "name": "checkout"})


def test_throttling_is_temporary_with_the_providers_delay_and_no_hidden_retries(
    run_tool, fault, fake_aws_credentials
):
    fault.aws_error(429, "TooManyRequestsException", "Rate exceeded", headers={"Retry-After": "7"})
    with pytest.raises(TemporaryToolError) as caught:
        run_tool(context_for(fault.url), *DESCRIBE, execute=True)
    assert str(caught.value) == (
        "AWS is throttling requests in AWS account 'dev-aws' (us-east-1) "
        "(TooManyRequestsException); try again in 7 s."
    )
    assert caught.value.retry_after_s == 7.0
    assert len(fault.requests) == 1, "the client must not retry on its own"
    assert fault.requests[0] == ("GET", "/2015-03-31/functions/checkout/configuration")


@pytest.mark.parametrize(
    ("status", "code", "message", "kind", "expected"),
    [
        (
            409,
            "ResourceConflictException",
            "An update is in progress for resource",
            TemporaryToolError,
            "is busy with another update",
        ),
        (
            409,
            "ResourceConflictException",
            "Alias already exists",
            ToolError,
            "Conflict on Lambda function 'checkout' in AWS account 'dev-aws' (us-east-1): "
            "Alias already exists",
        ),
        (503, "ServiceException", "internal", TemporaryToolError, "AWS Lambda is unavailable"),
        (
            412,
            "PreconditionFailedException",
            "revision mismatch",
            ToolError,
            "changed while this change was applied; review it and retry",
        ),
        (
            403,
            "AccessDeniedException",
            "not authorized to perform lambda:GetFunction",
            ToolError,
            "AWS refused access to Lambda function 'checkout'",
        ),
        (
            400,
            "InvalidParameterValueException",
            "bad\nthing\x1b[31m",
            ToolError,
            "AWS rejected the request for Lambda function 'checkout' in AWS account 'dev-aws' "
            "(us-east-1) (InvalidParameterValueException): bad thing [31m",
        ),
        (
            404,
            "ResourceNotFoundException",
            "Function not found",
            ToolError,
            "Lambda function 'checkout' was not found in AWS account 'dev-aws' (us-east-1).",
        ),
    ],
)
def test_provider_errors_become_clear_answers(
    run_tool, fault, fake_aws_credentials, status, code, message, kind, expected
):
    fault.aws_error(status, code, message)
    with pytest.raises(ToolError) as caught:
        run_tool(context_for(fault.url), *DESCRIBE, execute=True)
    assert type(caught.value) is kind
    assert expected in str(caught.value)
    assert not any(ch in str(caught.value) for ch in "\n\x1b"), "no control characters reach chat"


def test_unreachable_api_is_temporary(run_tool, fake_aws_credentials):
    with socket.socket() as probe:  # a port that was free a moment ago: nothing listens
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        TemporaryToolError, match="Cannot reach the AWS API for AWS account 'dev-aws'"
    ):
        run_tool(context_for(f"http://127.0.0.1:{port}"), *DESCRIBE, execute=True)


def test_a_hung_api_times_out_as_temporary(run_tool, fake_aws_credentials, monkeypatch):
    monkeypatch.setattr("tools.aws.lambda_api.READ_TIMEOUT_S", 0.5)
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(TemporaryToolError, match="Cannot reach the AWS API"):
            run_tool(context_for(url), *DESCRIBE, execute=True)


def test_missing_credentials_or_profile_are_named(
    run_tool, fault, fake_aws_credentials, monkeypatch
):
    for key in ("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN"):
        monkeypatch.delenv(key)
    with pytest.raises(ToolError, match="No AWS credentials for AWS account 'dev-aws'"):
        run_tool(context_for(fault.url), *DESCRIBE, execute=True)
    with pytest.raises(ToolError, match="AWS profile 'ops' is not configured on the bot host"):
        run_tool(context_for(fault.url, profile="ops"), *DESCRIBE, execute=True)
    assert fault.requests == []


def test_not_found_from_moto_names_the_function_and_account(run_tool, aws_ctx):
    with pytest.raises(ToolError) as caught:
        run_tool(aws_ctx, *DESCRIBE, execute=True)
    assert (
        str(caught.value)
        == "Lambda function 'checkout' was not found in AWS account 'dev-aws' (us-east-1)."
    )
    with pytest.raises(ToolError, match="Lambda function 'checkout' was not found"):
        run_tool(aws_ctx, "lambda_delete_function", {"account": "dev-aws", "name": "checkout"})
