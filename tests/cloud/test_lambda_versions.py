"""Lambda versions and aliases against moto_server: publish, move, roll back."""

from __future__ import annotations

import pytest

from tools.base import ToolError

ACCOUNT = {"account": "dev-aws", "name": "checkout"}


@pytest.fixture()
def checkout(run_tool, aws_ctx, aws, lambda_world):
    """A function `checkout` with `code_versions` bundles uploaded; returns a publisher."""
    uri = lambda_world("c1.zip")
    args = {
        **ACCOUNT,
        "code": uri,
        "runtime": "python3.12",
        "handler": "app.handler",
        "role": "lambda-exec",
    }
    run_tool(aws_ctx, "lambda_deploy_function", args, execute=True)
    lam = aws("lambda")

    def publish_new(number: int) -> str:
        """Deploy new code and publish it; returns the version Lambda gave it."""
        if number > 1:
            code = lambda_world(f"c{number}.zip", f"def handler(e, c):\n    return {number}\n")
            lam.update_function_code(
                FunctionName="checkout", S3Bucket=code[5:].split("/")[0], S3Key=f"c{number}.zip"
            )
        return lam.publish_version(FunctionName="checkout")["Version"]

    return publish_new


def test_publish_version_plans_then_publishes_once(run_tool, aws_ctx, aws, checkout, lambda_state):
    snapshot = lambda_state()
    plan = run_tool(aws_ctx, "lambda_publish_version", ACCOUNT)
    assert plan.summary.startswith("Publish a new version of Lambda function checkout")
    assert lambda_state() == snapshot

    result = run_tool(
        aws_ctx, "lambda_publish_version", {**ACCOUNT, "description": "release 1.0"}, execute=True
    )
    assert result.data["version"] == 1 and "Published version 1" in result.summary
    versions = aws("lambda").list_versions_by_function(FunctionName="checkout")["Versions"]
    assert [v["Version"] for v in versions] == ["$LATEST", "1"]

    again = run_tool(aws_ctx, "lambda_publish_version", ACCOUNT, execute=True)
    assert (
        again.summary.startswith("Nothing to publish: version 1")
        and again.data["published"] is False
    )


def test_move_alias_creates_then_moves_and_notes_previous(
    run_tool, aws_ctx, aws, checkout, lambda_state
):
    for number in (1, 2, 3):
        assert checkout(number) == str(number)
    move = {**ACCOUNT, "alias": "live", "version": 1}
    snapshot = lambda_state()
    plan = run_tool(aws_ctx, "lambda_move_alias", move)
    assert plan.summary.startswith("Create alias live of Lambda function checkout")
    assert lambda_state() == snapshot

    run_tool(aws_ctx, "lambda_move_alias", move, execute=True)
    plan = run_tool(aws_ctx, "lambda_move_alias", {**move, "version": 3})
    assert (
        "version 1 -> 3" in plan.summary
        and "-version: '1'" in plan.diff
        and "+version: '3'" in plan.diff
    )
    run_tool(aws_ctx, "lambda_move_alias", {**move, "version": 3}, execute=True)
    alias = aws("lambda").get_alias(FunctionName="checkout", Name="live")
    assert alias["FunctionVersion"] == "3" and alias["Description"].endswith("[previous=1]")

    same = run_tool(aws_ctx, "lambda_move_alias", {**move, "version": 3}, execute=True)
    assert same.summary.startswith("Nothing to do")


def test_move_alias_to_a_missing_version_lists_the_real_ones(run_tool, aws_ctx, checkout):
    checkout(1)
    with pytest.raises(ToolError, match=r"has no version 9 .*\(versions: 1\)"):
        run_tool(aws_ctx, "lambda_move_alias", {**ACCOUNT, "alias": "live", "version": 9})


def test_rollback_returns_to_the_version_that_was_live_before(
    run_tool, aws_ctx, aws, checkout, lambda_state
):
    for number in (1, 2, 3):
        checkout(number)
    move = {**ACCOUNT, "alias": "live"}
    run_tool(aws_ctx, "lambda_move_alias", {**move, "version": 1}, execute=True)
    run_tool(aws_ctx, "lambda_move_alias", {**move, "version": 3}, execute=True)

    snapshot = lambda_state()
    plan = run_tool(aws_ctx, "lambda_rollback_alias", move)
    assert "Roll back alias live" in plan.summary and "version 3 -> 1" in plan.summary
    assert lambda_state() == snapshot

    result = run_tool(aws_ctx, "lambda_rollback_alias", move, execute=True)
    assert result.summary.startswith("Rolled back alias live") and result.data["version"] == 1
    alias = aws("lambda").get_alias(FunctionName="checkout", Name="live")
    assert alias["FunctionVersion"] == "1" and alias["Description"].endswith("[previous=3]")


def test_rollback_without_a_note_takes_the_next_lower_version(run_tool, aws_ctx, aws, checkout):
    for number in (1, 2, 3):
        checkout(number)
    aws("lambda").create_alias(
        FunctionName="checkout", Name="prod", FunctionVersion="3", Description="by hand"
    )
    result = run_tool(aws_ctx, "lambda_rollback_alias", {**ACCOUNT, "alias": "prod"}, execute=True)
    assert result.data["version"] == 2
    alias = aws("lambda").get_alias(FunctionName="checkout", Name="prod")
    assert alias["Description"] == "by hand [previous=3]"


def test_rollback_needs_an_earlier_version_and_an_existing_alias(run_tool, aws_ctx, aws, checkout):
    checkout(1)
    aws("lambda").create_alias(FunctionName="checkout", Name="live", FunctionVersion="1")
    with pytest.raises(ToolError, match="no earlier published version to roll back to"):
        run_tool(aws_ctx, "lambda_rollback_alias", {**ACCOUNT, "alias": "live"})
    with pytest.raises(ToolError, match="Alias 'beta' of Lambda function 'checkout' was not found"):
        run_tool(aws_ctx, "lambda_rollback_alias", {**ACCOUNT, "alias": "beta"})
