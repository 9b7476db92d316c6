"""Approvals: concurrent clicks, expiry, restarts, re-validation, suggest-only, redaction."""

from __future__ import annotations

import json
import threading

from bot_helpers import Clock, ReplayPlanner, ask, deployment

from bot.chat import ReplyKind
from bot.store import ApprovalStatus


def deploy_answer(name: str, service: str = "nginx") -> str:
    return json.dumps(
        {
            "tool": "deploy_service",
            "args": {"service": service, "name": name, "namespace": "staging"},
        }
    )


def test_two_concurrent_approvals_execute_once(make_engine, bot_tool_settings, store_url):
    name = f"edge-{store_url.split(':')[0].split('+')[0]}"
    engine = make_engine(
        planner=ReplayPlanner({"edge": deploy_answer(name)}), database_url=store_url
    )
    [request] = ask(engine, "alice", "edge")
    assert request.kind is ReplyKind.APPROVAL
    barrier = threading.Barrier(3)
    replies = []

    def approve(user):
        barrier.wait()
        replies.extend(
            engine.decide(request.approval_id, platform="local", user_id=user, approve=True)
        )

    threads = [threading.Thread(target=approve, args=(u,)) for u in ("bob", "carol", "frank")]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    kinds = sorted(reply.kind.value for reply in replies)
    assert kinds == ["answer", "info", "info"], [r.text for r in replies]
    executed = [
        r
        for r in engine.store.audit.query(approval_id=request.approval_id)
        if r.event == "executed"
    ]
    assert len(executed) == 1
    assert deployment(bot_tool_settings, name).metadata.generation == 1
    assert engine.store.approvals.get(request.approval_id).status is ApprovalStatus.EXECUTED


def test_expired_approval_does_nothing(make_engine, bot_tool_settings):
    clock = Clock()
    engine = make_engine(
        planner=ReplayPlanner({"late": deploy_answer("late-cache", "redis")}),
        clock=clock,
        approvals={"ttl_s": 60},
    )
    [request] = ask(engine, "alice", "late")
    clock.advance(61)
    [reply] = engine.decide(request.approval_id, platform="local", user_id="bob", approve=True)
    assert reply.kind is ReplyKind.INFO and "expired" in reply.text
    assert engine.store.approvals.get(request.approval_id).status is ApprovalStatus.EXPIRED
    assert deployment(bot_tool_settings, "late-cache") is None
    [again] = engine.decide(request.approval_id, platform="local", user_id="carol", approve=True)
    assert "expired" in again.text
    assert deployment(bot_tool_settings, "late-cache") is None
    assert "executed" not in [r.event for r in engine.store.audit.query()]


def test_restart_keeps_pending_approvals_decidable(make_engine, bot_tool_settings, store_url):
    name = f"phoenix-{store_url.split(':')[0].split('+')[0]}"
    planner = ReplayPlanner({"phoenix": deploy_answer(name)})
    first = make_engine(planner=planner, database_url=store_url)
    [request] = ask(first, "alice", "phoenix")
    first.store.close()  # the bot goes away
    second = make_engine(planner=planner, database_url=store_url)
    [done] = second.decide(request.approval_id, platform="local", user_id="bob", approve=True)
    assert done.kind is ReplyKind.ANSWER, done.text
    assert deployment(bot_tool_settings, name) is not None
    events = [r.event for r in second.store.audit.query(approval_id=request.approval_id)]
    assert events == ["approval_requested", "approved", "executed"]


def test_approval_revalidates_against_the_current_policy(make_engine, bot_tool_settings, tmp_path):
    from bot.settings import DEFAULT_POLICY

    planner = ReplayPlanner({"stale": deploy_answer("stale-cache", "redis")})
    engine = make_engine(planner=planner)
    [request] = ask(engine, "alice", "stale")
    stricter = tmp_path / "policy.yaml"
    stricter.write_text(
        DEFAULT_POLICY.read_text().replace(
            "    - namespace: monitoring\n",
            "    - namespace: staging\n      mode: read-only\n    - namespace: monitoring\n",
        )
    )
    restarted = make_engine(planner=planner, policy_file=stricter)
    [reply] = restarted.decide(request.approval_id, platform="local", user_id="bob", approve=True)
    assert reply.kind is ReplyKind.ERROR and "read-only" in reply.text
    assert restarted.store.approvals.get(request.approval_id).status is ApprovalStatus.FAILED
    assert deployment(bot_tool_settings, "stale-cache") is None


def test_suggest_only_shows_the_dry_run_and_runs_nothing(make_engine, bot_tool_settings, tmp_path):
    from bot.settings import DEFAULT_POLICY

    policy = tmp_path / "policy.yaml"
    policy.write_text(
        DEFAULT_POLICY.read_text().replace(
            "  default: execute-with-approval", "  default: suggest-only"
        )
    )
    engine = make_engine(policy_file=policy)
    before = deployment(bot_tool_settings, "worker").spec.replicas
    [reply] = ask(engine, "alice", "scale worker to 4 in staging")
    assert reply.kind is ReplyKind.INFO and "suggest-only" in reply.text
    assert "replicas" in reply.text and reply.approval_id is None
    assert deployment(bot_tool_settings, "worker").spec.replicas == before
    assert engine.store.approvals.list_requests() == []


def test_secrets_are_redacted_from_replies_and_audit(make_engine, bot_tool_settings):
    call = {
        "tool": "deploy_app",
        "args": {
            "name": "vault-client",
            "image": "nginx:1.27",
            "namespace": "staging",
            "env": {"DB_PASSWORD": "hunter2-very-secret", "LOG_LEVEL": "debug"},
        },
    }
    engine = make_engine(planner=ReplayPlanner({"vault": json.dumps(call)}))
    [request] = ask(engine, "alice", "vault")
    assert request.kind is ReplyKind.APPROVAL, request.text
    assert "hunter2" not in request.text and "LOG_LEVEL" in request.text
    [done] = engine.decide(request.approval_id, platform="local", user_id="bob", approve=True)
    assert done.kind is ReplyKind.ANSWER, done.text
    env = deployment(bot_tool_settings, "vault-client").spec.template.spec.containers[0].env
    assert {e.name: e.value for e in env}["DB_PASSWORD"] == "hunter2-very-secret"  # real call
    [described] = ask(engine, "bob", "describe deployment vault-client in staging")
    assert described.kind is ReplyKind.ANSWER and "DB_PASSWORD" in json.dumps(described.data)
    assert "hunter2" not in described.text and "hunter2" not in json.dumps(described.data)
    for record in engine.store.audit.query():
        assert "hunter2" not in json.dumps(record.__dict__, default=str)


def test_secret_objects_lose_their_data(bot_tool_settings):
    """A Secret as the cluster returns it (the demo seed has one) is shown without data."""
    from kubernetes import client, config

    from bot.redaction import REDACTED, redact

    cluster = bot_tool_settings.clusters["sandbox"]
    api_client = config.new_client_from_config(
        config_file=cluster.kubeconfig, context=cluster.context
    )
    secrets = client.CoreV1Api(api_client).list_secret_for_all_namespaces().items
    with_data = [s for s in secrets if s.data]
    assert with_data, "the demo seed has a secret with data"
    secret = api_client.sanitize_for_serialization(with_data[0])
    shown = redact(secret)
    assert set(shown["data"].values()) == {REDACTED}
    for value in secret["data"].values():
        assert value not in json.dumps(shown)
