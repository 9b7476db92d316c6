"""`chatops plan` and `chatops audit` through the real CLI app."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest
import yaml
from typer.testing import CliRunner

from bot.cli import build_app
from bot.store import AuditEntry, open_store, utc_now


@pytest.fixture()
def config(tmp_path, bot_tool_settings):
    path = tmp_path / "chatops.yaml"
    settings = {
        "tools": bot_tool_settings.model_dump(mode="json"),
        "database_url": f"sqlite:///{tmp_path / 'audit.db'}",
        "model": {"planner": "keyword"},
    }
    path.write_text(yaml.safe_dump(settings))
    return path


def run(*args):
    result = CliRunner().invoke(
        build_app(), list(args), catch_exceptions=False, env={"COLUMNS": "200"}
    )
    return result


def test_plan_shows_the_call_and_decision_and_runs_nothing(config):
    result = run(
        "plan",
        "deploy a redis with 2 GB to staging",
        "--json",
        "--user",
        "alice",
        "--config",
        str(config),
    )
    assert result.exit_code == 0, result.output
    shown = json.loads(result.output)
    assert shown["call"]["tool"] == "deploy_service"
    assert shown["call"]["args"]["memory"] == "2Gi"
    assert shown["call"]["args"]["cluster"] == "sandbox"
    assert shown["decision"]["kind"] == "needs_approval" and shown["risk"] == "write"
    settings = yaml.safe_load(config.read_text())
    store = open_store(settings["database_url"])
    assert store.audit.query() == [] and store.approvals.list_requests() == []
    store.close()


def test_plan_with_bad_settings_names_the_line(tmp_path):
    path = tmp_path / "bad.yaml"
    path.write_text("model:\n  planner: magic\n")
    result = CliRunner().invoke(build_app(), ["plan", "hi", "--config", str(path)])
    assert result.exit_code == 2
    assert "bad.yaml:2: model.planner" in result.output


def test_audit_lists_and_filters(config):
    settings = yaml.safe_load(config.read_text())
    store = open_store(settings["database_url"])
    old = utc_now() - timedelta(hours=3)
    store.audit.append(
        AuditEntry(
            at=old,
            event="executed",
            request_id="r0",
            platform="local",
            user_id="alice",
            tool="list_pods",
        )
    )
    store.audit.append(
        AuditEntry(
            at=utc_now(),
            event="approval_requested",
            request_id="r1",
            platform="slack",
            user_id="bob",
            tool="deploy_service",
            call={"tool": "deploy_service", "args": {"service": "redis"}},
        )
    )
    store.close()
    everything = json.loads(run("audit", "--json", "--config", str(config)).output)
    assert [r["request_id"] for r in everything] == ["r0", "r1"]
    by_user = json.loads(run("audit", "--json", "--user", "bob", "--config", str(config)).output)
    assert [r["user_id"] for r in by_user] == ["bob"]
    by_tool = json.loads(
        run("audit", "--json", "--tool", "list_pods", "--config", str(config)).output
    )
    assert [r["tool"] for r in by_tool] == ["list_pods"]
    recent = json.loads(run("audit", "--json", "--since", "1h", "--config", str(config)).output)
    assert [r["request_id"] for r in recent] == ["r1"]
    table = run("audit", "--limit", "1", "--config", str(config)).output
    assert "approval_requested" in table and "list_pods" not in table


def test_audit_rejects_a_bad_since(config):
    bad = CliRunner().invoke(
        build_app(), ["audit", "--since", "yesterday", "--config", str(config)]
    )
    assert bad.exit_code == 2 and "--since" in bad.output
