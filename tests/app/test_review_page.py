"""The Review page (demo data loaded; today is 27 November 2026): opening
meetings with frozen figures, what changed since the last review, statuses
with their history, and the pack downloads."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import func, select
from streamlit.runtime.media_file_manager import MediaFileManager
from streamlit.testing.v1 import AppTest
from streamlit.testing.v1.element_tree import Block

from db.models import AuditEvent, ProgressStatus, ReviewMeeting
from db.session import make_engine, read_session
from tests.actors import ADMIN
from tests.app.forms import error_summary
from tracker.records import deliveries
from tracker.records.inputs import DeliveryInput
from tracker.review import meetings as review

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")
FROZEN = "These figures were frozen when the meeting was opened; later changes do not move them."


@pytest.fixture
def db() -> Iterator:
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    yield engine
    engine.dispose()


def _open_page() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    return at


def _open_meeting(at: AppTest, held_on: date | None = None, as_at: date | None = None, title: str = "") -> None:
    if held_on is not None:
        at.date_input(key="review_new_held_on").set_value(held_on)
    if as_at is not None:
        at.date_input(key="review_new_as_at").set_value(as_at)
    if title:
        at.text_input(key="review_new_title").input(title)
    at.button(key="review_open").click().run()
    assert not at.exception


def _metrics(at: AppTest) -> dict[str, str]:
    return {m.label: m.value for m in at.metric}


TABLES = {  # each table on the page, by its first columns
    "yearly": ["financial_year", "committed"],
    "commitments": ["ref", "purpose", "status"],
    "programmes": ["programme", "status"],
    "milestones": ["title", "commitment_ref", "due_on"],
    "changes": ["what", "ref", "detail"],
    "history": ["assessed_on", "status"],
}


def _frame(at: AppTest, table: str, nth: int = 0):
    """The ``nth`` table of a kind, in page order."""
    columns = TABLES[table]
    found = [d.value for d in at.dataframe if list(d.value.columns[: len(columns)]) == columns]
    return found[nth]


def _elements(at: AppTest) -> list:
    return [node for node in at.main if not isinstance(node, Block)]


def _problem_beside(at: AppTest, label: str) -> str:
    """The error shown just below the widget labelled ``label``."""
    elements = _elements(at)
    at_widget = next(i for i, node in enumerate(elements) if getattr(node, "label", None) == label)
    following = elements[at_widget + 1]
    assert following.type == "error", following
    return following.value


def _is_new_delivery(what: list[str]) -> bool:
    """One row, saying a delivery is new (the exact words are tracker.review's)."""
    return len(what) == 1 and {"new", "delivery"} <= set(what[0].lower().split())


def _count(db, model) -> int:
    with read_session(db) as session:
        return session.scalar(select(func.count()).select_from(model))


def _give_status(at: AppTest, subject: str, status: str, assessed_on: date, note: str = "", evidence: str = "") -> None:
    at.selectbox(key="review_subject").set_value(subject)
    at.selectbox(key="review_status").set_value(status)
    at.date_input(key="review_assessed_on").set_value(assessed_on)
    at.text_input(key="review_evidence").input(evidence)
    at.text_area(key="review_note").input(note)
    at.button(key="review_save_status").click().run()
    assert not at.exception


def test_with_no_meeting_the_page_says_what_a_meeting_does_and_offers_only_the_form():
    at = _open_page()

    (info,) = at.info
    assert "No review meeting yet" in info.value and "frozen copy of the figures" in info.value
    assert [b.label for b in at.button] == ["Open the meeting and freeze its figures"]
    assert [d.label for d in at.date_input] == ["Meeting date", "Figures as at (optional)"]
    assert at.date_input(key="review_new_held_on").value == date(2026, 11, 27)
    assert not at.metric and not at.dataframe and not at.get("download_button") and not at.tabs


def test_a_meeting_opened_on_an_empty_database_says_its_figures_are_empty(empty_database):
    at = _open_page()
    _open_meeting(at)

    assert _metrics(at)["Committed (new money)"] == "£0"
    assert any(i.value.startswith("No commitment had been announced by the as-at date") for i in at.info)
    assert "There is no commitment to give a status to." in [i.value for i in at.info]


def test_opening_a_meeting_freezes_and_shows_its_figures(db):
    at = _open_page()
    _open_meeting(at, title="Digital Advisory Group, winter")

    assert [s.value for s in at.success] == [
        "Opened the meeting of 27 November 2026. The figures as at 27 November 2026 are frozen for it."
    ]
    assert at.selectbox(key="review_meeting").value == "2026-11-27"
    assert "Digital Advisory Group, winter" in at.selectbox(key="review_meeting").format_func("2026-11-27")
    assert any(FROZEN in i.value and "Figures as at **27 November 2026**" in i.value for i in at.info)
    metrics = _metrics(at)
    assert metrics["Committed (new money)"] == "at least £13.3m"
    assert metrics["Delivered to date"] == "£12.52m"
    assert metrics["% delivered"] == "94.1%"

    yearly = _frame(at, "yearly")
    total = yearly.loc[yearly["financial_year"] == "Total"].iloc[0]
    assert total["committed"] == Decimal("13300000.00")  # 1,330,000,000 pence
    assert total["delivered"] == Decimal("12520000.00")
    assert list(yearly["financial_year"]) == ["2020-21", "2021-22", "2022-23", "Total"]

    by_commitment = _frame(at, "commitments").set_index("ref")
    assert by_commitment.loc["W1", "delivered"] == Decimal("1200000.00")
    assert by_commitment.loc["W1", "progress"] == "behind by £300k"
    assert set(by_commitment["status"]) == {"No status yet"}

    milestones = _frame(at, "milestones")
    assert list(milestones["state"]) == ["achieved late", "achieved"]
    assert milestones["lateness"].iloc[0] == "about 8 months late"
    assert "This is the first review" in " ".join(i.value for i in at.info)

    assert review.meeting(db, date(2026, 11, 27)).figures["headline"]["committed"] == 1_330_000_000


def test_a_second_meeting_on_the_same_date_is_refused_beside_its_field(db):
    at = _open_page()
    _open_meeting(at)
    _open_meeting(at, held_on=date(2026, 11, 27))

    assert "a meeting on that date is already open" in _problem_beside(at, "Meeting date")
    assert not at.success
    assert _count(db, ReviewMeeting) == 1


def test_figures_as_at_after_the_meeting_are_refused_beside_their_field(db):
    at = _open_page()
    _open_meeting(at, held_on=date(2026, 11, 20), as_at=date(2026, 11, 25))

    assert "on or before the meeting's date" in _problem_beside(at, "Figures as at (optional)")
    assert _count(db, ReviewMeeting) == 0


def test_three_statuses_leave_three_history_rows_in_order_and_the_latest_is_current(db):
    at = _open_page()
    _open_meeting(at)
    for status, day, note in (
        ("not started", date(2025, 1, 10), "Recruitment not begun"),
        ("at risk", date(2025, 6, 10), "Advert reissued"),
        ("on track", date(2025, 11, 10), "Interviews held"),
    ):
        _give_status(at, "W1", status, day, note=note)
        assert not at.error

    history = _frame(at, "history")
    assert list(history["status"]) == ["● Not started (grey)", "● At risk (amber)", "● On track (green)"]
    assert list(history["assessed_on"]) == [date(2025, 1, 10), date(2025, 6, 10), date(2025, 11, 10)]
    assert list(history["note"]) == ["Recruitment not begun", "Advert reissued", "Interviews held"]
    assert [s.value for s in at.success][-1].startswith("Saved: W1 is On track (green)")
    # The current status is the latest, in words (with its colour and icon).
    assert any(m.value == ":green-badge[:material/check_circle: On track (green)]" for m in at.markdown)
    assert _frame(at, "commitments").set_index("ref").loc["W1", "status"] == "● On track (green)"
    # Linked to the meeting; the history is kept, never overwritten.
    stored = review.status_history(db, "W1")
    assert list(stored["status"]) == ["not started", "at risk", "on track"]
    assert set(stored["meeting_held_on"]) == {"2026-11-27"}
    # The form is cleared for the next status; the subject stays.
    assert at.selectbox(key="review_status").value is None and at.text_area(key="review_note").value == ""
    assert at.selectbox(key="review_subject").value == "W1"


def test_a_programme_is_given_a_status_of_its_own(db):
    at = _open_page()
    _open_meeting(at)
    programme = "programme: Local Government Digital Transformation Fund"
    _give_status(at, programme, "stalled", date(2026, 11, 27), evidence="https://example.org/minutes")

    assert not at.error
    assert list(review.status_history(db, programme)["status"]) == ["stalled"]
    programmes = _frame(at, "programmes")
    assert list(programmes["status"]) == ["● Stalled (red)"]


def test_a_status_with_no_evidence_and_no_note_is_refused_beside_the_note_and_nothing_is_saved(db):
    at = _open_page()
    _open_meeting(at)
    events = _count(db, AuditEvent)
    _give_status(at, "W2", "at risk", date(2026, 11, 1))

    said = _problem_beside(at, "Note")
    assert said.startswith("Note: ") and "give an evidence link or a note" in said
    assert error_summary(at) == [(said, "review_note")]  # the one problem, at the top too, linking to the note
    assert _count(db, ProgressStatus) == 0 and _count(db, AuditEvent) == events
    assert at.selectbox(key="review_status").value == "at risk"  # what was typed stays


def test_a_status_without_a_choice_is_refused_beside_the_status(db):
    at = _open_page()
    _open_meeting(at)
    at.text_area(key="review_note").input("Looks fine")
    at.button(key="review_save_status").click().run()

    assert "expected one of: not started" in _problem_beside(at, "Status")
    assert _count(db, ProgressStatus) == 0


def test_a_meetings_figures_stay_frozen_and_the_next_meeting_shows_what_changed(db):
    at = _open_page()
    _open_meeting(at, held_on=date(2026, 11, 20))
    deliveries.record_delivery(DeliveryInput("D9", "W7", "2026-10-01", "£100,000"), engine=db, actor=ADMIN)
    at.run()

    assert _metrics(at)["Delivered to date"] == "£12.52m"
    assert "D9" not in set(_frame(at, "commitments")["ref"])
    assert _frame(at, "commitments").set_index("ref").loc["W7", "delivered"] == Decimal("600000.00")

    # Still the latest meeting: what changed since it, until today.
    at.toggle(key="review_since_today").set_value(True).run()
    today = _frame(at, "changes")
    assert _is_new_delivery(list(today.loc[today["ref"] == "D9", "what"]))

    _open_meeting(at, held_on=date(2026, 11, 27))
    assert at.selectbox(key="review_meeting").value == "2026-11-27"
    assert list(at.selectbox(key="review_meeting").options)[:2] == [
        review.meeting(db, date(2026, 11, 27)).label,
        review.meeting(db, date(2026, 11, 20)).label,
    ]
    assert _metrics(at)["Delivered to date"] == "£12.62m"
    since = _frame(at, "changes")
    (row,) = since.loc[since["ref"] == "D9"].itertuples(index=False)
    assert _is_new_delivery([row.what]) and "£100,000 disbursement on 2026-10-01 against W7" in row.detail
    assert any(m.value.startswith("Delivered rose by £100,000") for m in at.markdown)

    at.selectbox(key="review_meeting").set_value("2026-11-20").run()
    assert _metrics(at)["Delivered to date"] == "£12.52m"
    assert not at.toggle  # "until today" is offered for the latest meeting only


@pytest.fixture
def downloads(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str | None, str | None, bytes]]:
    """Each file a download button offers: (file name, MIME type, bytes).
    AppTest shows a download button's label only, so listen where the files
    go; a file built when clicked is built here."""
    seen: list[tuple[str | None, str | None, bytes]] = []
    add, add_deferred = MediaFileManager.add, MediaFileManager.add_deferred

    def listening(self, data, mimetype, coordinates, file_name=None, is_for_static_download=False):
        seen.append((file_name, mimetype, data))
        return add(self, data, mimetype, coordinates, file_name, is_for_static_download)

    def listening_deferred(self, build, mimetype, coordinates, file_name=None, **kwargs):
        seen.append((file_name, mimetype, build()))
        return add_deferred(self, build, mimetype, coordinates, file_name, **kwargs)

    monkeypatch.setattr(MediaFileManager, "add", listening)
    monkeypatch.setattr(MediaFileManager, "add_deferred", listening_deferred)
    return seen


def test_the_pack_downloads_are_named_for_the_meeting(downloads):
    at = _open_page()
    assert not [name for name, _, _ in downloads if (name or "").startswith("review-pack")]
    _open_meeting(at, held_on=date(2026, 11, 20), title="Winter review")

    assert [b.label for b in at.get("download_button")] == ["Download the pack (HTML)", "Download the pack (Excel)"]
    files = {name: (mime, data) for name, mime, data in downloads if (name or "").startswith("review-pack")}
    assert set(files) == {"review-pack-2026-11-20.html", "review-pack-2026-11-20.xlsx"}
    mime, html = files["review-pack-2026-11-20.html"]
    assert mime == "text/html" and b"20 November 2026" in html and b"Winter review" in html
    mime, xlsx = files["review-pack-2026-11-20.xlsx"]
    assert mime.endswith("spreadsheetml.sheet") and xlsx[:2] == b"PK"
