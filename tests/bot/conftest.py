"""Fixtures of the bot tests: store URLs for SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import uuid

import pytest
from bot_helpers import ReplayPlanner


def _postgres_schema_url(postgres_url: str):
    """A fresh schema per test (search_path in the URL); dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(postgres_url)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in postgres_url else "?"
    yield f"{postgres_url}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param("postgresql", marks=pytest.mark.postgres),
    ]
)
def store_url(request, tmp_path):
    """Database URL of an empty store: a SQLite file, then PostgreSQL (skipped locally
    without CHATOPS_TEST_POSTGRES_URL, a failure in CI)."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chatops.db'}"
    else:
        yield from _postgres_schema_url(request.getfixturevalue("postgres_url"))


@pytest.fixture(scope="module")
def bot_sandbox():
    """A demo-seeded sandbox cluster of our own: these tests change it."""
    from tools.k8s.sandbox import SandboxServer

    server = SandboxServer(seed="demo", pod_ready_delay_s=0.05).start()
    yield server
    server.stop()


@pytest.fixture(scope="module")
def bot_tool_settings(bot_sandbox, tmp_path_factory):
    """Cluster alias 'sandbox' (the demo cluster; its 'prod' namespace is production)."""
    from tools.settings import ClusterSettings, ToolSettings

    kubeconfig = bot_sandbox.write_kubeconfig(
        tmp_path_factory.mktemp("kube") / "config.yaml", context="sandbox"
    )
    return ToolSettings(
        clusters={"sandbox": ClusterSettings(context="sandbox", kubeconfig=str(kubeconfig))},
        default_cluster="sandbox",
    )


@pytest.fixture()
def make_engine(bot_tool_settings, tmp_path):
    """Engine factory over the sandbox: `make_engine(planner=..., database_url=..., **settings)`."""
    from bot.assembly import build_engine
    from bot.settings import Settings

    built = []

    def make(*, planner=None, database_url=None, clock=None, **settings_fields):
        settings = Settings(
            tools=bot_tool_settings,
            database_url=database_url or f"sqlite:///{tmp_path / 'chatops.db'}",
            **settings_fields,
        )
        extra = {"clock": clock} if clock is not None else {}
        engine = build_engine(settings, planner=planner or ReplayPlanner({}), **extra)
        built.append(engine)
        return engine

    yield make
    for engine in built:
        engine.store.close()
