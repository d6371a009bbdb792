"""Review meetings and packs carry money as it was announced (issue 13): a
share counted inside its pot, money with no year (unphased), a multi-year
total spread by choice (estimated) and money announced before (counted, not
new money), recorded through the import; and a schema 1 snapshot an older
tracker stored still shows and compares (SQLite and PostgreSQL)."""

from __future__ import annotations

import io
import json
from datetime import date
from decimal import Decimal
from html.parser import HTMLParser
from pathlib import Path

import pytest
from openpyxl import load_workbook
from sqlalchemy import Engine, select

from db.models import AuditEvent
from db.session import read_session
from tests.actors import ADMIN
from tests.review_as_said_data import (
    AS_AT,
    COMMITTED,
    DELIVERED,
    ESTIMATED,
    NEW_MONEY,
    UNPHASED,
    YEARLY,
    record,
    schema_1,
    store_schema_1_meeting,
)
from tracker.imports.apply import import_file
from tracker.review import changes as review_changes
from tracker.review import meetings as review
from tracker.review import pack_html, pack_xlsx, presentation, recording, snapshot

SOURCE = "funding tracker database (test)"


@pytest.fixture
def as_said(each_engine: Engine, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Engine:
    monkeypatch.setenv("TRACKER_TODAY", AS_AT.isoformat())
    record(each_engine, tmp_path)
    return each_engine


def _open(engine: Engine, held_on: date = AS_AT, as_at: date = AS_AT) -> review.Meeting:
    recording.open_meeting(held_on.isoformat(), as_at.isoformat(), engine=engine, actor=ADMIN)
    found = review.meeting(engine, held_on)
    assert found is not None
    return found


def _text(document: bytes) -> str:
    class Reader(HTMLParser):
        def __init__(self) -> None:
            super().__init__(convert_charrefs=True)
            self.parts: list[str] = []
            self.skip = False

        def handle_starttag(self, tag, attrs):
            self.skip = tag in ("script", "style")

        def handle_endtag(self, tag):
            self.skip = False

        def handle_data(self, data):
            if not self.skip:
                self.parts.append(data)

    reader = Reader()
    reader.feed(document.decode("utf-8"))
    return " ".join(" ".join(reader.parts).split())


def _sheet(book, title: str) -> list[dict]:
    rows = [[c.value for c in row] for row in book[title].iter_rows()]
    return [dict(zip(rows[0], r)) for r in rows[1:]]


def _pounds(value) -> Decimal:
    """A money cell read back: the exact pounds it holds (a float would show its error here)."""
    return Decimal(str(value))


def test_a_meeting_freezes_committed_new_money_unphased_and_estimated_exactly(as_said: Engine) -> None:
    events_before = _last_event(as_said)
    figures = _open(as_said).figures

    assert figures["schema"] == 2
    head = figures["headline"]
    assert (head["committed"], head["new_money"], head["unphased"], head["estimated"]) == (
        COMMITTED,
        NEW_MONEY,
        UNPHASED,
        ESTIMATED,
    )
    assert head["delivered"] == DELIVERED
    assert head["due_to_date"] == 1_700_000_007  # years started by 2026-27; unphased money is never due
    assert figures["yearly"] == YEARLY  # the unphased row last, after the years
    assert sum(r["committed"] for r in figures["yearly"]) == head["committed"]
    assert sum(r["new_money"] for r in figures["yearly"]) == head["new_money"]
    assert sum(r["estimated"] for r in figures["yearly"]) == head["estimated"]

    rows = {r["ref"]: r for r in figures["commitments"]}
    # The share is inside its pot: the two together are the pot's £10m, counted once.
    assert rows["SHARE"]["part_of"] == "POT" and rows["POT"]["part_of"] is None
    assert rows["POT"]["committed"] + rows["SHARE"]["committed"] == 1_000_000_000
    assert rows["POT"]["areas"] == ["W92000004"] and rows["SHARE"]["areas"] == ["W06000015"]
    assert rows["OLD"]["reannounces_earlier"] is True and rows["OLD"]["restates"] is None
    assert (rows["OLD"]["committed"], rows["OLD"]["new_money"]) == (300_000_007, 0)
    assert rows["MY"]["terms"]["spread"] == "even" and rows["MY"]["estimated"] == ESTIMATED
    assert rows["UNPH"]["recipient"] is None and rows["UNPH"]["terms"]["first_year"] is None
    assert rows["UNPH"]["unphased"] == UNPHASED
    assert sum(r["new_money"] for r in rows.values()) == NEW_MONEY
    per_year: dict[str, int] = {}
    for row in figures["commitment_years"]:
        per_year[row["ref"]] = per_year.get(row["ref"], 0) + row["committed"]
    assert per_year == {ref: r["committed"] for ref, r in rows.items()}  # the unphased year included

    json.dumps(figures, allow_nan=False)  # plain JSON: no NaN, no numpy
    with read_session(as_said) as session:
        recorded = session.scalars(
            select(AuditEvent.after).where(AuditEvent.id > events_before, AuditEvent.entity == "review_snapshots")
        ).one()
    assert recorded["figures_sha256"] == snapshot.fingerprint(figures)  # the same after the database's round trip


def _last_event(engine: Engine) -> int:
    with read_session(engine) as session:
        return session.scalar(select(AuditEvent.id).order_by(AuditEvent.id.desc()).limit(1)) or 0


def test_the_review_page_tables_carry_the_unphased_row_and_new_money(as_said: Engine) -> None:
    figures = _open(as_said).figures

    metrics = {m.label: m.value for m in presentation.headline_metrics(figures)}
    assert metrics["Committed"] == "£24m" and metrics["New money"] == "£21m"
    assert "Committed (new money)" not in metrics
    notes = " ".join(presentation.money_notes(figures))
    assert "£5m (£4,999,999.99) of committed money is unphased" in notes
    assert "£6m (£6,000,000.00) of committed money is estimated" in notes
    assert "not what was announced" in notes
    assert "the other £3m was announced before" in notes
    yearly = presentation.yearly_table(figures)
    assert list(yearly["financial_year"]) == ["2024-25", "2025-26", "2026-27", "2027-28", "unphased", "Total"]
    total = yearly.iloc[-1]
    assert (total["committed"], total["new_money"], total["estimated"]) == (
        Decimal("24000000.06"),
        Decimal("20999999.99"),
        Decimal("6000000.00"),
    )
    table = presentation.commitments_table(figures, {}).set_index("ref")
    assert table.loc["OLD", "new_money"] == Decimal("0.00")
    assert "share of POT" in table.loc["SHARE", "how_counted"]
    assert "announced before" in table.loc["OLD", "how_counted"]


def test_the_pack_says_what_is_new_unphased_and_estimated(as_said: Engine) -> None:
    meeting = _open(as_said)

    text = _text(pack_html.html_pack(meeting, None, SOURCE))
    for words in (
        "Committed £24m £24,000,000.06",
        "New money £21m £20,999,999.99: not announced before",
        "Unphased £5m £4,999,999.99: no year stated",
        "Estimated £6m £6,000,000.00: years by a chosen spread",
        "is unphased: no financial year was stated for it",
        "The years it sits in are our estimate, not what was announced.",
        "Financial year Committed Delivered Variance New money Estimated",
        "2025-26 £2,000,000.00 £250,000.50 -£1,749,999.50 £2,000,000.00 £2,000,000.00",
        "unphased no year stated £4,999,999.99 £500,000.00 -£4,499,999.99 £4,999,999.99 £0.00",
        "Total £24,000,000.06 £1,750,000.50 -£22,249,999.56 £20,999,999.99 £6,000,000.00",
        "share of POT: inside its pot, not added to it",
        "announced before: counted, not new money",
        "spread evenly over its years (estimated)",
        "£5m unphased: no year stated",
    ):
        assert words in text, words

    book = load_workbook(io.BytesIO(pack_xlsx.xlsx_pack(meeting, None, SOURCE)))
    yearly = _sheet(book, "Committed and delivered")
    assert list(yearly[0]) == ["Financial year", "Committed", "Delivered", "Variance", "New money", "Estimated"]
    expected = [
        [
            r["financial_year"],
            *(Decimal(r[m]) / 100 for m in ("committed", "delivered", "variance", "new_money", "estimated")),
        ]
        for r in YEARLY
    ]
    expected.append(
        [
            "Total",
            Decimal("24000000.06"),
            Decimal("1750000.50"),
            Decimal("-22249999.56"),
            Decimal("20999999.99"),
            Decimal("6000000"),
        ]
    )
    assert [
        [r["Financial year"], *(_pounds(v) for k, v in r.items() if k != "Financial year")] for r in yearly
    ] == expected
    commitments = {r["Ref"]: r for r in _sheet(book, "By commitment")}
    assert commitments["SHARE"]["Share of"] == "POT" and commitments["POT"]["Share of"] is None
    assert commitments["OLD"]["Announced before"] == "yes"
    assert _pounds(commitments["OLD"]["Committed"]) == Decimal("3000000.07") and commitments["OLD"]["New money"] == 0
    assert _pounds(commitments["UNPH"]["Unphased"]) == Decimal("4999999.99")
    assert _pounds(commitments["MY"]["Estimated"]) == Decimal("6000000")
    assert commitments["UNPH"]["Recipient"] is None
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["Unphased in these figures"].startswith("£5m (£4,999,999.99) of committed money is unphased")
    assert about["Snapshot fingerprint (SHA-256)"] == snapshot.fingerprint(meeting.figures)


def test_a_schema_1_meeting_still_shows_and_the_next_compares_with_it(as_said: Engine) -> None:
    store_schema_1_meeting(as_said)
    older = review.meeting(as_said, date(2024, 3, 5))
    assert older is not None and older.figures == schema_1()

    # It shows as it was frozen: nothing it never recorded is guessed.
    metrics = {m.label: m.value for m in presentation.headline_metrics(older.figures)}
    assert metrics["Committed (new money)"] == "£10m" and "New money" not in metrics
    assert presentation.money_notes(older.figures) == []
    assert "new_money" not in presentation.yearly_table(older.figures)
    text = _text(pack_html.html_pack(older, None, SOURCE))
    assert "Financial year Committed Delivered Variance 2024-25 £10,000,000.00 £0.00 -£10,000,000.00 Total" in text
    assert "New money £" not in text and "unphased" not in text.lower()
    assert snapshot.fingerprint(schema_1()) in text  # the fingerprint of the document as stored
    book = load_workbook(io.BytesIO(pack_xlsx.xlsx_pack(older, None, SOURCE)))
    assert list(_sheet(book, "Committed and delivered")[0]) == ["Financial year", "Committed", "Delivered", "Variance"]
    about = {r[0].value: r[1].value for r in book["About"].iter_rows()}
    assert about["New money, unphased, estimated"].startswith("Not recorded")

    # The next meeting (schema 2) compares with it: the pot and the share did not change.
    meeting = _open(as_said)
    assert review.previous_meeting(as_said, AS_AT) == older
    found = review_changes.changes(older.figures, meeting.figures)
    assert [a["ref"] for a in found.new_announcements] == ["A3", "A5", "A4"]
    assert [(c["ref"], c["change"]) for c in found.commitments] == [("MY", "new"), ("OLD", "new"), ("UNPH", "new")]
    what = {c["ref"]: c["what"] for c in found.commitments}
    assert what["OLD"] == "committed £3,000,000.07, announced before (not new money)"
    assert what["UNPH"] == "committed £4,999,999.99, £4,999,999.99 of it unphased (no year stated)"
    assert what["MY"] == "committed £6,000,000, £6,000,000 of it in years estimated by a chosen spread"
    moved = {m.name: m for m in found.movements}
    assert moved["committed"].change == COMMITTED - 1_000_000_000
    assert moved["new_money"].before is None and moved["new_money"].change is None  # not recorded then
    sentence = review_changes.movement_sentence(found)
    assert sentence.startswith("Delivered rose by £1,750,000.50") and "new money" not in sentence
    text = _text(pack_html.html_pack(meeting, older, SOURCE))
    assert "Compared with the meeting of 5 March 2024 · Spring 2024" in text
    assert "Commitment changed" not in text
    # And the other way round: a schema 2 snapshot against a schema 1 one never crashes.
    review_changes.changes(meeting.figures, older.figures)


def test_new_money_and_unphased_money_moving_between_two_meetings_are_said(as_said: Engine, tmp_path: Path) -> None:
    first = _open(as_said, held_on=date(2026, 11, 20), as_at=date(2026, 11, 20))
    more = tmp_path / "more.csv"
    more.write_text(
        "ref,announced_on,funder,purpose,kind,amount,first_year,reannounces\n"
        "NEW1,2026-11-21,Welsh Government,Fresh money,one-off,1000000,2026-27,\n"
        "NEW2,,Welsh Government,Undated and restated,one-off,250000,,earlier\n",
        encoding="utf-8",
    )
    import_file("commitments", more, engine=as_said, actor=ADMIN)
    second = _open(as_said)

    found = review_changes.changes(first.figures, second.figures)
    moved = {m.name: m.change for m in found.movements}
    assert (moved["committed"], moved["new_money"], moved["unphased"], moved["estimated"]) == (
        125_000_000,
        100_000_000,
        25_000_000,
        0,
    )
    sentence = review_changes.movement_sentence(found)
    assert "new money rose by £1,000,000, from £20,999,999.99 to £21,999,999.99" in sentence
    assert "unphased money (no year stated) rose by £250,000, from £4,999,999.99 to £5,249,999.99" in sentence
    what = {c["ref"]: c["what"] for c in found.commitments}
    assert (
        what["NEW2"] == "committed £250,000, announced before (not new money), £250,000 of it unphased (no year stated)"
    )
