"""Shared test settings.

Hypothesis runs on two shared cores here: no per-example deadline (timings
are noisy) and a modest number of examples. ``HYPOTHESIS_PROFILE=thorough``
runs many more when hunting for a bug.

Figures kept for sharing (``tracker.figures.shared``) are checked on every
read: a page or function that changes one in place fails its test.

``migrated_sqlite``: one SQLite file with every migration applied, made once
per run; the fixtures that give a test a fresh migrated database copy it
(``from_migrated``; on PostgreSQL, a template database migrated once per
run) rather than run every migration again (tests/fresh_databases.py).

Under pytest-xdist each worker has its own PostgreSQL database (tests/workers.py).
"""

import os
from pathlib import Path

import pytest
from hypothesis import settings

from db.session import ensure_schema
from tests.fresh_databases import copy_sqlite, fresh_postgres
from tests.workers import give_each_worker_its_database
from tracker.figures.shared import CHECK_VARIABLE

os.environ[CHECK_VARIABLE] = "1"
give_each_worker_its_database()

settings.register_profile("ci", deadline=None, max_examples=60)
settings.register_profile("thorough", deadline=None, max_examples=2000)
settings.load_profile(os.environ.get("HYPOTHESIS_PROFILE", "ci"))


@pytest.fixture(scope="session")
def migrated_sqlite(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A SQLite file with every migration applied, made once per run."""
    folder = tmp_path_factory.mktemp("migrated")
    ensure_schema(f"sqlite:///{folder / 'tracker.db'}").dispose()
    return folder / "tracker.db"


def from_migrated(url: str, migrated: Path) -> str:
    """``url``, a fresh database with every migration applied: on PostgreSQL made
    again from a template migrated once per run; on SQLite, when the file is
    not made yet, a copy of ``migrated``."""
    if url.startswith("postgresql"):
        fresh_postgres(url, "migrated", migrate)
        return url
    return copy_sqlite(migrated, url)


def migrate(url: str) -> None:
    """Apply every migration to the database at ``url``."""
    ensure_schema(url).dispose()
