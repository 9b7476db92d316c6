"""Google failures become clear chat answers, and Cloud Functions arguments are checked first.

Faults come from a real local HTTP server answering with Google's JSON error envelope,
parsed by the real google-cloud-functions REST client.
"""

from __future__ import annotations

import re
import socket

import pytest
from cloud_emulators import FaultServer
from google.auth.credentials import AnonymousCredentials
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.base import TemporaryToolError, ToolError
from tools.context import ToolContext
from tools.gcp.gcf_api import FUNCTIONS_CLIENT, build_functions_client
from tools.gcp.gcf_fields import FUNCTION_NAME, RESERVED_ENV
from tools.registry import InvalidCall
from tools.settings import GcpProjectSettings, ToolSettings

DESCRIBE = ("gcf_describe_function", {"project": "dev-gcp", "name": "checkout"})
FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def context_for(url: str, *, anonymous: bool = True) -> ToolContext:
    project = GcpProjectSettings(project="acme-dev", region="us-central1", api_endpoint=url)
    ctx = ToolContext(settings=ToolSettings(gcp_projects={"dev-gcp": project}))
    if anonymous:
        client = build_functions_client(project, credentials=AnonymousCredentials())
        ctx.client(FUNCTIONS_CLIENT, "dev-gcp", lambda: client)
    return ctx


def test_throttling_is_temporary_with_the_providers_delay(run_tool, fault):
    fault.gcp_error(429, "RESOURCE_EXHAUSTED", "Quota exceeded for quota metric 'Read requests'")
    fault.headers = {"Retry-After": "12"}
    with pytest.raises(TemporaryToolError) as caught:
        run_tool(context_for(fault.url), *DESCRIBE, execute=True)
    assert str(caught.value) == (
        "Google Cloud is throttling requests in GCP project 'dev-gcp' (us-central1) "
        "(quota or rate limit); try again in 12 s."
    )
    assert caught.value.retry_after_s == 12.0
    assert len(fault.requests) == 1, "the client must not retry on its own"
    assert fault.requests[0][1].startswith(
        "/v2/projects/acme-dev/locations/us-central1/functions/checkout"
    )


@pytest.mark.parametrize(
    ("status", "grpc", "message", "kind", "expected"),
    [
        (
            409,
            "ALREADY_EXISTS",
            "Function already exists",
            ToolError,
            "Conflict on Cloud Function 'checkout' in GCP project 'dev-gcp' (us-central1): "
            "Function already exists",
        ),
        (409, "ABORTED", "concurrent change", TemporaryToolError, "is busy with another change"),
        (
            503,
            "UNAVAILABLE",
            "backend down",
            TemporaryToolError,
            "Cloud Functions is unavailable in GCP project 'dev-gcp'",
        ),
        (
            403,
            "PERMISSION_DENIED",
            "Permission 'cloudfunctions.functions.get' denied",
            ToolError,
            "Google Cloud refused access to Cloud Function 'checkout'",
        ),
        (
            400,
            "INVALID_ARGUMENT",
            "bad\r\nvalue\x07",
            ToolError,
            "rejected the request for Cloud Function 'checkout' in GCP project 'dev-gcp' "
            "(us-central1): bad value",
        ),
        (
            404,
            "NOT_FOUND",
            "nope",
            ToolError,
            "Cloud Function 'checkout' was not found in GCP project 'dev-gcp' (us-central1).",
        ),
    ],
)
def test_provider_errors_become_clear_answers(
    run_tool, fault, status, grpc, message, kind, expected
):
    fault.gcp_error(status, grpc, message)
    with pytest.raises(ToolError) as caught:
        run_tool(context_for(fault.url), *DESCRIBE, execute=True)
    assert type(caught.value) is kind
    assert expected in str(caught.value)
    assert not re.search(r"[\x00-\x1f]", str(caught.value))


def test_a_deploy_still_running_after_the_wait_is_reported_as_pending(run_tool, fault, monkeypatch):
    monkeypatch.setattr("tools.gcp.gcf_api.OPERATION_WAIT_S", 0.2)
    operation = {"name": "projects/acme-dev/locations/us-central1/operations/op-1", "done": False}
    fault.responder = lambda method, path: (
        (404, {"error": {"code": 404, "message": "no", "status": "NOT_FOUND"}})
        if method == "GET" and "/functions/" in path
        else (200, operation)
    )
    args = {"project": "dev-gcp", "name": "slow", "source": "gs://builds/slow.zip"}
    args |= {"runtime": "python312", "entry_point": "main"}
    result = run_tool(context_for(fault.url), "gcf_deploy_function", args, execute=True)
    assert result.summary.endswith(
        "The operation is still running; check again with gcf_describe_function."
    )
    assert result.data["done"] is False
    assert (
        "POST",
        "/v2/projects/acme-dev/locations/us-central1/functions?functionId=slow&%24alt=json%3Benum-encoding%3Dint",
    ) in fault.requests


def test_unreachable_api_is_temporary(run_tool):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with pytest.raises(
        TemporaryToolError, match="Cannot reach the Cloud Functions API for GCP project 'dev-gcp'"
    ):
        run_tool(context_for(f"http://127.0.0.1:{port}"), *DESCRIBE, execute=True)


def test_a_hung_api_times_out_as_temporary(run_tool, monkeypatch):
    monkeypatch.setattr("tools.gcp.gcf_common.REQUEST_TIMEOUT_S", 0.5)
    with socket.socket() as silent:  # accepts connections (backlog) but never answers
        silent.bind(("127.0.0.1", 0))
        silent.listen(8)
        url = f"http://127.0.0.1:{silent.getsockname()[1]}"
        with pytest.raises(TemporaryToolError, match="Cannot reach the Cloud Functions API"):
            run_tool(context_for(url), *DESCRIBE, execute=True)


def test_missing_application_default_credentials_are_named(run_tool, fault, monkeypatch, tmp_path):
    monkeypatch.setenv("GOOGLE_APPLICATION_CREDENTIALS", str(tmp_path / "missing.json"))
    with pytest.raises(ToolError, match="No Google credentials for project acme-dev"):
        run_tool(context_for(fault.url, anonymous=False), *DESCRIBE, execute=True)
    assert fault.requests == []


@pytest.fixture(scope="module")
def trap():
    """A Functions endpoint that counts requests: invalid calls must never reach it."""
    server = FaultServer().start()
    server.gcp_error(500, "INTERNAL", "should not be called")
    yield server
    server.stop()


def refused(registry, server, args: dict, tool: str = "gcf_update_config") -> bool:
    seen = len(server.requests)
    try:
        registry.parse_call({"tool": tool, "args": args})
    except InvalidCall:
        return len(server.requests) == seen
    return False


@FUZZ
@given(name=st.text(max_size=70))
def test_function_names_follow_gcf_rules(cloud_registry, trap, name):
    args = {"project": "dev-gcp", "name": name, "timeout_s": 5}
    if re.fullmatch(r"[a-z]([a-z0-9-]{0,61}[a-z0-9])?", name):
        assert cloud_registry.parse_call({"tool": "gcf_update_config", "args": args})
    else:
        assert refused(cloud_registry, trap, args)


@FUZZ
@given(
    name=st.from_regex(FUNCTION_NAME, fullmatch=True),
    number=st.integers(0, 70000),
    unit=st.sampled_from(["Mi", "Gi", "M", "G", "Ki", "", "MB", "gb"]),
    timeout=st.integers(-10, 5000),
)
def test_memory_and_timeout_bounds(cloud_registry, trap, name, number, unit, timeout):
    args = {"project": "dev-gcp", "name": name, "memory": f"{number}{unit}", "timeout_s": timeout}
    scale = {"Mi": 2**20, "Gi": 2**30, "M": 10**6, "G": 10**9}.get(unit)
    in_range = scale is not None and 128 * 2**20 <= number * scale <= 32 * 2**30
    if in_range and 1 <= timeout <= 3600 and len(str(number)) <= 6:
        call = cloud_registry.parse_call({"tool": "gcf_update_config", "args": args})
        assert call.args.timeout_s == timeout
    else:
        assert refused(cloud_registry, trap, args)


BAD_CALLS = [
    ("gcf_deploy_function", {"name": "f", "source": "s3://bucket/f.zip"}),
    ("gcf_deploy_function", {"name": "f", "source": "gs://bucket/f.jar"}),
    ("gcf_deploy_function", {"name": "f", "source": "gs://b/f.zip", "runtime": "python27"}),
    ("gcf_deploy_function", {"name": "f", "source": "gs://bucket/f.zip", "entry_point": "main()"}),
    (
        "gcf_deploy_function",
        {"name": "f", "source": "gs://bucket/f.zip", "env": {"X_GOOGLE_FOO": "1"}},
    ),
    ("gcf_deploy_function", {"name": "f", "source": "gs://bucket/f.zip", "credentials": "{...}"}),
    ("gcf_update_config", {"name": "f"}),
    ("gcf_update_config", {"name": "f", "min_instances": 5, "max_instances": 2}),
    ("gcf_update_config", {"name": "f", "env_set": {"A": "1"}, "env_unset": ["A"]}),
    ("gcf_update_config", {"name": "f", "env_unset": sorted(RESERVED_ENV)[:1]}),
    ("gcf_update_config", {"name": "f", "memory": "64Gi"}),
    ("gcf_describe_function", {"name": "Resize"}),
    ("gcf_describe_function", {"name": "projects/p/locations/l/functions/f"}),
    ("gcf_list_functions", {"project": "Prod GCP"}),
]


@pytest.mark.parametrize(("tool", "args"), BAD_CALLS)
def test_known_bad_calls_are_refused_before_the_api(cloud_registry, trap, tool, args):
    assert refused(cloud_registry, trap, {"project": "dev-gcp", **args}, tool)
