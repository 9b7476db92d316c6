"""The engine end to end: a real planner, the sandbox cluster over HTTP, a real store."""

from __future__ import annotations

import json
import socket

import pytest
from bot_helpers import ReplayPlanner, ask, deployment, events

from bot.chat import ReplyKind
from bot.store import ApprovalStatus


def test_help_lists_every_tool(make_engine):
    engine = make_engine()
    [reply] = ask(engine, "dave", "help")
    assert reply.kind is ReplyKind.INFO
    for name in engine.registry.names(include_non_actions=False):
        assert name in reply.text
    assert '"what\'s running in staging?"' in reply.text


def test_read_answers_at_once_with_channel_defaults(make_engine):
    engine = make_engine(channels={"local": {"namespace": "staging"}})
    [reply] = ask(engine, "dave", "list deployments")
    assert reply.kind is ReplyKind.ANSWER and reply.thread_id == "t1"
    assert "web" in reply.text and "worker" in reply.text
    [record] = engine.store.audit.query()
    assert record.event == "executed" and record.decision["kind"] == "allow"
    assert record.call["args"]["namespace"] == "staging"  # filled from the channel
    assert record.call["args"]["cluster"] == "sandbox"


def test_planner_sees_live_values(make_engine):
    planner = ReplayPlanner({})
    engine = make_engine(planner=planner)
    ask(engine, "dave", "list deployments in staging")
    _, context, live = planner.seen[0]
    assert context == {"cluster": "sandbox", "namespace": "default", "user": "dave"}
    assert live["cluster"] == ["sandbox"]
    assert {"staging", "prod"} <= set(live["namespace"])
    assert {"web", "checkout"} <= set(live["deployment"])


def test_request_approve_execute_once_with_full_audit(make_engine, bot_tool_settings):
    engine = make_engine()
    [request] = ask(engine, "alice", "deploy a redis with 2 GB to staging")
    assert request.kind is ReplyKind.APPROVAL, request.text
    assert '"memory": "2Gi"' in request.text and "+" in request.data["dry_run"]
    assert deployment(bot_tool_settings, "redis") is None  # the dry run changed nothing
    [done] = engine.decide(request.approval_id, platform="local", user_id="bob", approve=True)
    assert done.kind is ReplyKind.ANSWER and done.thread_id == "t1", done.text
    created = deployment(bot_tool_settings, "redis")
    assert created.spec.template.spec.containers[0].resources.limits["memory"] in ("2Gi", "2048Mi")
    [again] = engine.decide(request.approval_id, platform="local", user_id="carol", approve=True)
    assert again.kind is ReplyKind.INFO and "already" in again.text
    assert deployment(bot_tool_settings, "redis").metadata.generation == 1
    records = engine.store.audit.query(approval_id=request.approval_id)
    assert [r.event for r in records] == ["approval_requested", "approved", "executed"]
    asked, _, executed = records
    assert asked.user_id == "alice" and asked.text == "deploy a redis with 2 GB to staging"
    assert asked.model == "keyword-baseline" and asked.call["tool"] == "deploy_service"
    assert asked.decision == {
        "kind": "needs_approval",
        "approvals": 1,
        "risk": "write",
        "reason": asked.decision["reason"],
    }
    assert asked.dry_run and asked.bot_version
    assert executed.approvers == ["local:bob"] and executed.result["summary"]
    assert executed.call_digest == asked.call_digest


def test_self_approval_and_non_approvers_are_refused(make_engine, bot_tool_settings):
    engine = make_engine()
    [request] = ask(engine, "alice", "restart api in staging")
    assert request.kind is ReplyKind.APPROVAL
    for user in ("alice", "erin", "dave"):
        [reply] = engine.decide(request.approval_id, platform="local", user_id=user, approve=True)
        assert reply.kind is ReplyKind.REFUSAL, reply.text
    assert (
        "another approver"
        in engine.decide(request.approval_id, platform="local", user_id="alice", approve=True)[
            0
        ].text
    )
    assert engine.store.approvals.get(request.approval_id).status is ApprovalStatus.PENDING
    assert events(engine).count("approval_refused") == 4
    [withdrawn] = engine.decide(
        request.approval_id, platform="local", user_id="alice", approve=False
    )
    assert "rejected" in withdrawn.text
    assert engine.store.approvals.get(request.approval_id).status is ApprovalStatus.REJECTED


def test_refused_by_policy_with_reason(make_engine, bot_tool_settings):
    engine = make_engine()
    [reply] = ask(engine, "alice", "delete checkout in prod")
    assert reply.kind is ReplyKind.REFUSAL and "alice" in reply.text and "prod" in reply.text
    assert deployment(bot_tool_settings, "checkout", "prod") is not None
    assert events(engine) == ["refused"]


def test_destructive_in_production_needs_two_approvers(make_engine, bot_tool_settings):
    answers = {
        "drop api": json.dumps(
            {"tool": "delete_deployment", "args": {"name": "api", "namespace": "prod"}}
        )
    }
    engine = make_engine(planner=ReplayPlanner(answers))
    [request] = ask(engine, "bob", "drop api")
    assert request.kind is ReplyKind.APPROVAL and request.data["required"] == 2
    [first] = engine.decide(request.approval_id, platform="local", user_id="carol", approve=True)
    assert "1 of 2" in first.text
    assert deployment(bot_tool_settings, "api", "prod") is not None
    [second] = engine.decide(request.approval_id, platform="local", user_id="frank", approve=True)
    assert second.kind is ReplyKind.ANSWER, second.text
    assert deployment(bot_tool_settings, "api", "prod") is None
    executed = engine.store.audit.query(approval_id=request.approval_id)[-1]
    assert executed.event == "executed" and executed.approvers == ["local:carol", "local:frank"]


def test_clarify_and_no_action(make_engine):
    engine = make_engine()
    [hello] = ask(engine, "dave", "hi there")
    assert hello.kind is ReplyKind.INFO
    [question] = ask(engine, "dave", "scale it")
    assert question.kind is ReplyKind.CLARIFY and question.text.endswith("?")
    assert events(engine) == ["no_action", "clarify"]


GARBAGE = {
    "not json": "{tool: scale_deployment",
    "unknown tool": '{"tool": "exec_shell", "args": {"cmd": "rm -rf /"}}',
    "extra field": '{"tool": "scale_deployment", "args": {"name": "web", "namespace": "staging",'
    ' "replicas": 0, "force": true}}',
    "out of bounds": '{"tool": "scale_deployment", "args": {"name": "web", "replicas": 5000}}',
    "bad name": '{"tool": "restart_deployment", "args": {"name": "web; rm -rf /"}}',
}


@pytest.mark.parametrize("case", sorted(GARBAGE))
def test_untrusted_model_output_is_a_clear_error_and_changes_nothing(
    make_engine, bot_tool_settings, case
):
    engine = make_engine(planner=ReplayPlanner({"do it": GARBAGE[case]}))
    before = deployment(bot_tool_settings, "web").spec.replicas
    [reply] = ask(engine, "bob", "do it")
    assert reply.kind is ReplyKind.ERROR and "Nothing was done" in reply.text
    expected = {
        "not json": "Not valid JSON",
        "unknown tool": "Unknown tool 'exec_shell'",
        "extra field": "force: Extra inputs",
        "out of bounds": "replicas",
        "bad name": "name",
    }[case]
    assert expected in reply.text
    assert engine.store.approvals.list_requests() == []
    [record] = engine.store.audit.query()
    assert record.event == "planner_error" and record.result["raw"] == GARBAGE[case]
    assert deployment(bot_tool_settings, "web").spec.replicas == before


def test_model_server_down_is_a_clear_error(make_engine):
    from llm.client import ToolCallClient
    from tools.registry import ToolRegistry

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]  # closed again before the request: connection refused
    client = ToolCallClient(
        base_url=f"http://127.0.0.1:{port}/v1",
        model="planton",
        registry=ToolRegistry(),
        timeout_s=5.0,
    )
    engine = make_engine(planner=client)
    [reply] = ask(engine, "alice", "list deployments in staging")
    assert reply.kind is ReplyKind.ERROR and "cannot be reached" in reply.text
    assert events(engine) == ["planner_error"]


def test_a_message_longer_than_the_planner_reads_is_refused_unplanned(make_engine):
    planner = ReplayPlanner({})
    engine = make_engine(planner=planner, model={"max_request_chars": 60})
    pasted = "why is web crashlooping? " + " | ".join(["E1208 panic: nil map"] * 3)
    [reply] = ask(engine, "dave", pasted)
    assert reply.kind is ReplyKind.ERROR
    assert "too long" in reply.text and f"{len(pasted)} characters" in reply.text
    assert "up to 60" in reply.text
    assert "Nothing was done" in reply.text
    assert planner.seen == []  # not planned (nor grounded) at all
    [record] = engine.store.audit.query()
    assert record.event == "planner_error" and "RequestTooLong" in record.error
    [reply] = ask(engine, "dave", pasted[:60])  # at the limit it is planned
    assert "too long" not in reply.text
    assert len(planner.seen) == 1


def test_duplicate_event_acts_once(make_engine):
    engine = make_engine()
    first = ask(engine, "alice", "restart web in staging", event_id="Ev42")
    assert first[0].kind is ReplyKind.APPROVAL
    assert ask(engine, "alice", "restart web in staging", event_id="Ev42") == []
    assert len(engine.store.approvals.list_requests()) == 1
    assert events(engine) == ["approval_requested"]


def test_audit_names_the_model_artifact(make_engine, tmp_path):
    artifact = tmp_path / "model"
    artifact.mkdir()
    meta = {
        "name": "default",
        "created": "2026-12-01T04:00:00Z",
        "base_model": "planton-base",
        "data_hash": "abcdef0123456789",
        "tool_schema_hash": "0123456789abcdef",
    }
    (artifact / "artifact.json").write_text(json.dumps(meta))
    engine = make_engine(model={"artifact": str(artifact)})
    ask(engine, "dave", "list deployments in staging")
    [record] = engine.store.audit.query()
    assert record.model_version.startswith("default created 2026-12-01T04:00:00Z")
    assert "schema 0123456789abcdef" in record.model_version
