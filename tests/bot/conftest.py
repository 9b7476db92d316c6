"""Fixtures of the bot tests: store URLs for SQLite and (when configured) PostgreSQL."""

from __future__ import annotations

import uuid

import pytest


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
