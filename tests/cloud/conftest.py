"""Cloud fixtures: moto_server and drongo as real processes, settings pointing at them.

Each emulator runs once per session on an ephemeral port and is reset before every test
through its management API, so tests never see each other's functions.
"""

from __future__ import annotations

import io
import os
import zipfile
from collections.abc import Callable, Iterator

import httpx
import pytest
from cloud_emulators import EmulatorProcess, FaultServer, start_drongo, start_moto

from tools.context import ToolContext
from tools.registry import ToolRegistry
from tools.settings import AwsAccountSettings, GcpProjectSettings, ToolSettings

FAKE_AWS_ENV = {
    "AWS_ACCESS_KEY_ID": "testing",
    "AWS_SECRET_ACCESS_KEY": "testing",
    "AWS_SESSION_TOKEN": "testing",
    "AWS_DEFAULT_REGION": "us-east-1",
    "AWS_CONFIG_FILE": "/nonexistent/aws-config",
    "AWS_SHARED_CREDENTIALS_FILE": "/nonexistent/aws-credentials",
    "AWS_EC2_METADATA_DISABLED": "true",
}
ROLE_POLICY = '{"Version":"2012-10-17","Statement":[]}'


@pytest.fixture(scope="session")
def fake_aws_credentials() -> Iterator[dict[str, str]]:
    """Credentials for the emulators only, in this process's environment (provider chain)."""
    with pytest.MonkeyPatch.context() as patch:
        for key, value in FAKE_AWS_ENV.items():
            patch.setenv(key, value)
        patch.delenv("AWS_PROFILE", raising=False)
        yield dict(os.environ)


@pytest.fixture(scope="session")
def moto_server(fake_aws_credentials) -> Iterator[EmulatorProcess]:
    server = start_moto(fake_aws_credentials)
    yield server
    server.stop()


@pytest.fixture()
def moto_url(moto_server) -> str:
    """URL of a freshly reset moto_server."""
    httpx.post(f"{moto_server.url}/moto-api/reset", timeout=10).raise_for_status()
    return moto_server.url


@pytest.fixture()
def aws_settings(moto_url) -> ToolSettings:
    """dev-aws (us-east-1) and prod-aws (eu-west-1, production), both on moto."""
    return ToolSettings(
        aws_accounts={
            "dev-aws": AwsAccountSettings(region="us-east-1", endpoint_url=moto_url),
            "prod-aws": AwsAccountSettings(
                region="eu-west-1", endpoint_url=moto_url, production=True
            ),
        }
    )


@pytest.fixture()
def aws_ctx(aws_settings) -> ToolContext:
    return ToolContext(settings=aws_settings)


@pytest.fixture()
def aws(moto_url) -> Callable[..., object]:
    """boto3 clients on moto for arranging and inspecting state (not the tools' clients)."""
    import boto3

    def make(service: str, region: str = "us-east-1") -> object:
        return boto3.client(service, region_name=region, endpoint_url=moto_url)

    return make


def make_zip(files: dict[str, str]) -> bytes:
    """A code bundle holding `files`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as bundle:
        for name, text in files.items():
            bundle.writestr(name, text)
    return buffer.getvalue()


@pytest.fixture()
def lambda_world(aws) -> Callable[..., str]:
    """Arranges a role and code bundles; returns `upload(key, text, region)` -> s3 URI."""
    aws("iam").create_role(RoleName="lambda-exec", AssumeRolePolicyDocument=ROLE_POLICY)
    made: set[str] = set()

    def upload(
        key: str = "app.zip",
        text: str = "def handler(e, c):\n    return 1\n",
        region: str = "us-east-1",
    ) -> str:
        s3 = aws("s3", region)
        bucket = f"code-{region}"
        if bucket not in made:
            extra = (
                {}
                if region == "us-east-1"
                else {"CreateBucketConfiguration": {"LocationConstraint": region}}
            )
            s3.create_bucket(Bucket=bucket, **extra)
            made.add(bucket)
        s3.put_object(Bucket=bucket, Key=key, Body=make_zip({"app.py": text}))
        return f"s3://{bucket}/{key}"

    return upload


@pytest.fixture()
def fault() -> Iterator[FaultServer]:
    server = FaultServer().start()
    yield server
    server.stop()


@pytest.fixture(scope="session")
def drongo_server() -> Iterator[EmulatorProcess]:
    server = start_drongo(dict(os.environ))
    yield server
    server.stop()


@pytest.fixture()
def drongo_url(drongo_server) -> str:
    """URL of a freshly reset drongo server."""
    httpx.post(f"{drongo_server.url}/drongo/reset", timeout=10).raise_for_status()
    return drongo_server.url


@pytest.fixture()
def gcp_settings(drongo_url) -> ToolSettings:
    """dev-gcp (us-central1) and prod-gcp (europe-west1, production), both on drongo."""
    return ToolSettings(
        gcp_projects={
            "dev-gcp": GcpProjectSettings(
                project="acme-dev", region="us-central1", api_endpoint=drongo_url
            ),
            "prod-gcp": GcpProjectSettings(
                project="acme-prod", region="europe-west1", api_endpoint=drongo_url, production=True
            ),
        }
    )


@pytest.fixture()
def gcp_ctx(gcp_settings) -> ToolContext:
    """Context whose Functions clients use anonymous credentials (tests only)."""
    from google.auth.credentials import AnonymousCredentials

    from tools.gcp.gcf_api import FUNCTIONS_CLIENT, build_functions_client

    ctx = ToolContext(settings=gcp_settings)
    for alias, project in gcp_settings.gcp_projects.items():
        client = build_functions_client(project, credentials=AnonymousCredentials())
        ctx.client(FUNCTIONS_CLIENT, alias, lambda client=client: client)
    return ctx


@pytest.fixture(scope="session")
def cloud_registry() -> ToolRegistry:
    """A registry of the cloud tools only (independent of other areas' tools)."""
    from tools.registry import _discover

    return ToolRegistry(_discover(("tools.aws", "tools.gcp")))


@pytest.fixture()
def run_tool(cloud_registry) -> Callable[..., object]:
    """`run_tool(ctx, name, args, execute=False)`: parse like model output, then plan or execute."""

    def run(ctx: ToolContext, name: str, args: dict, *, execute: bool = False) -> object:
        call = cloud_registry.parse_call({"tool": name, "args": args})
        tool = cloud_registry.get(call.tool)
        return tool.execute(call.args, ctx) if execute else tool.plan(call.args, ctx)

    return run


@pytest.fixture()
def lambda_state(aws) -> Callable[[str], dict]:
    """All observable state of the Lambda functions of a region (proves plans write nothing)."""

    def snapshot(region: str = "us-east-1") -> dict:
        client = aws("lambda", region)
        state = {}
        for function in client.list_functions()["Functions"]:
            name = function["FunctionName"]
            state[name] = {
                "config": client.get_function_configuration(FunctionName=name),
                "versions": client.list_versions_by_function(FunctionName=name)["Versions"],
                "aliases": client.list_aliases(FunctionName=name)["Aliases"],
            }
        for entry in state.values():
            entry["config"].pop("ResponseMetadata", None)
        return state

    return snapshot
