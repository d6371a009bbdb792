"""The figures a page caches follow writes made elsewhere even when they
commit out of order (``tracker.figures.data_version``).

On PostgreSQL two writers run side by side and audit event ids are handed
out as rows are inserted: an import (another server, or the command line)
holds low ids while a quick edit made after it commits first. A page run in
between must not keep its figures under a mark that the import's commit
leaves unchanged. Here the import really runs, in a thread on an engine of
its own (another process, as far as the database knows), and waits just
before it commits while the edit commits and the page runs; then it commits
and the very next run of the same page shows it. (SQLite has one writer at a
time, ids in commit order: ``test_figures_follow_the_data`` covers it.)
"""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest
from streamlit.testing.v1 import AppTest

from db.session import ensure_schema
from tests.actors import ADMIN
from tests.app.conftest import APP, _dispose_cached_engine, sign_in_as
from tests.app.databases import postgres_demo
from tracker import accounts
from tracker.imports import apply
from tracker.imports import plan as planning

pytestmark = pytest.mark.postgres

FILE = (
    b"ref,announced_on,funder,recipient,purpose,kind,amount,first_year\n"
    b"X1,2020-01-10,Welsh Government,Welsh councils,More,one-off,\xc2\xa31m,2020-21\n"
)


@pytest.fixture
def postgres_app(monkeypatch: pytest.MonkeyPatch) -> Iterator[tuple[str, AppTest]]:
    url, admin_id = postgres_demo()
    monkeypatch.setenv("TRACKER_DATABASE_URL", url)
    yield url, sign_in_as(AppTest.from_file(APP, default_timeout=60), admin_id)
    _dispose_cached_engine(url)


def _committed(at: AppTest) -> str:
    assert not at.exception
    return next(m.value for m in at.metric if m.label.startswith("Committed"))


class _HeldImport(threading.Thread):
    """``apply_plan`` on an engine of its own, held once every row (and its
    audit events) is written, until ``release``; then it commits."""

    def __init__(self, url: str) -> None:
        super().__init__(daemon=True)
        self.engine = ensure_schema(url)
        self.plan = planning.plan_import("commitments", FILE, "more.csv", engine=self.engine)
        assert self.plan.can_apply and not self.plan.problems
        self.written, self.release = threading.Event(), threading.Event()
        self.failure: BaseException | None = None

    def _progress(self, done: int, total: int) -> None:
        if total and done == total:  # everything written, not yet committed
            self.written.set()
            assert self.release.wait(60)

    def run(self) -> None:
        try:
            apply.apply_plan(self.plan, FILE, engine=self.engine, actor=ADMIN, progress=self._progress)
        except BaseException as err:  # reported by the test
            self.failure = err
        finally:
            self.written.set()
            self.engine.dispose()


def test_an_import_that_commits_after_a_later_edit_is_on_the_next_run(postgres_app):
    url, at = postgres_app
    assert _committed(at.run()) == "at least £13.3m"  # the demo

    held = _HeldImport(url)
    held.start()
    assert held.written.wait(60) and held.failure is None
    editor = ensure_schema(url)  # another writer: its audit event's id is above the import's
    try:
        accounts.add_user("late-edit", ["viewer"], engine=editor, actor=ADMIN)
    finally:
        editor.dispose()
    assert _committed(at.run()) == "at least £13.3m"  # the edit is in, the import not yet

    held.release.set()
    held.join(60)
    assert held.failure is None
    assert _committed(at.run()) == "at least £14.3m"  # the same session's next run
