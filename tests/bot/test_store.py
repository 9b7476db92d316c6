"""The store on SQLite and PostgreSQL: append-only audit, exactly-once approvals, dedupe."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
import sqlalchemy as sa

from bot.store import ApprovalStatus, AuditEntry, open_store, utc_now


@pytest.fixture()
def store(store_url):
    store = open_store(store_url)
    yield store
    store.close()


def _entry(**overrides):
    values = dict(
        at=utc_now(),
        event="request",
        request_id="r1",
        platform="local",
        user_id="alice",
        text="deploy redis",
        tool="deploy_service",
        call={"tool": "deploy_service", "args": {"service": "redis"}},
    )
    return AuditEntry(**{**values, **overrides})


def _approval(store, *, ttl_s=600, required=1):
    now = utc_now()
    return store.approvals.create(
        digest="d" * 64,
        call={"tool": "restart_deployment", "args": {"name": "web"}},
        target={"kind": "kubernetes", "scope": "us-central", "namespace": "staging"},
        risk="write",
        request_id="r1",
        platform="local",
        requester="alice",
        channel_id="local",
        thread_id=None,
        required=required,
        created_at=now,
        expires_at=now + timedelta(seconds=ttl_s),
    )


def test_audit_records_read_back_and_filter(store):
    store.audit.append(_entry())
    store.audit.append(_entry(user_id="bob", tool="list_pods", request_id="r2"))
    assert [e.user_id for e in store.audit.query()] == ["alice", "bob"]
    assert [e.request_id for e in store.audit.query(tool="list_pods")] == ["r2"]
    assert store.audit.query(user_id="alice")[0].call["args"] == {"service": "redis"}
    assert store.audit.query(since=utc_now() + timedelta(minutes=1)) == []


@pytest.mark.parametrize(
    "statement",
    ["UPDATE audit_records SET text = 'edited'", "DELETE FROM audit_records"],
)
def test_audit_rejects_update_and_delete_in_the_database(store, statement):
    store.audit.append(_entry())
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with store.engine.begin() as connection:
            connection.execute(sa.text(statement))
    assert [e.text for e in store.audit.query()] == ["deploy redis"]


def test_audit_log_has_no_update_or_delete_api(store):
    public = {name for name in dir(store.audit) if not name.startswith("_")}
    assert public == {"append", "query"}


def test_duplicate_event_is_claimed_once(store):
    now = utc_now()
    assert store.events.claim(platform="slack", event_id="Ev1", at=now)
    assert not store.events.claim(platform="slack", event_id="Ev1", at=now)
    assert store.events.claim(platform="teams", event_id="Ev1", at=now)


def test_a_person_votes_once(store):
    approval = _approval(store)
    assert store.approvals.vote(
        approval.id, platform="local", user_id="bob", approve=True, at=utc_now()
    )
    assert not store.approvals.vote(
        approval.id, platform="local", user_id="bob", approve=True, at=utc_now()
    )
    assert store.approvals.count_approvals(approval.id) == 1
    assert store.approvals.approvers(approval.id) == ["local:bob"]


def test_only_one_of_many_concurrent_claims_wins(store):
    approval = _approval(store)
    barrier = threading.Barrier(8)
    wins = []

    def claim():
        barrier.wait()
        won = store.approvals.transition(
            approval.id,
            from_status=ApprovalStatus.PENDING,
            to_status=ApprovalStatus.EXECUTING,
            unexpired_at=utc_now(),
        )
        wins.append(won)

    threads = [threading.Thread(target=claim) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(wins) == [False] * 7 + [True]
    assert store.approvals.get(approval.id).status is ApprovalStatus.EXECUTING


def test_expired_request_cannot_be_claimed(store):
    approval = _approval(store, ttl_s=60)
    later = utc_now() + timedelta(seconds=61)
    assert not store.approvals.transition(
        approval.id,
        from_status=ApprovalStatus.PENDING,
        to_status=ApprovalStatus.EXECUTING,
        unexpired_at=later,
    )
    assert store.approvals.transition(
        approval.id,
        from_status=ApprovalStatus.PENDING,
        to_status=ApprovalStatus.EXPIRED,
        expired_at=later,
    )
    assert store.approvals.get(approval.id).status is ApprovalStatus.EXPIRED


def test_pending_requests_survive_reopening(store_url):
    first = open_store(store_url)
    approval = _approval(first)
    first.close()
    second = open_store(store_url)
    again = second.approvals.get(approval.id)
    assert again.status is ApprovalStatus.PENDING
    assert again.expires_at == approval.expires_at
    assert [a.id for a in second.approvals.list_requests(status=ApprovalStatus.PENDING)] == [
        approval.id
    ]
    second.close()


def test_an_older_database_gains_new_columns(tmp_path):
    url = f"sqlite:///{tmp_path / 'old.db'}"
    engine = sa.create_engine(url)
    with engine.begin() as connection:
        connection.execute(
            sa.text(
                "CREATE TABLE audit_records (id INTEGER PRIMARY KEY, at DATETIME NOT NULL, "
                "event VARCHAR(32) NOT NULL, request_id VARCHAR(64) NOT NULL, "
                "platform VARCHAR(32) NOT NULL, user_id VARCHAR(128) NOT NULL)"
            )
        )
    engine.dispose()
    store = open_store(url)
    store.audit.append(_entry(model_version="default created today"))
    assert store.audit.query()[0].model_version == "default created today"
    with pytest.raises(sa.exc.DatabaseError, match="append-only"):
        with store.engine.begin() as connection:
            connection.execute(sa.text("DELETE FROM audit_records"))
    store.close()
