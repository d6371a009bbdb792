"""The review pack's paragraph (issue 20): of the money announced since the last review, how
much is new, in the HTML and the workbook's About sheet, in English and Welsh, from the
snapshot alone. The data (tests/review_as_said_data.py): A1 a £10m pot (2024-01-10); A2 a
£2m share of it (2024-02-01); A3 £6m over three years (2024-03-01); A4 £4,999,999.99,
undated; A5 £3,000,000.07 announced before (2024-04-15)."""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine

from tests.actors import ADMIN
from tests.integration.test_review_as_said import _text
from tests.review_as_said_data import AS_AT, record
from tracker.i18n import speaking
from tracker.review import meetings as review
from tracker.review import pack_html, pack_xlsx, recording
from tracker.review.new_money_since import paragraph

SOURCE = "funding tracker database (test)"
EARLIER = date(2024, 2, 15)  # after A1 and A2, before A3 and A5


@pytest.fixture
def as_said(each_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("TRACKER_TODAY", AS_AT.isoformat())
    record(each_engine, tmp_path)
    return each_engine


def _open(engine: Engine, day: date) -> review.Meeting:
    recording.open_meeting(day.isoformat(), day.isoformat(), engine=engine, actor=ADMIN)
    found = review.meeting(engine, day)
    assert found is not None
    return found


def test_a_first_review_says_how_much_of_everything_announced_is_new(as_said: Engine) -> None:
    meeting = _open(as_said, AS_AT)
    said = paragraph(meeting.figures, None)
    # £10m + £2m + £6m + £4,999,999.99 + £3,000,000.07 announced; the share (of a pot announced
    # before it) and the money announced before are not new: £20,999,999.99, 80%.
    assert said == (
        "At this first review, 5 announcements are recorded. Of £26,000,000.06 announced, £20,999,999.99 is new "
        "money (80%). £0 re-announces money recorded before, £3,000,000.07 was announced before and is not "
        "recorded, and £2,000,000 is a share of a pot already counted."
    )
    assert said in _text(pack_html.html_pack(meeting, None, SOURCE))


def test_a_later_review_counts_only_what_was_announced_since_the_last(as_said: Engine) -> None:
    previous = _open(as_said, EARLIER)
    meeting = _open(as_said, AS_AT)
    said = paragraph(meeting.figures, previous.as_at)
    # A3 and A5 (A4 is undated: not since anything): £6m new of £9,000,000.07, 66%.
    assert said == (
        "Since the last review, 2 announcements were made. Of £9,000,000.07 announced, £6,000,000 is new money "
        "(66%). £0 re-announces money recorded before, £3,000,000.07 was announced before and is not recorded, "
        "and £0 is a share of a pot already counted."
    )
    assert said in _text(pack_html.html_pack(meeting, previous, SOURCE))
    book = load_workbook(io.BytesIO(pack_xlsx.xlsx_pack(meeting, previous, SOURCE)))
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["New money since the last review"] == said

    with speaking("cy"):
        welsh = _text(pack_html.html_pack(meeting, previous, SOURCE))
        cymraeg = paragraph(meeting.figures, previous.as_at)
    assert cymraeg is not None and cymraeg in welsh
    assert "£6,000,000" in cymraeg and "66%" in cymraeg and "Since the last review" not in cymraeg
