"""Fixtures for tests against a real database.

``database_url``: a fresh, empty database for each test. SQLite (a file under
the test's tmp_path) unless ``TRACKER_DATABASE_URL`` names a PostgreSQL
server, which is then emptied before the test. Run the folder both ways::

    .venv/bin/pytest tests/integration
    TRACKER_DATABASE_URL=postgresql+psycopg://tracker:tracker@127.0.0.1:5432/tracker \\
        .venv/bin/pytest tests/integration

``postgres_url``: for tests that must run on PostgreSQL even in the SQLite
run (skipped with a reason if no server answers, failed under
``TRACKER_REQUIRE_SERVICES=1``). ``each_database_url`` runs a test once on
SQLite and once on PostgreSQL.

Resetting drops the whole ``public`` schema: point these tests only at a
database kept for testing.

A fresh migrated database that ``engine`` and ``each_engine`` give is a copy
of one migrated once per run (``migrated_sqlite``; on PostgreSQL a template
database): copying takes milliseconds where running every migration takes
0.15 s (SQLite) to 0.3 s (PostgreSQL), minutes over the whole suite
(tests/fresh_databases.py). The migrations themselves are tested on their
own (tests/integration/test_db.py).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db.session import ensure_schema, make_engine
from tests.conftest import from_migrated
from tests.services import require_postgres


def sqlite_url(folder: Path) -> str:
    return f"sqlite:///{folder / 'tracker.db'}"


def reset_postgres(url: str) -> None:
    """Empty the database: drop every table, trigger, function and sequence."""
    engine = make_engine(url)
    try:
        with engine.begin() as connection:
            connection.exec_driver_sql("DROP SCHEMA public CASCADE")
            connection.exec_driver_sql("CREATE SCHEMA public")
    finally:
        engine.dispose()


@pytest.fixture
def database_url(tmp_path: Path) -> str:
    configured = os.environ.get("TRACKER_DATABASE_URL", "")
    if configured.startswith("postgresql"):
        url = require_postgres(configured)
        reset_postgres(url)
        return url
    return sqlite_url(tmp_path)


@pytest.fixture
def sqlite_file_url(tmp_path: Path) -> str:
    """A fresh SQLite file, whatever database the run uses (for SQLite-only tests)."""
    return sqlite_url(tmp_path)


@pytest.fixture
def postgres_url() -> str:
    url = require_postgres()
    reset_postgres(url)
    return url


@pytest.fixture(
    params=[
        pytest.param("sqlite", id="sqlite"),
        pytest.param("postgresql", id="postgresql", marks=pytest.mark.postgres),
    ]
)
def each_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> str:
    if request.param == "sqlite":
        return sqlite_url(tmp_path)
    return request.getfixturevalue("postgres_url")


@pytest.fixture
def engine(database_url: str, migrated_sqlite: Path) -> Iterator[Engine]:
    """An engine on a fresh database with every migration applied."""
    engine = ensure_schema(from_migrated(database_url, migrated_sqlite))
    yield engine
    # Close pooled connections: the next test's reset must not wait on them.
    engine.dispose()


@pytest.fixture
def each_engine(each_database_url: str, migrated_sqlite: Path) -> Iterator[Engine]:
    """``engine``, once on SQLite and once on PostgreSQL."""
    engine = ensure_schema(from_migrated(each_database_url, migrated_sqlite))
    yield engine
    engine.dispose()
