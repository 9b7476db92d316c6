"""Argument types of the Lambda tools: names, runtimes, handlers, code locations, env vars.

Each string type carries a `pattern` (the model's decoding grammar needs one) that follows
Lambda's own rules, narrowed where Lambda accepts more than a chat request should name
(function names only, never ARNs; code only from `s3://bucket/key.zip`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from tools.base import StrictArgs
from tools.settings import ALIAS_PATTERN
from tools.validation import (
    MENTIONED,
    MENTIONED_TEXT,
    MENTIONED_VARIABLE,
    EnvValue,
    mentioned_with_key,
    mentioned_with_unit,
)

FUNCTION_NAME = r"^[A-Za-z0-9_-]{1,64}$"
"""Lambda function name: letters, digits, hyphens and underscores, 1-64 characters."""
ALIAS_NAME = r"^[A-Za-z0-9_-]{0,127}[A-Za-z_-][A-Za-z0-9_-]{0,127}$"
"""Lambda alias: like a function name, up to 128 characters, not all digits (that is a version)."""
HANDLER = r"^[A-Za-z0-9_$][A-Za-z0-9_$./:-]{0,127}$"
"""Handler: "app.handler", "index.handler", "com.example.Handler::handleRequest", "bootstrap"."""
ROLE_NAME = r"^[A-Za-z0-9+=,.@_-]{1,64}$"
"""IAM role name (not an ARN): the function's execution role."""
S3_ZIP_URI = r"^s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*'()/-]{0,1019}\.zip$"
"""Code bundle: s3://bucket/key.zip (bucket by S3 naming rules, key in S3's safe characters)."""
ENV_NAME = r"^[A-Za-z][A-Za-z0-9_]{1,127}$"
"""Lambda env var name: a letter, then letters, digits or underscores; at least 2 characters."""
DESCRIPTION = r"^[^\x00-\x1f\x7f]{0,200}$"
"""Free text without control characters."""

MAX_ENV_BYTES = 4096
"""Lambda's limit on the total size of all environment variables."""
MAX_ENV_VARS = 50

# Names Lambda sets itself; setting them is refused by the API (documented reserved keys).
RESERVED_ENV = frozenset(
    {
        "AWS_REGION",
        "AWS_DEFAULT_REGION",
        "AWS_EXECUTION_ENV",
        "AWS_LAMBDA_FUNCTION_NAME",
        "AWS_LAMBDA_FUNCTION_MEMORY_SIZE",
        "AWS_LAMBDA_FUNCTION_VERSION",
        "AWS_LAMBDA_INITIALIZATION_TYPE",
        "AWS_LAMBDA_LOG_GROUP_NAME",
        "AWS_LAMBDA_LOG_STREAM_NAME",
        "AWS_ACCESS_KEY",
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_LAMBDA_RUNTIME_API",
        "LAMBDA_TASK_ROOT",
        "LAMBDA_RUNTIME_DIR",
    }
)


class LambdaRuntime(StrEnum):
    """A supported Lambda runtime."""

    # AWS's supported-runtimes list. Deprecated runtimes (nodejs18.x and older, python3.9
    # and older, ruby3.2, go1.x ...) are left out on purpose; every value is in botocore's
    # `Runtime` enum (tested).

    NODEJS20 = "nodejs20.x"
    NODEJS22 = "nodejs22.x"
    NODEJS24 = "nodejs24.x"
    PYTHON310 = "python3.10"
    PYTHON311 = "python3.11"
    PYTHON312 = "python3.12"
    PYTHON313 = "python3.13"
    PYTHON314 = "python3.14"
    JAVA11 = "java11"
    JAVA17 = "java17"
    JAVA21 = "java21"
    JAVA25 = "java25"
    DOTNET8 = "dotnet8"
    DOTNET10 = "dotnet10"
    RUBY33 = "ruby3.3"
    RUBY34 = "ruby3.4"
    PROVIDED_AL2023 = "provided.al2023"


def check_env_names(names: list[str] | dict[str, str]) -> list[str] | dict[str, str]:
    """Refuse names Lambda reserves for itself."""
    reserved = sorted(set(names) & RESERVED_ENV)
    if reserved:
        raise ValueError(f"{', '.join(reserved)} is set by Lambda itself and cannot be changed")
    return names


def check_env_size(env: dict[str, str]) -> dict[str, str]:
    """Refuse variables larger in total than Lambda allows."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > MAX_ENV_BYTES:
        raise ValueError(f"environment variables total {size} bytes; Lambda allows {MAX_ENV_BYTES}")
    return env


FunctionName = Annotated[
    str, Field(pattern=FUNCTION_NAME, min_length=1, max_length=64, json_schema_extra=MENTIONED)
]
AliasName = Annotated[
    str, Field(pattern=ALIAS_NAME, min_length=1, max_length=128, json_schema_extra=MENTIONED)
]
Handler = Annotated[
    str,
    Field(
        pattern=HANDLER,
        min_length=1,
        max_length=128,
        # typed like one (tools/request_schema.py): "app.handler", "Main::handle", bootstrap
        json_schema_extra={**mentioned_with_key("handler"), "x-names": "handler"},
    ),
]
RoleName = Annotated[
    str,
    Field(
        pattern=ROLE_NAME, min_length=1, max_length=64, json_schema_extra=mentioned_with_key("role")
    ),
]
S3ZipUri = Annotated[
    str, Field(pattern=S3_ZIP_URI, min_length=10, max_length=1090, json_schema_extra=MENTIONED)
]
Description = Annotated[
    str, Field(pattern=DESCRIPTION, max_length=200, json_schema_extra=MENTIONED_TEXT)
]
LambdaEnvName = Annotated[str, Field(pattern=ENV_NAME, min_length=2, max_length=128)]
LambdaEnv = Annotated[
    dict[LambdaEnvName, EnvValue],
    Field(max_length=MAX_ENV_VARS, json_schema_extra=MENTIONED),
    AfterValidator(check_env_names),
    AfterValidator(check_env_size),
]
"""Env vars to set: up to 50, names by Lambda's rules, 4 KB in total."""
LambdaEnvNames = Annotated[
    list[Annotated[LambdaEnvName, Field(json_schema_extra=MENTIONED_VARIABLE)]],
    Field(max_length=MAX_ENV_VARS),
    AfterValidator(check_env_names),
]
MemoryMb = Annotated[int, Field(ge=128, le=10240, json_schema_extra=mentioned_with_unit("memory"))]
TimeoutS = Annotated[int, Field(ge=1, le=900, json_schema_extra=mentioned_with_unit("seconds"))]
VersionNumber = Annotated[int, Field(ge=1, le=1_000_000, json_schema_extra=MENTIONED)]


def split_s3_uri(uri: str) -> tuple[str, str]:
    """("bucket", "path/key.zip") of a validated s3://bucket/path/key.zip."""
    bucket, _, key = uri.removeprefix("s3://").partition("/")
    return bucket, key


class LambdaArgs(StrictArgs):
    """Arguments of every Lambda call: which AWS account (alias) it acts in."""

    account: str | None = Field(
        default=None,
        pattern=ALIAS_PATTERN,
        max_length=32,
        json_schema_extra={"x-live": "aws_account"},
    )
    """AWS account alias such as "prod-aws"; omit when only one account is configured."""


class FunctionArgs(LambdaArgs):
    """Arguments of a call about one Lambda function."""

    name: FunctionName
    """Lambda function name, e.g. "resize-images"."""
