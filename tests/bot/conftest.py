"""Fixtures of the bot tests: store URLs for SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import os
import uuid

import pytest

POSTGRES_URL = os.environ.get("CHATOPS_TEST_POSTGRES_URL")


def _postgres_schema_url():
    """A fresh schema per test (search_path in the URL); dropped afterwards."""
    import sqlalchemy as sa

    schema = f"t_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(POSTGRES_URL)
    with admin.begin() as connection:
        connection.execute(sa.text(f"CREATE SCHEMA {schema}"))
    separator = "&" if "?" in POSTGRES_URL else "?"
    yield f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}"
    with admin.begin() as connection:
        connection.execute(sa.text(f"DROP SCHEMA {schema} CASCADE"))
    admin.dispose()


@pytest.fixture(
    params=[
        "sqlite",
        pytest.param(
            "postgresql",
            marks=[
                pytest.mark.postgres,
                pytest.mark.skipif(
                    not POSTGRES_URL, reason="set CHATOPS_TEST_POSTGRES_URL to test PostgreSQL"
                ),
            ],
        ),
    ]
)
def store_url(request, tmp_path):
    """Database URL of an empty store: a SQLite file, then PostgreSQL when available."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'chatops.db'}"
    else:
        yield from _postgres_schema_url()
