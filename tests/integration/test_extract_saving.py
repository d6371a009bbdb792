"""Drafts from a press release, as an officer accepted and edited them, saved as one announcement
through the import pipeline (tracker.extract.saving): all or nothing, audited, recorded as an import."""

from __future__ import annotations

from datetime import date

import pytest
from sqlalchemy import Engine, func, select

from db.models import Announcement, AuditEvent, Commitment, Import, Organisation
from db.session import read_session
from tests.actors import admin
from tracker.extract.drafts import extract
from tracker.extract.saving import Heading, accepted_csv, review_rows, save_drafts
from tracker.files.tabular import DataError
from tracker.imports.undo import undo_import

RELEASE = (
    "Parks for everyone\n"
    "The Minister announced £2m for parks in Wales. "
    "An extra £300,000 a year will pay for park rangers for three years. "
    "Councils will also get £45,000 to plant trees. "
    "Schools receive £250 per pupil.\n"
)
HEADING = Heading("PR1", "Welsh Government", "Parks for everyone", date(2024, 5, 1))
OFFICER = admin("officer")


def _counts(engine: Engine) -> tuple[int, ...]:
    with read_session(engine) as session:
        return tuple(
            session.scalar(select(func.count()).select_from(model)) or 0
            for model in (Announcement, Commitment, Organisation, AuditEvent, Import)
        )


def _rows() -> list[dict]:
    rows = review_rows(extract(RELEASE), ["P1", "P2", "P3"])
    assert [(r["ref"], r["amount"], r["kind"], r["years"]) for r in rows] == [
        ("P1", "£2,000,000", "one-off", ""),
        ("P2", "£300,000", "recurring", "3"),
        ("P3", "£45,000", "one-off", ""),
    ]
    return rows


def test_the_accepted_drafts_as_edited_become_one_announcement_audited_as_an_import(engine: Engine) -> None:
    rows = _rows()
    rows[2]["accept"] = False  # rejected: not saved
    rows[0]["purpose"] = "Parks across Wales"  # edited
    rows[1]["first_year"] = "2024-25"

    outcome = save_drafts(rows, HEADING, engine=engine, actor=OFFICER, original_refs=["P1", "P2", "P3"])

    assert (outcome.created, outcome.updated) == (2, 0)
    with read_session(engine) as session:
        announcement = session.scalars(select(Announcement)).one()
        assert (announcement.ref, announcement.title, announcement.announced_on, announcement.funder.name) == (
            "PR1",
            "Parks for everyone",
            date(2024, 5, 1),
            "Welsh Government",
        )
        saved = {
            c.ref: (c.purpose, c.amount_pence, c.kind, c.years, c.first_year.label if c.first_year else None)
            for c in session.scalars(select(Commitment))
        }
        assert saved == {
            "P1": ("Parks across Wales", 200_000_000, "one-off", 1, None),
            "P2": ("park rangers", 30_000_000, "recurring", 3, "2024-25"),
        }
        # The sentences of the drafts saved, verbatim, as the announcement's evidence (not the rejected draft's).
        assert announcement.quote == (
            "The Minister announced £2m for parks in Wales. "
            "An extra £300,000 a year will pay for park rangers for three years."
        )
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "commitments")).all()
        assert {(e.actor, e.action, e.import_id) for e in events} == {("officer", "create", outcome.import_id)}
        assert len(events) == 2
        recorded = session.get(Import, outcome.import_id)
        assert (recorded.file_name, recorded.actor) == ("press-release.csv", "officer")
    undo_import(outcome.import_id, engine=engine, actor=OFFICER)  # an import like any other: undone as a unit
    with read_session(engine) as session:
        assert session.scalars(select(Commitment).where(Commitment.deleted_at.is_(None))).all() == []


def test_a_bad_row_is_refused_by_its_draft_and_field_and_nothing_is_saved(engine: Engine) -> None:
    rows = _rows()
    rows[1]["amount"] = "12x"
    rows[2]["first_year"] = "2024"
    before = _counts(engine)
    with pytest.raises(DataError) as refused:
        save_drafts(rows, HEADING, engine=engine, actor=OFFICER)
    assert [(p.line, p.column, p.value) for p in refused.value.problems] == [
        (2, "amount", "12x"),
        (3, "first_year", "2024"),
    ]
    assert _counts(engine) == before


def test_a_rejected_draft_takes_no_row_number_from_the_drafts_after_it(engine: Engine) -> None:
    rows = _rows()
    rows[0]["accept"] = False
    rows[2]["amount"] = "12x"  # the third draft, the second row of the file
    with pytest.raises(DataError) as refused:
        save_drafts(rows, HEADING, engine=engine, actor=OFFICER)
    assert [(p.line, p.column) for p in refused.value.problems] == [(3, "amount")]


def test_the_announcement_itself_is_checked_before_any_row(engine: Engine) -> None:
    rows = _rows()
    for row in rows:
        row["accept"] = False
    with pytest.raises(DataError) as refused:
        save_drafts(rows, Heading("PR1", " ", "Parks", None), engine=engine, actor=OFFICER)
    assert [(p.line, p.column) for p in refused.value.problems] == [(None, "funder"), (None, "accept")]
    assert _counts(engine) == (0, 0, 0, 0, 0)


def test_refs_already_recorded_are_refused_never_changed(engine: Engine) -> None:
    save_drafts(_rows(), HEADING, engine=engine, actor=OFFICER)
    before = _counts(engine)
    with pytest.raises(DataError) as refused:
        save_drafts(_rows(), HEADING, engine=engine, actor=OFFICER)
    assert [(p.line, p.column, p.value) for p in refused.value.problems] == [(None, "announcement_ref", "PR1")]
    again = _rows()
    again[0]["purpose"] = "Changed"
    with pytest.raises(DataError) as refused:
        save_drafts(again, Heading("PR2", "Welsh Government", "Again", None), engine=engine, actor=OFFICER)
    assert [(p.line, p.column, p.value) for p in refused.value.problems] == [
        (1, "ref", "P1"),
        (2, "ref", "P2"),
        (3, "ref", "P3"),
    ]
    assert _counts(engine) == before


def test_a_share_of_a_rejected_pot_is_saved_on_its_own_and_one_of_a_renamed_pot_follows_it() -> None:
    rows = [
        {"accept": True, "ref": "X1", "amount": "£2m", "kind": "one-off", "purpose": "Pot", "part_of": ""},
        {"accept": True, "ref": "X2", "amount": "£1m", "kind": "one-off", "purpose": "Share", "part_of": "X1"},
        {"accept": False, "ref": "X3", "amount": "£5m", "kind": "one-off", "purpose": "Other pot", "part_of": ""},
        {"accept": True, "ref": "X4", "amount": "£1m", "kind": "one-off", "purpose": "Share", "part_of": "X3"},
    ]
    rows[0]["ref"] = "POT"  # renamed by the officer
    rows[2]["ref"] = "X2"  # a rejected draft holding an accepted one's ref clears nothing of it
    rows.append({"accept": True, "ref": "X5", "amount": "£1", "kind": "one-off", "purpose": "Of X2", "part_of": "X2"})
    written = accepted_csv(rows, HEADING, original_refs=["X1", "X2", "X3", "X4", "X5"]).decode("utf-8").splitlines()
    assert written[0].startswith("ref,announcement_ref,announced_on,title,funder,")
    assert [line.split(",")[:5] for line in written[1:]] == [
        ["POT", "PR1", "2024-05-01", "Parks for everyone", "Welsh Government"],
        ["X2", "PR1", "2024-05-01", "Parks for everyone", "Welsh Government"],
        ["X4", "PR1", "2024-05-01", "Parks for everyone", "Welsh Government"],
        ["X5", "PR1", "2024-05-01", "Parks for everyone", "Welsh Government"],
    ]
    part_of = written[0].split(",").index("part_of")
    assert [line.split(",")[part_of] for line in written[1:]] == ["", "POT", "", "X2"]


def test_two_accepted_drafts_with_one_ref_are_refused_by_draft(engine: Engine) -> None:
    rows = _rows()
    rows[2]["ref"] = "P1"
    with pytest.raises(DataError) as refused:
        save_drafts(rows, HEADING, engine=engine, actor=OFFICER)
    assert [(p.line, p.column, p.value) for p in refused.value.problems] == [(1, "ref", "P1"), (3, "ref", "P1")]
    assert _counts(engine) == (0, 0, 0, 0, 0)
    rows[2]["accept"] = False  # a rejected draft's ref is no one's
    assert save_drafts(rows, HEADING, engine=engine, actor=OFFICER).created == 2
