"""A page that fails in a way nobody handled says so in the tracker's words
(``dashboard/failure_page.py``, ``tracker.failures``): what went wrong, what
to do, and a reference that matches the log line holding the traceback. No
traceback, no Streamlit error box (which talks of Streamlit Cloud).

The database is made to fail honestly: opened read-only (a read-only SQLite
URI, since tests run as root and file permissions would not stop root; on
PostgreSQL a connection whose transactions are read-only), a server address
where nothing listens, a PostgreSQL server stopped mid-session (a proxy in
front of it, closed), and a database whose migration was changed under the
running app.
"""

from __future__ import annotations

import logging
import re
import socket
import threading
from collections.abc import Iterator
from contextlib import closing, suppress

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.engine import make_url
from streamlit.testing.v1 import AppTest

from db.models import Delivery
from db.session import SCHEMA_HEAD, downgrade, ensure_schema, read_session, upgrade, write_session
from tests.app.conftest import APP, _dispose_cached_engine, sign_in_as
from tests.app.databases import postgres_demo
from tests.app.forms import fill_delivery

UNREACHABLE = "postgresql+psycopg://tracker:tracker@127.0.0.1:1/tracker"  # nothing listens on port 1
REFERENCE = re.compile(r"Reference ([0-9a-f]{8})\b")


def _said(at: AppTest) -> str:
    """Everything the page shows as text, its error boxes and captions included."""
    parts = [e.value for e in at.error] + [c.value for c in at.caption] + [m.value for m in at.markdown]
    parts += [str(x.value) for x in at.get("exception")]
    return "\n".join(parts)


def _assert_said_in_the_trackers_words(at: AppTest, what: str) -> str:
    """The tracker's message is on screen, nothing of Streamlit's or of a
    traceback is; returns the reference shown."""
    assert not at.exception, [x.value for x in at.exception]
    errors = [e.value for e in at.error]
    assert any(e.startswith(what) for e in errors), errors
    shown = _said(at)
    assert "Streamlit Cloud" not in shown and "Traceback" not in shown and "sqlalchemy" not in shown.lower()
    found = REFERENCE.findall(shown)
    assert len(found) == 1, shown
    return found[0]


def _deliveries(url: str) -> int:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return session.scalar(select(func.count()).select_from(Delivery))
    finally:
        engine.dispose()


def _read_only(url: str) -> str:
    """The same database, opened so that the database itself refuses every write."""
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return f"sqlite:///file:{parsed.database}?mode=ro&uri=true"
    return parsed.update_query_dict({"options": "-c default_transaction_read_only=on"}).render_as_string(
        hide_password=False
    )


def test_a_write_to_a_read_only_database_is_said_and_nothing_is_saved(app_database, monkeypatch, page_failures):
    before = _deliveries(app_database)
    monkeypatch.setenv("TRACKER_DATABASE_URL", _read_only(app_database))
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception and not at.error  # reading works
    fill_delivery(at)
    at.button(key="record_d_save").click().run()

    reference = _assert_said_in_the_trackers_words(at, "The database cannot be written")
    assert any("nothing was saved" in e.value for e in at.error)
    assert not at.success
    assert _deliveries(app_database) == before
    (record,) = page_failures
    assert reference in record.getMessage()
    at.run()  # said once: the next run is the page again
    assert not at.error and not at.exception


def test_an_unreachable_database_server_is_said_with_what_to_do(monkeypatch, page_failures):
    monkeypatch.setenv("TRACKER_DATABASE_URL", UNREACHABLE)
    at = AppTest.from_file(APP, default_timeout=60).run()
    _assert_said_in_the_trackers_words(at, "The database cannot be reached")
    assert any("TRACKER_DATABASE_URL" in e.value for e in at.error)
    assert len(page_failures) == 1


def test_the_sign_in_page_too_says_an_unreachable_database_in_the_trackers_words(
    signed_out, monkeypatch, page_failures
):
    monkeypatch.setenv("TRACKER_DATABASE_URL", UNREACHABLE)
    at = AppTest.from_file(APP, default_timeout=60).run()
    _assert_said_in_the_trackers_words(at, "The database cannot be reached")
    assert not at.text_input  # no sign-in form that could only fail


def test_the_reference_on_screen_is_the_log_lines_with_the_traceback(monkeypatch, page_failures):
    monkeypatch.setenv("TRACKER_DATABASE_URL", UNREACHABLE)
    at = AppTest.from_file(APP, default_timeout=60).run()
    reference = _assert_said_in_the_trackers_words(at, "The database cannot be reached")
    (record,) = page_failures
    assert record.levelno == logging.ERROR and record.name == "tracker.failures"
    assert f"(reference {reference})" in record.getMessage()
    assert record.exc_info is not None and "Connection refused" in str(record.exc_info[1])
    at.run()  # a new failure, a new reference
    assert _assert_said_in_the_trackers_words(at, "The database cannot be reached") != reference
    assert len(page_failures) == 2


class _Proxy:
    """A TCP proxy to PostgreSQL that can be stopped: the database server, as
    the app sees it, goes away."""

    def __init__(self, port: int) -> None:
        self.target = port
        self.listener = socket.create_server(("127.0.0.1", 0))
        self.port = self.listener.getsockname()[1]
        self.open: list[socket.socket] = []
        threading.Thread(target=self._accept, daemon=True).start()

    def _accept(self) -> None:
        while True:
            try:
                client, _ = self.listener.accept()
            except OSError:  # stopped
                return
            server = socket.create_connection(("127.0.0.1", self.target))
            self.open += [client, server]
            for source, sink in ((client, server), (server, client)):
                threading.Thread(target=self._pump, args=(source, sink), daemon=True).start()

    @staticmethod
    def _pump(source: socket.socket, sink: socket.socket) -> None:
        with closing(source), closing(sink):
            try:
                while data := source.recv(65536):
                    sink.sendall(data)
            except OSError:
                pass

    def stop(self) -> None:
        for each in (self.listener, *self.open):  # shut down first: that wakes the thread waiting in accept()
            with suppress(OSError):
                each.shutdown(socket.SHUT_RDWR)
        self.listener.close()


@pytest.fixture
def postgres_behind_a_proxy(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[_Proxy, int]]:
    """The demo on PostgreSQL, reached through a proxy; the test admin's id."""
    url, admin = postgres_demo()
    parsed = make_url(url)
    proxy = _Proxy(parsed.port or 5432)
    proxied = parsed.set(host="127.0.0.1", port=proxy.port).render_as_string(hide_password=False)
    monkeypatch.setenv("TRACKER_DATABASE_URL", proxied)
    yield proxy, admin
    proxy.stop()
    _dispose_cached_engine(proxied)


@pytest.mark.postgres
def test_a_database_server_stopped_while_the_app_runs_is_said_in_the_trackers_words(
    postgres_behind_a_proxy, page_failures
):
    proxy, admin = postgres_behind_a_proxy
    at = sign_in_as(AppTest.from_file(APP, default_timeout=60), admin).run()
    at.switch_page("app_pages/delivery.py").run()
    assert not at.exception and not at.error and at.title[0].value == "Delivery"

    proxy.stop()
    at.run()
    _assert_said_in_the_trackers_words(at, "The database cannot be reached")
    assert not at.title  # nothing of the page


def _set_revision(url: str, revision: str) -> None:
    engine = ensure_schema(url)
    try:
        with write_session(engine) as session:
            session.execute(text("UPDATE alembic_version SET version_num = :r"), {"r": revision})
    finally:
        engine.dispose()


def test_a_database_left_behind_by_a_restore_says_to_run_db_upgrade(app_database, page_failures):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert at.title[0].value == "Overview"
    earlier = f"{int(SCHEMA_HEAD) - 1:04d}"
    downgrade(app_database, earlier)  # as a backup from before the last migration, restored under the running app

    at.run()
    _assert_said_in_the_trackers_words(at, "The database has migrations still to apply")
    said = " ".join(e.value for e in at.error)
    assert "`funding-tracker db upgrade`" in said and f"at {earlier}" in said and SCHEMA_HEAD in said
    assert not at.title

    upgrade(app_database)
    at.run()
    assert not at.error and at.title[0].value == "Overview"
    assert len(page_failures) == 1


def test_a_database_from_a_newer_tracker_says_to_upgrade_the_tracker(app_database, page_failures):
    at = AppTest.from_file(APP, default_timeout=60).run()
    _set_revision(app_database, f"{int(SCHEMA_HEAD) + 1:04d}")
    at.run()
    _assert_said_in_the_trackers_words(at, "The database was set up by a newer version of the tracker")
    assert any("Upgrade the tracker" in e.value for e in at.error)
