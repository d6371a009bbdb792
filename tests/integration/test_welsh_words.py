"""An announcement's title and quoted words in Welsh (issue 18): recorded beside the
English, checked like it, kept on edit, audited, read into the register and the
detail, and searched in either language."""

from __future__ import annotations

import dataclasses
from datetime import date

import pytest
from sqlalchemy import Engine, select

from db.models import Announcement
from db.session import read_session
from tests.integration.records_helpers import EDITOR, FOUNDING, audit_events, the_problem
from tracker.figures import data as queries
from tracker.figures.announcement_detail import detail
from tracker.figures.finance_tables import commitments_table
from tracker.figures.register import read_announcements, register, register_table, search
from tracker.files.tabular import DataError
from tracker.imports.apply import import_file
from tracker.records.announcements import create_announcement, update_announcement
from tracker.records.editing import load_for_edit
from tracker.records.problems import ValidationFailed

TITLE_CY = "Cyllid trawsnewid digidol i lywodraeth leol"
QUOTE_CY = "bydd dros £1m ar gael"
WELSH = dataclasses.replace(FOUNDING, title_cy=TITLE_CY, quote_cy=QUOTE_CY)


def test_the_welsh_is_saved_beside_the_english_and_read_into_every_view(each_engine: Engine) -> None:
    create_announcement(WELSH, engine=each_engine, actor=EDITOR, new_organisations_ok=True)
    with read_session(each_engine) as session:
        stored = session.scalars(select(Announcement).where(Announcement.ref == "A1")).one()
        assert (stored.title, stored.title_cy) == (FOUNDING.title, TITLE_CY)
        assert (stored.quote, stored.quote_cy) == (FOUNDING.quote, QUOTE_CY)

    announcements = read_announcements(each_engine)
    data = queries.load(each_engine)
    shown = detail(data, announcements, "A1", date(2026, 12, 6))
    assert (shown.title_cy, shown.quote_cy) == (TITLE_CY, QUOTE_CY)
    frame = register(data, announcements)
    assert list(search(frame, "trawsnewid digidol")["ref"]) == ["A1"]  # Welsh words find it
    assert list(search(frame, "bydd dros")["ref"]) == ["A1"]
    assert list(search(frame, "transformation funding")["ref"]) == ["A1"]  # and the English still does
    table = register_table(frame)
    assert table.body.loc[0, "title_cy"] == TITLE_CY  # the download carries both


def test_an_edit_keeps_changes_and_audits_the_welsh(engine: Engine) -> None:
    create_announcement(FOUNDING, engine=engine, actor=EDITOR, new_organisations_ok=True)
    editable = load_for_edit("announcement", "A1", engine=engine)
    assert (editable.value.title_cy, editable.value.quote_cy) == ("", "")
    update_announcement(
        "A1",
        dataclasses.replace(editable.value, title_cy=TITLE_CY),
        expected_version=editable.version,
        engine=engine,
        actor=EDITOR,
    )
    with read_session(engine) as session:
        assert session.scalars(select(Announcement.title_cy).where(Announcement.ref == "A1")).one() == TITLE_CY
    changed = [e for e in audit_events(engine) if e.entity == "announcements" and e.action == "update"]
    assert changed and (changed[-1].before["title_cy"], changed[-1].after["title_cy"]) == (None, TITLE_CY)


def test_welsh_words_are_held_to_the_english_limits(engine: Engine) -> None:
    too_long = dataclasses.replace(FOUNDING, title_cy="T" * 301, quote_cy="ok")
    with pytest.raises(ValidationFailed) as refused:
        create_announcement(too_long, engine=engine, actor=EDITOR, new_organisations_ok=True)
    assert "300" in the_problem(refused, "title_cy").expected
    assert read_announcements(engine).empty  # nothing saved


def test_a_file_carries_the_welsh_in_and_the_finance_export_carries_it_out(engine: Engine, tmp_path) -> None:
    path = tmp_path / "commitments.csv"
    path.write_text(
        "ref,announcement_ref,title,Title in Welsh,quote,welsh_quote,funder,purpose,kind,amount,first_year\n"
        f'W1,A1,Digital fund,{TITLE_CY},over £1m,"{QUOTE_CY}",Welsh Government,Digital,one-off,1000000,2020-21\n'
        "W2,A2,Broadband,,,,Welsh Government,Broadband,one-off,500,2020-21\n",
        encoding="utf-8",
    )
    import_file("commitments", path, engine=engine, actor=EDITOR)
    with read_session(engine) as session:
        stored = {a.ref: (a.title_cy, a.quote_cy) for a in session.scalars(select(Announcement))}
    assert stored == {"A1": (TITLE_CY, QUOTE_CY), "A2": (None, None)}

    exported = commitments_table(queries.load(engine)).frame.set_index("ref")
    assert (exported.loc["W1", "title_cy"], exported.loc["W1", "quote_cy"]) == (TITLE_CY, QUOTE_CY)
    assert (exported.loc["W2", "title_cy"], exported.loc["W2", "quote_cy"]) == ("", "")


def test_bad_welsh_words_in_a_file_are_refused_by_line_and_column_and_nothing_is_saved(
    engine: Engine, tmp_path
) -> None:
    path = tmp_path / "commitments.csv"
    path.write_text(
        "ref,announcement_ref,title,title_cy,quote_cy,funder,purpose,kind,amount,first_year\n"
        f"W1,A1,Digital fund,{'T' * 301},ok,Welsh Government,Digital,one-off,1000000,2020-21\n"
        "W2,A2,Broadband,Band eang,dros\x00£1m,Welsh Government,Broadband,one-off,500,2020-21\n",
        encoding="utf-8",
    )
    with pytest.raises(DataError) as refused:
        import_file("commitments", path, engine=engine, actor=EDITOR)
    said = {(p.line, p.column) for p in refused.value.problems}
    assert {(2, "title_cy"), (3, "quote_cy")} <= said
    assert read_announcements(engine).empty
