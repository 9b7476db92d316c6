"""End to end over Teams: /api/messages, the real engine, the sandbox cluster, SQLite.

A channel request (delivered twice), a click by someone not allowed, the approval by
another user, execution on the cluster, the card updated in place, the audit complete.
"""

from __future__ import annotations

import time

import pytest
from fakes import teams_activities as ta
from fakes.real_engine import chatops_settings, read_deployment, sandbox_tools
from fakes.teams_activities import AAD_ALICE, AAD_BOB, AAD_MALLORY, TeamsSender

from bot.assembly import build_engine
from bot.teams.cards import CARD_CONTENT_TYPE
from bot.teams.serving import TeamsAuth, TeamsServer

SLOW = 90.0  # seconds; the first request imports and warms the whole stack (2 shared cores)


@pytest.fixture(scope="module")
def cluster_tools(tmp_path_factory):
    from tools.k8s.sandbox import SandboxServer

    with SandboxServer(seed="demo", pod_ready_delay_s=0.05) as sandbox:
        yield sandbox_tools(sandbox, tmp_path_factory.mktemp("teams-e2e"))


@pytest.fixture()
def world(cluster_tools, connector, tmp_path):
    settings = chatops_settings(tools=cluster_tools, database_url=f"sqlite:///{tmp_path}/db")
    engine = build_engine(settings)
    with TeamsServer(engine=engine, auth=TeamsAuth()) as server:
        sender = TeamsSender(url=server.url)
        yield sender, engine
        sender.close()
    engine.store.close()


def _click(connector, request, card_activity, *, aad):
    return ta.card_action(
        service_url=connector.url,
        user="someone",
        aad=aad,
        card_activity=card_activity,
        conversation_id=request["conversation"]["id"],
        verb="approve",
    )


def test_request_approve_execute_once_over_teams(world, connector, cluster_tools):
    sender, engine = world
    before = len(connector.calls)
    request = ta.channel_mention(
        service_url=connector.url,
        user="alice",
        aad=AAD_ALICE,
        text="deploy a redis with 2 GB to staging",
    )
    assert sender.post(request).status in (200, 201)
    assert sender.post(request).status in (200, 201)  # redelivered: acts once
    [card_reply] = connector.wait_calls(since=before, timeout=SLOW)
    time.sleep(1.0)  # room for a (wrong) second answer to arrive
    assert len(connector.calls) == before + 1
    assert card_reply.conversation_id == request["conversation"]["id"]  # in the thread
    [card_activity] = [
        a for a in connector.activities.values() if a.get("replyToId") == request["id"]
    ]
    assert card_activity["attachments"][0]["contentType"] == CARD_CONTENT_TYPE
    assert read_deployment(cluster_tools, "redis", "staging") is None

    refused = sender.post(_click(connector, request, card_activity, aad=AAD_MALLORY))
    assert refused.status == 200 and "not an approver" in refused.body["value"]
    assert connector.calls_of("update") == []
    assert read_deployment(cluster_tools, "redis", "staging") is None

    approved = sender.post(_click(connector, request, card_activity, aad=AAD_BOB))
    assert approved.status == 200 and approved.body["type"] == CARD_CONTENT_TYPE
    [update] = connector.wait_for("update")
    assert update.activity_id == card_activity["id"]
    card = update.activity["attachments"][0]["content"]
    texts = " ".join(block["text"] for block in card["body"])
    assert "Done" in texts and "bob" in texts and "redis" in texts
    assert "actions" not in card
    created = read_deployment(cluster_tools, "redis", "staging")
    assert created.spec.template.spec.containers[0].resources.limits["memory"] in ("2Gi", "2048Mi")

    again = sender.post(_click(connector, request, card_activity, aad=AAD_BOB))
    assert again.status == 200
    assert read_deployment(cluster_tools, "redis", "staging").metadata.generation == 1

    approval_id = card_activity["attachments"][0]["content"]["actions"][0]["data"]["approval_id"]
    records = engine.store.audit.query(approval_id=approval_id)
    assert [r.event for r in records] == [
        "approval_requested",
        "approval_refused",
        "approved",
        "executed",
    ]
    asked, executed = records[0], records[-1]
    assert (asked.platform, asked.user_id) == ("teams", "alice")
    assert asked.channel_id == ta.CHANNEL and asked.call["tool"] == "deploy_service"
    assert records[1].user_id == AAD_MALLORY
    assert executed.approvers == ["teams:bob"] and executed.result
