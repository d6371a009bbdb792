"""Fixtures for AppTest page tests.

Every test gets its own database with the Welsh demo loaded (ask for
``empty_database`` to get one with nothing in it, not even tables): a SQLite
file under tmp_path, or the PostgreSQL server named by TRACKER_DATABASE_URL,
emptied first as tests/integration does. ``TRACKER_DATABASE_URL`` and
``TRACKER_TODAY`` point the app at it.

Streamlit's caches live in the process, not in an AppTest: the engine
(``st.cache_resource``) and the data (``st.cache_data``) of one test would be
served to the next. Both are cleared before and after each test (TESTING.md).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
import streamlit as st

from db.session import ensure_schema
from tests.integration.conftest import reset_postgres, sqlite_url
from tests.services import require_postgres
from tracker.demo import load_demo

TODAY = "2026-11-27"


@pytest.fixture
def empty_database() -> bool:
    """Request this fixture for a test that needs a database with nothing in it."""
    return True


def _clear_streamlit_caches() -> None:
    st.cache_data.clear()
    st.cache_resource.clear()


def _dispose_cached_engine(url: str) -> None:
    """Close the pooled connections of the engine the app cached for ``url``."""
    from dashboard.components import _engine

    _engine(url).dispose()


@pytest.fixture(autouse=True)
def app_database(request: pytest.FixtureRequest, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[str]:
    configured = os.environ.get("TRACKER_DATABASE_URL", "")
    if configured.startswith("postgresql"):
        url = require_postgres(configured)
        reset_postgres(url)
    else:
        url = sqlite_url(tmp_path)
    if "empty_database" not in request.fixturenames:
        engine = ensure_schema(url)
        try:
            load_demo(engine)
        finally:
            engine.dispose()
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    monkeypatch.setenv("TRACKER_TODAY", TODAY)
    _clear_streamlit_caches()
    yield url
    _dispose_cached_engine(url)
    _clear_streamlit_caches()
