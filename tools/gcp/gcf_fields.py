"""Argument types of the Cloud Functions (2nd gen) tools: names, runtimes, memory, sources, env.

Each string type carries a `pattern` following Cloud Functions' own rules, narrowed where
the API accepts more than a chat request should name (function ids only, never full
resource names; source only from `gs://bucket/object.zip`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import AfterValidator, Field

from tools.base import StrictArgs
from tools.settings import ALIAS_PATTERN
from tools.validation import (
    MENTIONED,
    EnvName,
    EnvValue,
    TypedEnvName,
    format_memory,
    mentioned_with_key,
    mentioned_with_unit,
    parse_quantity,
)

FUNCTION_NAME = r"^[a-z]([a-z0-9-]{0,61}[a-z0-9])?$"
"""2nd gen function id: lowercase letters, digits and hyphens; starts with a letter, <= 63."""
ENTRY_POINT = r"^[A-Za-z_][A-Za-z0-9_.]{0,127}$"
"""Function to run in the source: "main", "handle_request", "com.example.Function"."""
GS_ZIP_URI = r"^gs://[a-z0-9][a-z0-9._-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*'()/-]{0,1019}\.zip$"
"""Source bundle: gs://bucket/object.zip (bucket by Cloud Storage naming rules)."""
MEMORY = r"^[0-9]{1,6}(\.[0-9]{1,3})?(M|G|Mi|Gi)$"
"""Memory with a unit: "256Mi", "1Gi", "512M", "2G" (binary units preferred)."""

MEMORY_MIN, MEMORY_MAX = parse_quantity("128Mi"), parse_quantity("32Gi")
MAX_ENV_BYTES = 32 * 1024
MAX_ENV_VARS = 50
RESERVED_ENV = frozenset(
    {
        "FUNCTION_TARGET",
        "FUNCTION_SIGNATURE_TYPE",
        "K_SERVICE",
        "K_REVISION",
        "K_CONFIGURATION",
        "PORT",
    }
)
"""Names Cloud Functions sets itself (plus anything starting with X_GOOGLE_)."""


class GcfRuntime(StrEnum):
    """A supported Cloud Functions runtime."""

    # The generally available 2nd gen runtimes (`gcloud functions runtimes list`), without
    # deprecated ones (nodejs18 and older, python39 and older, go121 and older ...).
    NODEJS20 = "nodejs20"
    NODEJS22 = "nodejs22"
    PYTHON310 = "python310"
    PYTHON311 = "python311"
    PYTHON312 = "python312"
    PYTHON313 = "python313"
    GO122 = "go122"
    GO123 = "go123"
    JAVA17 = "java17"
    JAVA21 = "java21"
    RUBY33 = "ruby33"
    RUBY34 = "ruby34"
    PHP83 = "php83"
    PHP84 = "php84"
    DOTNET8 = "dotnet8"


def check_memory(text: str) -> str:
    """Memory within Cloud Functions' 128Mi..32Gi, in canonical form ("2048Mi" -> "2Gi")."""
    value = parse_quantity(text)
    if not MEMORY_MIN <= value <= MEMORY_MAX:
        raise ValueError(f"memory '{text}' is out of range: Cloud Functions allows 128Mi to 32Gi")
    return format_memory(value)


def check_env_names(names: list[str] | dict[str, str]) -> list[str] | dict[str, str]:
    """Refuse names Cloud Functions reserves for itself."""
    reserved = sorted(n for n in names if n in RESERVED_ENV or n.startswith("X_GOOGLE_"))
    if reserved:
        raise ValueError(f"{', '.join(reserved)} is set by Cloud Functions and cannot be changed")
    return names


def check_env_size(env: dict[str, str]) -> dict[str, str]:
    """Refuse variables larger in total than Cloud Functions allows."""
    size = sum(len(k.encode()) + len(v.encode()) for k, v in env.items())
    if size > MAX_ENV_BYTES:
        raise ValueError(f"environment variables total {size} bytes; the limit is {MAX_ENV_BYTES}")
    return env


FunctionName = Annotated[
    str, Field(pattern=FUNCTION_NAME, min_length=1, max_length=63, json_schema_extra=MENTIONED)
]
EntryPoint = Annotated[
    str,
    Field(
        pattern=ENTRY_POINT,
        min_length=1,
        max_length=128,
        json_schema_extra=mentioned_with_key("entry_point"),
    ),
]
GsZipUri = Annotated[
    str, Field(pattern=GS_ZIP_URI, min_length=10, max_length=1090, json_schema_extra=MENTIONED)
]
GcfMemory = Annotated[
    str,
    Field(pattern=MEMORY, max_length=12, json_schema_extra=mentioned_with_unit("memory")),
    AfterValidator(check_memory),
]
"""Memory 128Mi..32Gi, canonicalized."""
TimeoutS = Annotated[int, Field(ge=1, le=3600, json_schema_extra=mentioned_with_unit("seconds"))]
GcfEnv = Annotated[
    dict[EnvName, EnvValue],
    Field(max_length=MAX_ENV_VARS, json_schema_extra=MENTIONED),
    AfterValidator(check_env_names),
    AfterValidator(check_env_size),
]
"""Env vars to set: up to 50, identifier names, printable values."""
GcfEnvNames = Annotated[
    list[TypedEnvName], Field(max_length=MAX_ENV_VARS), AfterValidator(check_env_names)
]


def split_gs_uri(uri: str) -> tuple[str, str]:
    """("bucket", "path/object.zip") of a validated gs://bucket/path/object.zip."""
    bucket, _, key = uri.removeprefix("gs://").partition("/")
    return bucket, key


class GcfArgs(StrictArgs):
    """Arguments of every Cloud Functions call: which GCP project (alias) it acts in."""

    project: str | None = Field(
        default=None,
        pattern=ALIAS_PATTERN,
        max_length=32,
        json_schema_extra={"x-live": "gcp_project"},
    )
    """GCP project alias such as "prod-gcp"; omit when only one project is configured."""


class FunctionArgs(GcfArgs):
    """Arguments of a call about one Cloud Function."""

    name: FunctionName
    """Function name, e.g. "resize-images"."""
