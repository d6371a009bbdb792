"""A writer that finds the database busy waits, tries again as a whole, and
in the end says so with nothing saved (tracker.records.retrying) — SQLite,
where one writer at a time holds the lock. The busy timeout is shortened
here so that a test need not hold the lock for a minute."""

from __future__ import annotations

import sqlite3
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import Engine

from db import session as db_session
from db.models import Announcement, AuditEvent
from db.session import ensure_schema, sqlite_file
from tests.actors import admin
from tests.integration.test_concurrency import FOUNDING, count
from tests.integration.test_concurrent_imports import commitments_file
from tracker.imports.apply import import_file
from tracker.records.announcements import create_announcement
from tracker.records.retrying import BUSY, DatabaseBusy

ACTOR = admin("test:officer")


@pytest.fixture
def quick_engine(sqlite_file_url: str, monkeypatch) -> Engine:
    monkeypatch.setattr(db_session, "SQLITE_BUSY_TIMEOUT_MS", 100)
    engine = ensure_schema(sqlite_file_url)
    yield engine
    engine.dispose()


def hold_the_write_lock(engine: Engine, seconds: float) -> tuple[threading.Thread, threading.Event]:
    """Another program holding SQLite's write lock for ``seconds``; the event is set once it holds it."""
    path = sqlite_file(str(engine.url))
    holding = threading.Event()

    def hold() -> None:
        other = sqlite3.connect(path, isolation_level=None)
        other.execute("BEGIN IMMEDIATE")
        holding.set()
        time.sleep(seconds)
        other.execute("ROLLBACK")
        other.close()

    thread = threading.Thread(target=hold)
    thread.start()
    holding.wait(5)
    return thread, holding


def test_a_save_waits_for_a_writer_that_holds_the_lock_past_the_busy_timeout(quick_engine: Engine) -> None:
    holder, _ = hold_the_write_lock(quick_engine, 0.6)  # six busy timeouts: the first try fails, a later one lands
    create_announcement(FOUNDING, engine=quick_engine, new_organisations_ok=True, actor=ACTOR)
    holder.join()
    assert count(quick_engine, Announcement) == 1
    assert count(quick_engine, AuditEvent, AuditEvent.entity == "announcements") == 1


def test_an_import_waits_too(quick_engine: Engine, tmp_path: Path) -> None:
    holder, _ = hold_the_write_lock(quick_engine, 0.6)
    outcome = import_file("commitments", commitments_file(tmp_path, 0), engine=quick_engine, actor=ACTOR)
    holder.join()
    assert outcome.created == 250


def test_a_database_busy_through_every_try_saves_nothing_and_says_so(quick_engine: Engine, tmp_path: Path) -> None:
    holder, _ = hold_the_write_lock(quick_engine, 5)
    with pytest.raises(DatabaseBusy) as err:
        create_announcement(FOUNDING, engine=quick_engine, new_organisations_ok=True, actor=ACTOR)
    assert str(err.value) == BUSY
    assert "nothing was saved" in BUSY
    with pytest.raises(DatabaseBusy):
        import_file("commitments", commitments_file(tmp_path, 0), engine=quick_engine, actor=ACTOR)
    holder.join()
    assert count(quick_engine, Announcement) == 0
    assert count(quick_engine, AuditEvent) == 0
