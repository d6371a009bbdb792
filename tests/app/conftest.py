"""Fixtures for AppTest page tests.

Every test gets its own database with the Welsh demo loaded (ask for
``empty_database`` to get one with no data in it): a SQLite file under
tmp_path, or the PostgreSQL database named by TRACKER_DATABASE_URL, made
again. Either is a copy of one built once per run (tests/fresh_databases.py). ``TRACKER_DATABASE_URL`` and
``TRACKER_TODAY`` point the app at it.

Signing in (the one documented way): the database always holds the test
admin, ``TEST_ADMIN`` with ``TEST_PASSWORD``, and **every AppTest made in a
test starts signed in as that admin**: the fixture sets
``at.session_state["user_id"]`` when the AppTest is made, exactly what a
good sign-in stores. So a page test only opens the app and its page:

    at = AppTest.from_file(APP).run()              # signed in as the test admin
    at.switch_page("app_pages/record.py").run()

- ``app_as("finance")`` (a fixture; a function) adds a user with those roles
  (through ``accounts.add_user``, with ``TEST_PASSWORD``) and returns an
  AppTest signed in as them, not yet run.
- Ask for ``signed_out`` to start every AppTest signed out (sign-in tests).

The test admin is written straight into the users table, without an audit
event, so that the audit trail of a test's database is exactly the demo's
(25 events) as the audit page tests expect; every other user is added
through ``accounts.add_user`` and audited.

A page that fails shows the tracker's words, not an exception
(``dashboard/failure_page.py``), so ``at.exception`` alone would miss it:
every test fails if anything was reported to the ``tracker.failures`` log,
unless it asks for ``page_failures`` (the records reported, for a test of
the failure messages themselves).

Streamlit's caches live in the process, not in an AppTest: the engine
(``st.cache_resource``) and the data (``st.cache_data``) of one test would be
served to the next. Both are cleared before and after each test (TESTING.md).
"""

from __future__ import annotations

import functools
import logging
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import streamlit as st
from sqlalchemy import Engine, select
from streamlit.testing.v1 import AppTest

from db.models import User, UserRole
from db.session import ensure_schema, read_session, write_session
from tests.fresh_databases import copy_sqlite, fresh_postgres
from tests.integration.conftest import sqlite_url
from tests.services import require_postgres
from tracker import accounts
from tracker.demo import load_demo
from tracker.records.permissions import Actor

TODAY = "2026-11-27"
APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
TEST_ADMIN = "test-admin"
TEST_PASSWORD = "purple kettle on the hill 42"
SETUP = Actor("setup", frozenset({"admin"}))


@pytest.fixture
def empty_database() -> bool:
    """Request this fixture for a test that needs a database with no data (only the test admin)."""
    return True


@pytest.fixture
def signed_out() -> bool:
    """Request this fixture for AppTests that start signed out."""
    return True


class _Reported(logging.Handler):
    def __init__(self) -> None:
        super().__init__(logging.ERROR)
        self.records: list[logging.LogRecord] = []

    def emit(self, record: logging.LogRecord) -> None:
        self.records.append(record)


@pytest.fixture(autouse=True)
def reported_failures(request: pytest.FixtureRequest) -> Iterator[list[logging.LogRecord]]:
    """Fail a test whose pages reported a failure (shown in the tracker's words, not as an exception)."""
    reported = _Reported()
    logger = logging.getLogger("tracker.failures")
    logger.addHandler(reported)
    try:
        yield reported.records
    finally:
        logger.removeHandler(reported)
    if reported.records and "page_failures" not in request.fixturenames:
        formatter = logging.Formatter()
        pytest.fail("a page failed:\n" + "\n".join(formatter.format(record) for record in reported.records))


@pytest.fixture
def page_failures(reported_failures: list[logging.LogRecord]) -> list[logging.LogRecord]:
    """Request this fixture for a test that expects failures said in the
    tracker's words: the records ``tracker.failures`` logged so far, in order."""
    return reported_failures


def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _dispose_cached_engine(url: str) -> None:
    """Close the pooled connections of the engine the app cached for ``url``."""
    from dashboard.components import _engine

    _engine(url).dispose()


def _insert_test_admin(engine: Engine) -> int:
    """The test admin, written without an audit event (see the module docstring)."""
    with write_session(engine) as session:
        user = User(
            username=TEST_ADMIN,
            password_hash=accounts.hash_password(TEST_PASSWORD),
            password_changed_at=datetime.now(UTC),
        )
        user.roles = [UserRole(role="admin")]
        session.add(user)
        session.flush()
        return user.id


def user_id(url: str, username: str) -> int:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return session.scalar(select(User.id).where(User.username == username))
    finally:
        engine.dispose()


def add_test_user(url: str, username: str, roles, password: str | None = TEST_PASSWORD) -> int:
    """Add a user through ``accounts.add_user`` (audited, by "setup"); their id."""
    engine = ensure_schema(url)
    try:
        accounts.add_user(username, roles, engine=engine, password=password, actor=SETUP)
    finally:
        engine.dispose()
    return user_id(url, username)


def sign_in_as(at: AppTest, uid: int) -> AppTest:
    """Start ``at`` signed in as the user ``uid`` (what a good sign-in stores)."""
    at.session_state["user_id"] = uid
    return at


def _build_app_database(url: str, *, demo: bool) -> int:
    """Migrate the database at ``url``, load the demo (when ``demo``) and add the test admin; the admin's id."""
    engine = ensure_schema(url)
    try:
        if demo:
            load_demo(engine, actor=SETUP)
        return _insert_test_admin(engine)
    finally:
        engine.dispose()


def _built_sqlite(tmp_path_factory: pytest.TempPathFactory, *, demo: bool) -> tuple[Path, int]:
    folder = tmp_path_factory.mktemp("demo" if demo else "empty")
    return folder / "tracker.db", _build_app_database(sqlite_url(folder), demo=demo)


@pytest.fixture(scope="session")
def demo_app_sqlite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A SQLite file with the demo and the test admin, made once per run; the admin's id."""
    return _built_sqlite(tmp_path_factory, demo=True)


@pytest.fixture(scope="session")
def empty_app_sqlite(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, int]:
    """A SQLite file with only the test admin, made once per run; the admin's id."""
    return _built_sqlite(tmp_path_factory, demo=False)


@pytest.fixture(autouse=True)
def app_database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    demo = "empty_database" not in request.fixturenames
    configured = os.environ.get("TRACKER_DATABASE_URL", "")
    if configured.startswith("postgresql"):
        url = require_postgres(configured)
        build = functools.partial(_build_app_database, demo=demo)
        admin_id = fresh_postgres(url, "demo" if demo else "admin", build)
    else:
        built, admin_id = request.getfixturevalue("demo_app_sqlite" if demo else "empty_app_sqlite")
        url = copy_sqlite(built, sqlite_url(tmp_path))
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    monkeypatch.delenv("TRACKER_IDLE_MINUTES", raising=False)
    if "signed_out" not in request.fixturenames:
        made = AppTest.__init__

        def signed_in_init(self, *args, **kwargs):
            made(self, *args, **kwargs)
            sign_in_as(self, admin_id)

        monkeypatch.setattr(AppTest, "__init__", signed_in_init)
    _clear_streamlit_caches()
    yield url
    _dispose_cached_engine(url)
    _clear_streamlit_caches()


@pytest.fixture
def app_as(app_database: str) -> Callable[..., AppTest]:
    """``app_as("viewer", "reviewer", username=...)``: an AppTest (not yet run)
    signed in as a new user holding those roles."""
    made: dict[str, int] = {}

    def make(*roles: str, username: str | None = None) -> AppTest:
        name = username or "-".join(sorted(roles)) + "-user"
        if name not in made:
            made[name] = add_test_user(app_database, name, roles)
        return sign_in_as(AppTest.from_file(APP, default_timeout=60), made[name])

    return make


@pytest.fixture
def navigation(monkeypatch: pytest.MonkeyPatch) -> list:
    """What app.py passes to ``st.navigation`` on each run (the last is the current one)."""
    calls: list = []
    real = st.navigation

    def spy(pages, **kwargs):
        calls.append(pages)
        return real(pages, **kwargs)

    monkeypatch.setattr(st, "navigation", spy)
    return calls


def offered(calls: list) -> list[str]:
    """The titles the last navigation showed (hidden pages are reachable only by address)."""
    pages = calls[-1]
    listed = [p for section in pages.values() for p in section] if isinstance(pages, dict) else list(pages)
    return [p.title for p in listed if p.visibility == "visible"]
