"""Lambda arguments are validated before any API call (hypothesis fuzz + known bad cases)."""

from __future__ import annotations

import re

import botocore.session
import pytest
from cloud_emulators import FaultServer
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tools.aws.lambda_fields import FUNCTION_NAME, RESERVED_ENV, LambdaRuntime
from tools.context import ToolContext
from tools.registry import InvalidCall
from tools.settings import AwsAccountSettings, ToolSettings

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@pytest.fixture(scope="module")
def trap():
    """An API endpoint that counts requests: invalid calls must never reach it."""
    server = FaultServer().start()
    server.aws_error(500, "ServiceException", "should not be called")
    settings_ = ToolSettings(
        aws_accounts={"dev-aws": AwsAccountSettings(region="us-east-1", endpoint_url=server.url)}
    )
    yield server, ToolContext(settings=settings_)
    server.stop()


def refused(registry, trap, tool: str, args: dict) -> bool:
    """True when the call is rejected at parsing and nothing reached the API."""
    server, ctx = trap
    seen = len(server.requests)
    try:
        call = registry.parse_call({"tool": tool, "args": args})
    except InvalidCall:
        return len(server.requests) == seen
    registry.get(tool).plan(call.args, ctx)  # pragma: no cover - only reached on a bug
    return False


def test_runtimes_are_from_the_providers_list():
    enum = botocore.session.get_session().get_service_model("lambda").shape_for("Runtime").enum
    assert {r.value for r in LambdaRuntime} <= set(enum)
    assert "python2.7" not in {r.value for r in LambdaRuntime}, "deprecated runtimes are refused"


@FUZZ
@given(name=st.text(max_size=80))
def test_function_names_follow_lambda_rules(cloud_registry, trap, name):
    args = {"account": "dev-aws", "name": name}
    if re.fullmatch(r"[A-Za-z0-9_-]{1,64}", name):
        assert cloud_registry.parse_call({"tool": "lambda_describe_function", "args": args})
    else:
        assert refused(cloud_registry, trap, "lambda_describe_function", args)


@FUZZ
@given(
    name=st.from_regex(FUNCTION_NAME, fullmatch=True),
    memory=st.integers(-(10**6), 10**6),
    timeout=st.integers(-5000, 5000),
)
def test_memory_and_timeout_bounds(cloud_registry, trap, name, memory, timeout):
    args = {"account": "dev-aws", "name": name, "memory_mb": memory, "timeout_s": timeout}
    if 128 <= memory <= 10240 and 1 <= timeout <= 900:
        call = cloud_registry.parse_call({"tool": "lambda_update_config", "args": args})
        assert call.args.memory_mb == memory
    else:
        assert refused(cloud_registry, trap, "lambda_update_config", args)


@FUZZ
@given(env=st.dictionaries(st.text(max_size=12), st.text(max_size=20), max_size=4))
def test_env_names_and_values(cloud_registry, trap, env):
    args = {"account": "dev-aws", "name": "f", "env_set": env}
    ok_names = all(
        re.fullmatch(r"[A-Za-z][A-Za-z0-9_]{1,127}", k) and k not in RESERVED_ENV for k in env
    )
    ok_values = all(not re.search(r"[\x00-\x1f\x7f]", v) for v in env.values())
    if env and ok_names and ok_values:
        assert cloud_registry.parse_call({"tool": "lambda_update_config", "args": args})
    elif not (ok_names and ok_values):
        assert refused(cloud_registry, trap, "lambda_update_config", args)


@FUZZ
@given(
    uri=st.text(max_size=60)
    | st.from_regex(r"s3://[a-zA-Z0-9._ -]{0,10}/[^\n]{0,20}", fullmatch=True)
)
def test_code_must_be_an_s3_zip(cloud_registry, trap, uri):
    args = {"account": "dev-aws", "name": "f", "code": uri}
    if not re.fullmatch(
        r"s3://[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]/[A-Za-z0-9!_.*'()/-]{0,1019}\.zip", uri
    ):
        assert refused(cloud_registry, trap, "lambda_deploy_function", args)


BAD_CALLS = [
    ("lambda_deploy_function", {"name": "f", "code": "https://bucket/f.zip"}),
    ("lambda_deploy_function", {"name": "f", "code": "s3://Bucket/f.zip"}),
    ("lambda_deploy_function", {"name": "f", "code": "s3://bucket/f.tar.gz"}),
    ("lambda_deploy_function", {"name": "f", "code": "s3://bucket/f.zip", "runtime": "python2.7"}),
    (
        "lambda_deploy_function",
        {"name": "f", "code": "s3://bucket/f.zip", "handler": "app handler"},
    ),
    (
        "lambda_deploy_function",
        {"name": "f", "code": "s3://bucket/f.zip", "role": "arn:aws:iam::1:role/x"},
    ),
    (
        "lambda_deploy_function",
        {"name": "f", "code": "s3://bucket/f.zip", "env": {"AWS_REGION": "x"}},
    ),
    (
        "lambda_deploy_function",
        {
            "name": "f",
            "code": "s3://bucket/f.zip",
            "env": {"BIG": "x" * 999, **{f"K{i}": "y" * 999 for i in range(4)}},
        },
    ),
    ("lambda_deploy_function", {"name": "f", "code": "s3://bucket/f.zip", "access_key": "AKIA..."}),
    ("lambda_update_config", {"name": "f"}),
    ("lambda_update_config", {"name": "f", "env_set": {"KEY": "1"}, "env_unset": ["KEY"]}),
    ("lambda_update_config", {"name": "f", "runtime": "nodejs18.x"}),
    ("lambda_move_alias", {"name": "f", "alias": "123", "version": 1}),
    ("lambda_move_alias", {"name": "f", "alias": "live", "version": 0}),
    ("lambda_move_alias", {"name": "f", "alias": "live", "version": "$LATEST"}),
    ("lambda_describe_function", {"name": "arn:aws:lambda:us-east-1:123456789012:function:f"}),
    ("lambda_describe_function", {"name": "f; rm -rf /"}),
    ("lambda_list_functions", {"limit": 0}),
    ("lambda_list_functions", {"account": "Prod AWS"}),
    ("lambda_publish_version", {"name": "f", "description": "line\nbreak"}),
]


@pytest.mark.parametrize(("tool", "args"), BAD_CALLS)
def test_known_bad_calls_are_refused_before_the_api(cloud_registry, trap, tool, args):
    assert refused(cloud_registry, trap, tool, {"account": "dev-aws", **args})
