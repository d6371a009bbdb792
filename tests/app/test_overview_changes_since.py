"""The Overview's "Changes since" section (AppTest), on the Welsh demo.

The demo's records were saved when the test database was made, after every
day these tests choose, so each is a change since. The default day is the
last review meeting's (one is opened here), or 30 days before the as-at day
(``TRACKER_TODAY``, 27 November 2026) with none; ``?since=`` in the address
sets another. What the section says is checked against the figures it is
drawn from (tracker.figures.changes_since) and against the database.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from streamlit.testing.v1 import AppTest

from db.models import Announcement
from db.session import ensure_schema, read_session
from tests.app.conftest import APP, SETUP, TODAY
from tracker.figures import changes_since
from tracker.figures.data import load
from tracker.review import recording

PICK = "overview_since"
AS_AT = date.fromisoformat(TODAY)


def _open(**params: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _expected(url: str, since: date) -> changes_since.Changes:
    engine = ensure_schema(url)
    try:
        return changes_since.changes_since(engine, load(engine), since)
    finally:
        engine.dispose()


def _announcements_stored(url: str) -> int:
    engine = ensure_schema(url)
    try:
        with read_session(engine) as session:
            return session.scalar(
                select(func.count()).select_from(Announcement).where(Announcement.deleted_at.is_(None))
            )
    finally:
        engine.dispose()


def _texts(at: AppTest) -> list[str]:
    return [element.value for element in (*at.caption, *at.markdown)]


def test_with_no_meeting_the_section_starts_30_days_before_the_as_at_day(app_database: str) -> None:
    at = _open()
    thirty_days_back = date(2026, 10, 28)

    assert at.date_input(key=PICK).value == thirty_days_back
    assert (
        "Showing the changes over the last 30 days, since 28 October 2026 (no review meeting has been held yet)."
        in _texts(at)
    )
    expected = _expected(app_database, thirty_days_back)
    assert f"**{expected.sentence()}**" in _texts(at)
    assert expected.announcements.count == _announcements_stored(app_database)  # every demo announcement is new
    assert f"New announcements: {expected.announcements.count:,}" in [e.label for e in at.expander]
    assert "since" not in at.query_params  # the default is not written into the address


def test_the_default_is_the_last_review_meeting_held(app_database: str) -> None:
    engine = ensure_schema(app_database)
    try:
        recording.open_meeting("2026-06-01", engine=engine, actor=SETUP)
        recording.open_meeting("2026-11-20", engine=engine, actor=SETUP)
        recording.open_meeting("2026-12-31", TODAY, engine=engine, actor=SETUP)  # still to come on the as-at day
    finally:
        engine.dispose()
    at = _open()

    assert at.date_input(key=PICK).value == date(2026, 11, 20)
    assert "Showing the changes since the last review meeting on 20 November 2026." in _texts(at)


def test_a_since_in_the_address_is_the_day_shown_and_stays_there(app_database: str) -> None:
    at = _open(since="2026-11-03")

    assert at.date_input(key=PICK).value == date(2026, 11, 3)
    assert at.query_params["since"] == "2026-11-03"
    assert (
        "A day chosen; by default the changes over the last 30 days, since 28 October 2026 (no review meeting has been held yet)."
        in _texts(at)
    )
    assert f"**{_expected(app_database, date(2026, 11, 3)).sentence()}**" in _texts(at)


def test_a_day_chosen_is_written_into_the_address(app_database: str) -> None:
    at = _open()
    at.date_input(key=PICK).set_value(date(2026, 9, 1)).run()

    assert at.query_params["since"] == "2026-09-01"
    assert f"**{_expected(app_database, date(2026, 9, 1)).sentence()}**" in _texts(at)


def test_a_since_that_is_not_a_day_is_said_and_the_default_shown(app_database: str) -> None:
    at = _open(since="last tuesday")

    assert at.date_input(key=PICK).value == date(2026, 10, 28)
    assert any("'last tuesday' in the address is not a day like 2026-11-03" in w.value for w in at.warning)


def test_each_list_links_its_rows_to_their_announcements(app_database: str) -> None:
    at = _open()
    expected = _expected(app_database, date(2026, 10, 28))
    shown = {e.label: e for e in at.expander}

    announcements = shown[f"New announcements: {expected.announcements.count:,}"].dataframe[0].value
    assert list(announcements["address"]) == [f"/announcements?ref={ref}" for ref in announcements["ref"]]
    deliveries = shown[f"Deliveries recorded: {expected.deliveries.count:,}"].dataframe[0].value
    assert len(deliveries) == min(expected.deliveries.count, changes_since.SHOWN_AT_MOST)
    assert deliveries["address"].notna().all()


def test_the_audit_trail_is_offered_only_to_those_who_may_see_it(app_as) -> None:
    def audit_links(at: AppTest) -> list[str]:
        return [link.proto.label for link in at.main.get("page_link") if "Audit trail" in link.proto.label]

    admin = _open()
    assert audit_links(admin) == ["Every change in the Audit trail (set its dates to start on 28 October 2026)"]
    viewer = app_as("viewer").run()
    assert not viewer.exception
    assert viewer.date_input(key=PICK).value == date(2026, 10, 28)  # the changes are for everyone
    assert audit_links(viewer) == []


def test_the_day_shown_is_kept_on_coming_back_from_another_page(app_database: str) -> None:
    # Streamlit forgets a widget's value when its page is left: the date picker would come back as today.
    at = _open()
    at.switch_page("app_pages/account.py").run()
    at.switch_page("app_pages/overview.py").run()

    assert at.date_input(key=PICK).value == date(2026, 10, 28)  # the default, 30 days back: not today

    at.date_input(key=PICK).set_value(date(2026, 9, 1)).run()
    at.switch_page("app_pages/account.py").run()
    at.switch_page("app_pages/overview.py").run()

    assert not at.exception
    assert at.date_input(key=PICK).value == date(2026, 9, 1)  # a day chosen, kept
    assert f"**{_expected(app_database, date(2026, 9, 1)).sentence()}**" in _texts(at)
