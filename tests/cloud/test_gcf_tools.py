"""Cloud Functions tools against drongo over HTTP: deploy, configure, read, delete, risk."""

from __future__ import annotations

import json

import pytest
from google.auth.credentials import AnonymousCredentials

from tools.base import Risk, ToolError
from tools.gcp.gcf_api import build_functions_client

GCF_TOOLS = {
    "gcf_list_functions",
    "gcf_describe_function",
    "gcf_deploy_function",
    "gcf_update_config",
    "gcf_delete_function",
}
DEV = {"project": "dev-gcp"}
CREATE = {"runtime": "python312", "entry_point": "main"}


@pytest.fixture()
def gcf(gcp_settings):
    """A Functions client on drongo for arranging and inspecting (not the tools' client)."""
    return build_functions_client(
        gcp_settings.gcp_projects["dev-gcp"], credentials=AnonymousCredentials()
    )


@pytest.fixture()
def gcf_state(gcf):
    """All functions of both projects' regions, as JSON (proves plans write nothing)."""
    from google.cloud import functions_v2

    def snapshot() -> list[dict]:
        found = []
        for parent in (
            "projects/acme-dev/locations/us-central1",
            "projects/acme-prod/locations/europe-west1",
        ):
            found += [
                json.loads(functions_v2.Function.to_json(f))
                for f in gcf.list_functions(parent=parent)
            ]
        return found

    return snapshot


def fetch(gcf, name: str, project: str = "acme-dev", region: str = "us-central1"):
    return gcf.get_function(name=f"projects/{project}/locations/{region}/functions/{name}")


def deploy(
    run_tool, ctx, *, name="resize", source="gs://builds/resize-1.zip", execute=True, **extra
):
    args = {**DEV, "name": name, "source": source, **extra}
    return run_tool(ctx, "gcf_deploy_function", args, execute=execute)


def test_catalogue_names_and_project_field_are_live(cloud_registry):
    assert GCF_TOOLS <= set(cloud_registry.names())
    for name in GCF_TOOLS:
        schema = cloud_registry.args_model(name).model_json_schema()
        assert schema["properties"]["project"]["x-live"] == "gcp_project"


def test_deploy_creates_a_function_and_its_plan_writes_nothing(run_tool, gcp_ctx, gcf, gcf_state):
    extra = {**CREATE, "memory": "2048Mi", "timeout_s": 120, "env": {"API_KEY": "s3cret"}}
    plan = deploy(run_tool, gcp_ctx, execute=False, **extra)
    assert plan.summary == (
        "Create Cloud Function resize in GCP project 'dev-gcp' (us-central1) from gs://builds/resize-1.zip."
    )
    assert "+memory: 2Gi" in plan.diff and "+source: gs://builds/resize-1.zip" in plan.diff
    assert "s3cret" not in plan.diff
    assert gcf_state() == []

    result = deploy(run_tool, gcp_ctx, **extra)
    assert (
        result.summary.startswith("Created Cloud Function resize") and result.data["done"] is True
    )
    function = fetch(gcf, "resize")
    assert (function.build_config.runtime, function.build_config.entry_point) == (
        "python312",
        "main",
    )
    storage = function.build_config.source.storage_source
    assert (storage.bucket, storage.object_) == ("builds", "resize-1.zip")
    assert (function.service_config.available_memory, function.service_config.timeout_seconds) == (
        "2Gi",
        120,
    )
    assert dict(function.service_config.environment_variables) == {"API_KEY": "s3cret"}


def test_deploy_updates_source_and_merges_settings(run_tool, gcp_ctx, gcf, gcf_state):
    deploy(run_tool, gcp_ctx, env={"MODE": "a"}, **CREATE)
    snapshot = gcf_state()
    update = {"source": "gs://builds/resize-2.zip", "memory": "512Mi", "env": {"EXTRA": "b"}}
    plan = deploy(run_tool, gcp_ctx, execute=False, **update)
    assert gcf_state() == snapshot
    assert "-memory: 256Mi" in plan.diff and "+memory: 512Mi" in plan.diff
    assert "+  EXTRA: hidden (" in plan.diff and "+source: gs://builds/resize-2.zip" in plan.diff
    assert plan.data["fields"] == [
        "build_config.source",
        "service_config.available_memory",
        "service_config.environment_variables",
    ]

    deploy(run_tool, gcp_ctx, **update)
    function = fetch(gcf, "resize")
    assert function.build_config.source.storage_source.object_ == "resize-2.zip"
    assert (
        function.build_config.runtime == "python312"
        and function.service_config.timeout_seconds == 60
    )
    assert function.service_config.available_memory == "512Mi"
    assert dict(function.service_config.environment_variables) == {"MODE": "a", "EXTRA": "b"}


def test_deploy_of_a_new_function_names_what_it_needs(run_tool, gcp_ctx, gcf_state):
    with pytest.raises(ToolError, match="creating it needs runtime and entry_point"):
        deploy(run_tool, gcp_ctx)
    with pytest.raises(ToolError, match="creating it needs entry_point"):
        deploy(run_tool, gcp_ctx, runtime="nodejs22")
    assert gcf_state() == []


def test_list_and_describe(run_tool, gcp_ctx):
    for name in ("billing-a", "billing-b", "resize"):
        deploy(run_tool, gcp_ctx, name=name, env={"DB_PASSWORD": "s3cret"}, **CREATE)
    deploy(run_tool, gcp_ctx, name="prod-only", project="prod-gcp", **CREATE)
    listed = run_tool(gcp_ctx, "gcf_list_functions", {**DEV, "prefix": "billing-"}, execute=True)
    assert [f["name"] for f in listed.data["functions"]] == ["billing-a", "billing-b"]
    everything = run_tool(gcp_ctx, "gcf_list_functions", {**DEV, "limit": 2}, execute=True)
    assert everything.data["total"] == 3 and "(showing 2)" in everything.summary

    described = run_tool(gcp_ctx, "gcf_describe_function", {**DEV, "name": "resize"}, execute=True)
    assert "python312, entry point main, 256Mi, timeout 60 s, state ACTIVE" in described.summary
    assert "URL: https://us-central1-acme-dev.cloudfunctions.net/resize" in described.summary
    assert "Env vars: DB_PASSWORD." in described.summary
    assert "s3cret" not in described.summary + str(described.data)


def test_update_config_changes_only_what_differs(run_tool, gcp_ctx, gcf, gcf_state):
    deploy(run_tool, gcp_ctx, memory="1Gi", env={"KEEP": "1", "DROP": "2"}, **CREATE)
    same = run_tool(
        gcp_ctx, "gcf_update_config", {**DEV, "name": "resize", "memory": "1024Mi"}, execute=True
    )
    assert same.summary.startswith("Nothing to do")

    args = {
        **DEV,
        "name": "resize",
        "timeout_s": 900,
        "max_instances": 10,
        "env_set": {"ADD": "3"},
        "env_unset": ["DROP"],
    }
    snapshot = gcf_state()
    plan = run_tool(gcp_ctx, "gcf_update_config", args)
    assert gcf_state() == snapshot
    assert "+timeout_s: 900" in plan.diff and "-  DROP: hidden (" in plan.diff
    run_tool(gcp_ctx, "gcf_update_config", args, execute=True)
    service = fetch(gcf, "resize").service_config
    assert (service.timeout_seconds, service.max_instance_count, service.available_memory) == (
        900,
        10,
        "1Gi",
    )
    assert dict(service.environment_variables) == {"KEEP": "1", "ADD": "3"}


def test_delete_plans_then_deletes(run_tool, gcp_ctx, gcf_state):
    deploy(run_tool, gcp_ctx, **CREATE)
    snapshot = gcf_state()
    plan = run_tool(gcp_ctx, "gcf_delete_function", {**DEV, "name": "resize"})
    assert plan.summary.startswith("DELETE Cloud Function resize in GCP project 'dev-gcp'")
    assert "-runtime: python312" in plan.diff
    assert gcf_state() == snapshot
    run_tool(gcp_ctx, "gcf_delete_function", {**DEV, "name": "resize"}, execute=True)
    assert gcf_state() == []
    with pytest.raises(
        ToolError, match="Cloud Function 'resize' was not found in GCP project 'dev-gcp'"
    ):
        run_tool(gcp_ctx, "gcf_delete_function", {**DEV, "name": "resize"}, execute=True)


@pytest.mark.parametrize(
    ("name", "args", "dev", "prod"),
    [
        ("gcf_list_functions", {}, Risk.READ, Risk.READ),
        ("gcf_describe_function", {"name": "f"}, Risk.READ, Risk.READ),
        (
            "gcf_deploy_function",
            {"name": "f", "source": "gs://b-1/f.zip"},
            Risk.WRITE,
            Risk.DESTRUCTIVE,
        ),
        ("gcf_update_config", {"name": "f", "timeout_s": 9}, Risk.WRITE, Risk.DESTRUCTIVE),
        ("gcf_delete_function", {"name": "f"}, Risk.DESTRUCTIVE, Risk.DESTRUCTIVE),
    ],
)
def test_risk_comes_from_tool_and_project(cloud_registry, gcp_ctx, name, args, dev, prod):
    for project, expected in (("dev-gcp", dev), ("prod-gcp", prod)):
        call = cloud_registry.parse_call({"tool": name, "args": {"project": project, **args}})
        assert cloud_registry.risk(call, gcp_ctx) == expected
        target = cloud_registry.get(name).target(call.args, gcp_ctx)
        assert (target.kind, target.scope, target.namespace)[:2] == ("gcp", project)
    unknown = cloud_registry.parse_call({"tool": name, "args": {"project": "nowhere", **args}})
    assert cloud_registry.risk(unknown, gcp_ctx) == Risk.DESTRUCTIVE, "unknown project fails closed"


def test_project_alias_is_resolved_from_settings(run_tool, gcp_ctx):
    with pytest.raises(ToolError, match="Which GCP project\\? Known projects: dev-gcp, prod-gcp"):
        run_tool(gcp_ctx, "gcf_list_functions", {}, execute=True)
    with pytest.raises(ToolError, match="Unknown GCP project 'qa-gcp'"):
        run_tool(gcp_ctx, "gcf_list_functions", {"project": "qa-gcp"}, execute=True)
