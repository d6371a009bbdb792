"""Every page says when the data last changed (the newest audit event the figures show)."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES
from db.models import AuditEvent
from db.session import make_engine, read_session
from tests.actors import ADMIN
from tests.app.conftest import APP
from tracker.figures.data_version import NOT_DATA, last_changed_sentence
from tracker.records.deliveries import record_delivery
from tracker.records.inputs import DeliveryInput


def _newest(url: str) -> datetime:
    engine = make_engine(url)
    try:
        with read_session(engine) as session:
            return session.scalar(select(func.max(AuditEvent.occurred_at)).where(AuditEvent.entity.not_in(NOT_DATA)))
    finally:
        engine.dispose()


def _said(at: AppTest) -> list[str]:
    return [c.value for c in at.sidebar.caption if c.value.startswith("Data last changed")]


def test_every_page_says_when_the_data_last_changed_and_a_save_moves_it(app_database: str) -> None:
    at = AppTest.from_file(APP, default_timeout=60).run()
    for page in PAGES:
        at.switch_page(page.path).run()
        assert _said(at) == [last_changed_sentence(_newest(app_database))], page.title
    before = _newest(app_database)
    engine = make_engine(app_database)
    try:
        record_delivery(DeliveryInput("D-NEW", "W1", "2026-11-01", "£10"), engine=engine, actor=ADMIN)
    finally:
        engine.dispose()
    at.run()
    assert _newest(app_database) > before
    assert _said(at) == [last_changed_sentence(_newest(app_database))]


def test_the_sentence_names_the_day_and_time_in_utc() -> None:
    assert last_changed_sentence(datetime(2026, 12, 5, 14, 2, 59, tzinfo=UTC)) == (
        "Data last changed 5 December 2026 at 14:02 UTC."
    )
    assert last_changed_sentence(None) == "No data recorded yet."
