"""A database of a chosen kind for a page test, whatever the run uses
(``tests/app/conftest.py`` gives every test one of the run's kind): for a
behaviour that belongs to one database, e.g. PostgreSQL refusing a NUL in a
query, or SQLite storing one."""

from __future__ import annotations

from pathlib import Path

from db.session import ensure_schema
from tests.app.conftest import SETUP, _insert_test_admin
from tests.integration.conftest import reset_postgres, sqlite_url
from tests.services import require_postgres
from tracker.demo import load_demo


def demo_database(url: str) -> int:
    """The demo and the test admin in the (emptied) database at ``url``; the admin's id."""
    if url.startswith("postgresql"):
        reset_postgres(url)
    engine = ensure_schema(url)
    try:
        load_demo(engine, actor=SETUP)
        return _insert_test_admin(engine)
    finally:
        engine.dispose()


def postgres_demo() -> tuple[str, int]:
    """The demo on the test PostgreSQL server (skipped, or failed when services are required, if none answers)."""
    url = require_postgres()
    return url, demo_database(url)


def sqlite_demo(folder: Path) -> tuple[str, int]:
    """The demo in a SQLite file under ``folder``."""
    url = sqlite_url(folder / "own")
    (folder / "own").mkdir(exist_ok=True)
    return url, demo_database(url)
