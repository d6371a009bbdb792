"""The Record and Change a record pages in Welsh (AppTest, ``?lang=cy``):
every string they show comes from the catalogue (each tab of Record, a
record of each kind open on Change, a refused save, a change someone else
saved first), and a few say it in Welsh.

``marked_catalogue`` marks every catalogued message; any word left outside a
mark that is not stored data is English the catalogue never saw. The sidebar
is checked with the frame (tests/app/test_figures_pages_in_welsh.py).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.press_release import HEADINGS
from db.session import make_engine
from tests.actors import admin
from tests.app.conftest import APP
from tests.app.forms import fill_delivery, fill_new_announcement
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker.records import commitments, editing

pytestmark = pytest.mark.markup  # what a page says, the same on every database


@pytest.fixture
def db() -> Iterator:
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    yield engine
    engine.dispose()


def _welsh(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _left(at: AppTest, url: str) -> list[str]:
    """What the page itself shows outside the catalogue (the sidebar is the frame's)."""
    return untranslated(at.main, stored_words(url))  # type: ignore[arg-type]


def _summary(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if "tracker-error-summary" in h.proto.body)


def _pick(at: AppTest, kind: str, ref: str) -> None:
    at.segmented_control(key="change_kind").set_value(kind).run()
    picker = next(box for box in at.selectbox if box.key and box.key.startswith("change_pick_"))
    picker.set_value(ref).run()
    assert not at.exception, [e.value for e in at.exception]


# --- Record --------------------------------------------------------------------------------------


def test_every_string_on_the_record_page_comes_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/record.py")
    assert len(at.tabs) == 4  # a new announcement, from a press release, a delivery, a milestone: every tab is drawn
    assert _left(at, app_database) == []
    assert all(tab.label.startswith("⟪") for tab in at.tabs)


def test_the_record_pages_schedule_two_commitments_and_a_new_organisation_come_from_the_catalogue(
    app_database, monkeypatch
):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/record.py")
    at.number_input(key="record_a_count").set_value(2).run()
    fill_new_announcement(at, years=2)
    at.selectbox(key="record_c1_recipient").set_value("A new organisation…").run()
    at.button(key="record_a_preview").click().run()
    assert not at.exception
    assert at.text_input(key="record_c1_recipient_new").label == "⟪{label}: new organisation's name⟫".replace(
        "{label}", "⟪Recipient organisation⟫"
    )
    assert _left(at, app_database) == []


def test_a_refused_save_on_the_record_page_is_said_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/record.py")
    fill_new_announcement(at, "31/02/2020", years=0)
    at.text_input(key="record_c0_amount").input("12x")
    at.button(key="record_a_save").click().run()
    assert not at.exception
    summary = _summary(at)
    assert "⟪There is a problem⟫" in summary
    beside = [e.value for e in at.error]
    assert len(beside) == 3 and all(said.startswith("⟪") for said in beside), beside
    assert _left(at, app_database) == []


def test_the_press_release_tabs_drafts_and_a_refused_save_come_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/record.py")
    at.text_area(key="press_text").input(
        "Parks for everyone\nThe Minister announced £2m for parks. Schools receive £250 per pupil.\n"
        "Yr wythnos hon, £5m i ysgolion.\n"
    )
    at.button(key="press_find").click().run()
    assert not at.exception and at.data_editor
    editor = at.data_editor[0]
    shown = json.loads(editor.proto.columns)  # the table's headings and help (tables are not read by _left)
    assert [shown[name]["label"] for name in editor.proto.column_order] == [
        f"⟪{heading}⟫" for heading in HEADINGS.values()
    ][: len(editor.proto.column_order)]
    assert all(said["help"].startswith("⟪") for said in shown.values() if said.get("help"))
    at.session_state[editor.key] = {"edited_rows": {0: {"amount": "12x"}}, "added_rows": [], "deleted_rows": []}
    at.button(key="press_save").click().run()  # no funder, and an amount that is not one
    assert not at.exception
    assert len(at.error) == 1 and _summary(at)  # beside the funder's box, and at the top
    assert _left(at, app_database) == []
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()  # the draft's problem, in a table by draft
    assert not at.exception and at.error[0].value.startswith("⟪")
    assert _left(at, app_database) == []


def test_the_record_page_in_welsh():
    at = _welsh("app_pages/record.py")
    assert at.title[0].value == "Cofnodi"
    assert [tab.label for tab in at.tabs] == [
        "Cyhoeddiad newydd",
        "O ddatganiad i'r wasg",
        "Cyflawni",
        "Carreg filltir",
    ]
    assert at.text_input(key="record_a_announced_on").label == "Dyddiad y cyhoeddiad (dewisol)"
    assert at.text_input(key="record_a_ref").placeholder == "e.e. A7"
    assert at.selectbox(key="record_c0_kind").options[:2] == ["Untro", "Cylchol (bob blwyddyn)"]
    assert at.selectbox(key="record_c0_kind").value == "one-off"  # the value kept is the vocabulary's key
    assert at.button(key="record_a_save").label == "Cadw'r cyhoeddiad"


def test_a_refused_announcement_is_said_in_welsh():
    at = _welsh("app_pages/record.py")
    fill_new_announcement(at, "31/02/2020", years=2)
    at.text_input(key="record_c0_amount").input("12x")
    at.button(key="record_a_save").click().run()
    assert not at.exception
    summary = _summary(at)
    assert "<h2>Mae problem</h2>" in summary
    date = "Dyddiad y cyhoeddiad: nid oes y fath ddyddiad â &#x27;31/02/2020&#x27;"
    assert date in summary, summary
    beside = [e.value for e in at.error]
    assert any(said.startswith("Swm (ymrwymiad 1): ") for said in beside), beside


def test_a_blank_required_field_asks_for_it_in_welsh():
    at = _welsh("app_pages/record.py")
    at.button(key="record_d_save").click().run()  # a delivery with nothing chosen nor typed
    assert not at.exception
    beside = [e.value for e in at.error]
    assert "Dewiswch yr ymrwymiad." in beside and "Rhowch y swm." in beside, beside


def test_a_ref_already_taken_is_refused_in_welsh():
    at = _welsh("app_pages/record.py")
    fill_delivery(at)
    at.text_input(key="record_d_ref").input("D2")  # the demo's
    at.button(key="record_d_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == [
        "Cyfeirnod: mae cofnod cyflawni gyda'r cyfeirnod hwn eisoes: rhowch gyfeirnod newydd (rhoesoch 'D2')."
    ]


def test_a_delivery_saved_is_said_in_welsh(db):
    at = _welsh("app_pages/record.py")
    fill_delivery(at)
    at.button(key="record_d_save").click().run()
    assert not at.exception
    assert at.success[0].value == "Cadwyd cofnod cyflawni D8 yn erbyn W7."
    links = [link.proto.label for link in at.main.get("page_link")]
    assert links == ["Gweld ymrwymiad W7 ar ei gyhoeddiad"]


# --- Change a record -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("kind", "ref"), [("Announcement", "A4"), ("Commitment", "W5"), ("Delivery", "D2"), ("Milestone", "M1")]
)
def test_every_string_on_the_change_page_comes_from_the_catalogue(kind, ref, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/change.py")
    assert _left(at, app_database) == []
    _pick(at, kind, ref)
    fields = [t for t in at.text_input if t.key and t.key.startswith("change_f_")]
    assert fields and all(t.label.startswith("⟪") for t in fields)
    assert _left(at, app_database) == []


def test_a_refused_change_is_said_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/change.py")
    _pick(at, "Commitment", "W5")
    at.text_input(key="change_f_amount").input("£9m")
    at.button(key="change_save").click().run()  # a change to the money with no reason
    assert not at.exception
    assert at.error and _left(at, app_database) == []


def test_a_change_saved_by_someone_else_first_is_said_from_the_catalogue(db, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/change.py")
    _pick(at, "Commitment", "W5")
    other = editing.load_for_edit("commitment", "W5", engine=db)
    commitments.update_commitment(
        "W5", replace(other.value, purpose="Renamed"), expected_version=other.version, engine=db, actor=admin("Sam")
    )
    at.text_input(key="change_f_purpose").input("Mine")
    at.button(key="change_save").click().run()
    assert not at.exception
    assert at.warning[0].value.startswith("⟪")
    assert list(at.dataframe[0].value.columns) == ["⟪Field⟫", "⟪You typed⟫", "⟪Saved now⟫"]
    assert _left(at, app_database) == []


def test_the_change_page_in_welsh(db):
    at = _welsh("app_pages/change.py")
    assert at.title[0].value == "Newid cofnod"
    control = at.segmented_control(key="change_kind")
    assert control.label == "Math o gofnod"
    assert control.options == ["Cyhoeddiad", "Ymrwymiad", "Cyflawni", "Carreg filltir"]
    _pick(at, "Commitment", "W5")
    assert at.text_input(key="change_f_purpose").label == "Beth y mae'n talu amdano"
    assert at.expander[-1].label == "Dileu ymrwymiad W5"
    other = editing.load_for_edit("commitment", "W5", engine=db)
    commitments.update_commitment(
        "W5", replace(other.value, purpose="Renamed"), expected_version=other.version, engine=db, actor=admin("Sam")
    )
    at.text_input(key="change_f_purpose").input("Mine")
    at.button(key="change_save").click().run()
    assert at.warning[0].value.startswith("Newidiwyd yr ymrwymiad hwn gan Sam am "), at.warning[0].value
    assert at.dataframe[0].value.to_dict("records") == [
        {"Maes": "Beth y mae'n talu amdano", "Teipiwyd gennych": "Mine", "Wedi'i gadw nawr": "Renamed"}
    ]
    assert at.button(key="change_reload").label == "Ail-lwytho i weld eu newid"


def test_the_change_pages_pickers_say_their_words_in_welsh():
    at = _welsh("app_pages/change.py")
    at.segmented_control(key="change_kind").set_value("Delivery").run()
    picker = next(box for box in at.selectbox if box.key and box.key.startswith("change_pick_"))
    assert "D4 · £920,000 ar 15 Chwef 2021 yn erbyn W3" in picker.options  # the date and words in Welsh
    # The same data, already read in Welsh, is said in English (the cache keys the language).
    english = AppTest.from_file(APP, default_timeout=60)
    english.run()
    english.switch_page("app_pages/change.py").run()
    english.segmented_control(key="change_kind").set_value("Delivery").run()
    picker = next(box for box in english.selectbox if box.key and box.key.startswith("change_pick_"))
    assert "D4 · £920,000 on 15 Feb 2021 against W3" in picker.options
