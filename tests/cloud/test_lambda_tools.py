"""Lambda tools against moto_server over HTTP: deploy, configure, read, delete, risk."""

from __future__ import annotations

import pytest

from tools.base import Risk, ToolError
from tools.context import ToolContext
from tools.settings import AwsAccountSettings, ToolSettings

LAMBDA_TOOLS = {
    "lambda_list_functions",
    "lambda_describe_function",
    "lambda_deploy_function",
    "lambda_update_config",
    "lambda_publish_version",
    "lambda_move_alias",
    "lambda_rollback_alias",
    "lambda_delete_function",
}


def deploy(run_tool, ctx, uri, *, name="resize", execute=True, **extra):
    args = {"account": "dev-aws", "name": name, "code": uri, **extra}
    return run_tool(ctx, "lambda_deploy_function", args, execute=execute)


def create(run_tool, ctx, uri, *, name="resize", **extra):
    settings = {"runtime": "python3.12", "handler": "app.handler", "role": "lambda-exec"}
    return deploy(run_tool, ctx, uri, name=name, **{**settings, **extra})


def test_catalogue_names_and_account_field_are_live(cloud_registry):
    assert LAMBDA_TOOLS <= set(cloud_registry.names())
    for name in LAMBDA_TOOLS:
        schema = cloud_registry.args_model(name).model_json_schema()
        assert schema["properties"]["account"]["x-live"] == "aws_account"
    live = cloud_registry.call_schema(live={"aws_account": ["dev-aws", "prod-aws"]})
    assert '"enum": ["dev-aws", "prod-aws"]' in __import__("json").dumps(live)


def test_deploy_creates_a_function_and_its_plan_writes_nothing(
    run_tool, aws_ctx, aws, lambda_world, lambda_state
):
    uri = lambda_world("resize-1.zip")
    plan = create(run_tool, aws_ctx, uri, execute=False, memory_mb=512, env={"LOG_LEVEL": "info"})
    assert plan.summary.startswith("Create Lambda function resize in AWS account 'dev-aws'")
    assert "+runtime: python3.12" in plan.diff and "+memory_mb: 512" in plan.diff
    assert "info" not in plan.diff, "env values are never shown"
    assert lambda_state() == {}

    result = create(run_tool, aws_ctx, uri, memory_mb=512, env={"LOG_LEVEL": "info"})
    assert "Created Lambda function resize" in result.summary
    config = aws("lambda").get_function_configuration(FunctionName="resize")
    assert (config["Runtime"], config["Handler"], config["MemorySize"]) == (
        "python3.12",
        "app.handler",
        512,
    )
    assert config["Environment"]["Variables"] == {"LOG_LEVEL": "info"}
    assert config["Role"].endswith(":role/lambda-exec")


def test_deploy_updates_code_and_merges_settings(
    run_tool, aws_ctx, aws, lambda_world, lambda_state
):
    create(run_tool, aws_ctx, lambda_world("v1.zip"), env={"AA": "1"})
    before = aws("lambda").get_function_configuration(FunctionName="resize")
    uri = lambda_world("v2.zip", "def handler(e, c):\n    return 2\n")

    snapshot = lambda_state()
    plan = deploy(run_tool, aws_ctx, uri, execute=False, memory_mb=1024, env={"BB": "2"})
    assert lambda_state() == snapshot
    assert "-memory_mb: 128" in plan.diff and "+memory_mb: 1024" in plan.diff
    assert "+  BB: hidden (" in plan.diff and f"+code: {uri}" in plan.diff

    result = deploy(run_tool, aws_ctx, uri, memory_mb=1024, env={"BB": "2"})
    after = aws("lambda").get_function_configuration(FunctionName="resize")
    assert after["CodeSha256"] != before["CodeSha256"]
    assert after["MemorySize"] == 1024 and after["Runtime"] == "python3.12"
    assert after["Environment"]["Variables"] == {"AA": "1", "BB": "2"}
    assert result.data["settings"] == ["Environment", "MemorySize"]


def test_deploy_of_a_new_function_names_what_it_needs(
    run_tool, aws_ctx, lambda_world, lambda_state
):
    uri = lambda_world()
    with pytest.raises(ToolError, match="creating it needs runtime, handler, role"):
        deploy(run_tool, aws_ctx, uri)
    with pytest.raises(ToolError, match="creating it needs role"):
        deploy(run_tool, aws_ctx, uri, runtime="nodejs22.x", handler="index.handler")
    assert lambda_state() == {}


def test_deploy_refuses_a_missing_bundle_or_role_before_writing(
    run_tool, aws_ctx, lambda_world, lambda_state
):
    uri = lambda_world()
    missing = uri.replace("app.zip", "nope.zip")
    with pytest.raises(
        ToolError, match=f"Code bundle {missing} was not found in AWS account 'dev-aws'"
    ):
        create(run_tool, aws_ctx, missing, execute=True)
    with pytest.raises(ToolError, match="IAM role 'ghost' was not found"):
        create(run_tool, aws_ctx, uri, role="ghost")
    assert lambda_state() == {}


def test_list_and_describe(run_tool, aws_ctx, lambda_world):
    uri = lambda_world()
    for name in ("billing-a", "billing-b", "resize"):
        create(run_tool, aws_ctx, uri, name=name, env={"DB_PASSWORD": "s3cret"})
    listed = run_tool(
        aws_ctx, "lambda_list_functions", {"account": "dev-aws", "prefix": "billing-"}, execute=True
    )
    assert [f["name"] for f in listed.data["functions"]] == ["billing-a", "billing-b"]
    assert "2 Lambda functions starting with 'billing-'" in listed.summary
    limited = run_tool(
        aws_ctx, "lambda_list_functions", {"account": "dev-aws", "limit": 1}, execute=True
    )
    assert limited.data["total"] == 3 and len(limited.data["functions"]) == 1

    described = run_tool(
        aws_ctx, "lambda_describe_function", {"account": "dev-aws", "name": "resize"}, execute=True
    )
    assert "python3.12, handler app.handler, 128 MB, timeout 3 s" in described.summary
    assert "Env vars: DB_PASSWORD." in described.summary
    assert "s3cret" not in described.summary + str(described.data)
    plan = run_tool(aws_ctx, "lambda_describe_function", {"account": "dev-aws", "name": "resize"})
    assert plan.summary.startswith("Read only")


def test_update_config_changes_only_what_differs(
    run_tool, aws_ctx, aws, lambda_world, lambda_state
):
    create(run_tool, aws_ctx, lambda_world(), env={"AA": "1", "BB": "2"})
    args = {
        "account": "dev-aws",
        "name": "resize",
        "memory_mb": 2048,
        "timeout_s": 300,
        "env_set": {"CC": "3"},
        "env_unset": ["AA"],
    }
    snapshot = lambda_state()
    plan = run_tool(aws_ctx, "lambda_update_config", args)
    assert lambda_state() == snapshot
    assert "+timeout_s: 300" in plan.diff and "-  AA: hidden (" in plan.diff
    run_tool(aws_ctx, "lambda_update_config", args, execute=True)
    config = aws("lambda").get_function_configuration(FunctionName="resize")
    assert (config["MemorySize"], config["Timeout"]) == (2048, 300)
    assert config["Environment"]["Variables"] == {"BB": "2", "CC": "3"}

    again = run_tool(aws_ctx, "lambda_update_config", args, execute=True)
    assert again.summary.startswith("Nothing to do") and again.data["not_set"] == ["AA"]


def test_update_config_of_a_missing_function_is_a_clear_error(run_tool, aws_ctx, moto_url):
    with pytest.raises(
        ToolError,
        match=r"Lambda function 'ghost' was not found in AWS account 'dev-aws' \(us-east-1\)",
    ):
        run_tool(
            aws_ctx, "lambda_update_config", {"account": "dev-aws", "name": "ghost", "timeout_s": 5}
        )


def test_delete_plans_then_deletes(run_tool, aws_ctx, aws, lambda_world, lambda_state):
    create(run_tool, aws_ctx, lambda_world())
    aws("lambda").publish_version(FunctionName="resize")
    aws("lambda").create_alias(FunctionName="resize", Name="live", FunctionVersion="1")
    snapshot = lambda_state()
    plan = run_tool(aws_ctx, "lambda_delete_function", {"account": "dev-aws", "name": "resize"})
    assert (
        "DELETE Lambda function resize" in plan.summary
        and "1 published versions and 1 aliases (live)" in plan.summary
    )
    assert "-runtime: python3.12" in plan.diff
    assert lambda_state() == snapshot
    run_tool(
        aws_ctx, "lambda_delete_function", {"account": "dev-aws", "name": "resize"}, execute=True
    )
    assert lambda_state() == {}


@pytest.mark.parametrize(
    ("name", "args", "dev", "prod"),
    [
        ("lambda_list_functions", {}, Risk.READ, Risk.READ),
        (
            "lambda_deploy_function",
            {"name": "f", "code": "s3://b-1/f.zip"},
            Risk.WRITE,
            Risk.DESTRUCTIVE,
        ),
        ("lambda_update_config", {"name": "f", "timeout_s": 9}, Risk.WRITE, Risk.DESTRUCTIVE),
        ("lambda_publish_version", {"name": "f"}, Risk.WRITE, Risk.WRITE),
        (
            "lambda_move_alias",
            {"name": "f", "alias": "live", "version": 2},
            Risk.WRITE,
            Risk.DESTRUCTIVE,
        ),
        ("lambda_rollback_alias", {"name": "f", "alias": "live"}, Risk.WRITE, Risk.WRITE),
        ("lambda_delete_function", {"name": "f"}, Risk.DESTRUCTIVE, Risk.DESTRUCTIVE),
    ],
)
def test_risk_comes_from_tool_and_account(cloud_registry, aws_ctx, name, args, dev, prod):
    for account, expected in (("dev-aws", dev), ("prod-aws", prod)):
        call = cloud_registry.parse_call({"tool": name, "args": {"account": account, **args}})
        assert cloud_registry.risk(call, aws_ctx) == expected
        target = cloud_registry.get(name).target(call.args, aws_ctx)
        assert (target.kind, target.scope) == ("aws", account)
    unknown = cloud_registry.parse_call({"tool": name, "args": {"account": "nowhere", **args}})
    assert cloud_registry.risk(unknown, aws_ctx) == Risk.DESTRUCTIVE, "unknown account fails closed"


def test_account_alias_is_resolved_from_settings(run_tool, aws_ctx, moto_url, aws, lambda_world):
    with pytest.raises(ToolError, match="Which AWS account\\? Known accounts: dev-aws, prod-aws"):
        run_tool(aws_ctx, "lambda_list_functions", {}, execute=True)
    with pytest.raises(ToolError, match="Unknown AWS account 'qa-aws'"):
        run_tool(aws_ctx, "lambda_list_functions", {"account": "qa-aws"}, execute=True)
    create(run_tool, aws_ctx, lambda_world(region="eu-west-1"), name="eu-only", account="prod-aws")
    assert aws("lambda", "eu-west-1").list_functions()["Functions"][0]["FunctionName"] == "eu-only"
    assert aws("lambda", "us-east-1").list_functions()["Functions"] == []
    single = ToolContext(
        settings=ToolSettings(
            aws_accounts={"only": AwsAccountSettings(region="eu-west-1", endpoint_url=moto_url)}
        )
    )
    listed = run_tool(single, "lambda_list_functions", {}, execute=True)
    assert [f["name"] for f in listed.data["functions"]] == ["eu-only"]
