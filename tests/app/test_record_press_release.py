"""The Record page's "From a press release" tab (AppTest, demo data loaded): paste a release, find the
money, review the drafts beside the marked text, reject one, save them as one announcement."""

from __future__ import annotations

import os
from collections.abc import Iterator
from datetime import date

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Announcement, AuditEvent, Commitment
from db.session import make_engine, read_session
from tests.app.conftest import APP

RELEASE = (
    "Parks for everyone\n"
    "The Minister announced £2m for parks in Wales. "
    "An extra £300,000 a year will pay for park rangers for three years. "
    "Councils will also get £45,000 to plant trees <script>alert('x')</script>. "
    "Schools receive £250 per pupil.\n"
)


@pytest.fixture
def db() -> Iterator:
    engine = make_engine(os.environ["TRACKER_DATABASE_URL"])
    yield engine
    engine.dispose()


def _record(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _find(at: AppTest, text: str = RELEASE) -> AppTest:
    at.text_area(key="press_text").input(text)
    at.button(key="press_find").click().run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _marked_text(at: AppTest) -> str:
    return next(h.proto.body for h in at.get("html") if 'class="press-text"' in h.proto.body)


def _edit(at: AppTest, edits: dict[int, dict]) -> None:
    """Edits typed into the table of drafts (AppTest seeds a data editor's edits through its state)."""
    at.session_state[at.data_editor[0].key] = {"edited_rows": edits, "added_rows": [], "deleted_rows": []}


def _drafts(at: AppTest) -> list[tuple]:
    table = at.data_editor[0].value
    return list(table[["draft", "accept", "ref", "amount", "kind", "years"]].itertuples(index=False, name=None))


def _saved(db, ref: str) -> dict[str, tuple]:
    with read_session(db) as session:
        found = session.scalars(select(Announcement).where(Announcement.ref == ref)).one_or_none()
        if found is None:
            return {}
        return {
            c.ref: (c.purpose, c.amount_pence, c.kind, c.years)
            for c in session.scalars(select(Commitment).where(Commitment.announcement_id == found.id))
        }


def test_a_pasted_release_is_marked_reviewed_and_saved_as_one_announcement(db):
    at = _find(_record())
    assert _drafts(at) == [
        (1, True, "W8", "£2,000,000", "one-off", ""),
        (2, True, "W9", "£300,000", "recurring", "3"),
        (3, True, "W10", "£45,000", "one-off", ""),
    ]
    quotes = list(at.data_editor[0].value["quote"])
    assert quotes[1] == "An extra £300,000 a year will pay for park rangers for three years."
    text = _marked_text(at)
    assert '<mark class="press-draft">£2m<span class="press-label">[1]</span></mark>' in text
    assert '<mark class="press-left-out">£250<span class="press-label">[left out]</span></mark>' in text
    assert "<script>" not in text and "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;" in text  # shown, never run
    assert [e.label for e in at.expander] == ["1 amount left out, and why"]
    assert list(at.dataframe[0].value["reason"]) == ["a per-head figure, not an amount committed"]
    assert at.text_input(key="press_a_title").value == "Parks for everyone"  # the text's first line
    assert at.text_input(key="press_a_ref").value == "A7"

    _edit(at, {2: {"accept": False}, 0: {"purpose": "Parks across Wales"}})
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    assert [s.value for s in at.success] == [
        "Saved announcement A7 with 2 commitments from the press release. The other pages now include it."
    ]
    links = [(link.proto.label, link.proto.page, link.proto.query_string) for link in at.main.get("page_link")]
    assert links == [("See announcement A7", "announcements", "ref=A7")]
    assert _saved(db, "A7") == {
        "W8": ("Parks across Wales", 200_000_000, "one-off", 1),
        "W9": ("park rangers", 30_000_000, "recurring", 3),
    }
    with read_session(db) as session:
        events = session.scalars(select(AuditEvent).where(AuditEvent.entity == "commitments")).all()
        assert {e.actor for e in events if e.import_id is not None} == {"test-admin"}
    # The tab is empty again: the same drafts cannot be saved twice.
    assert not at.data_editor and at.text_area(key="press_text").value == ""
    _find(at)
    assert at.text_input(key="press_a_ref").value == "A8"  # the next free refs
    assert [row[2] for row in _drafts(at)] == ["W10", "W11", "W12"]
    assert at.selectbox(key="press_a_funder").value is None


def test_a_save_without_a_funder_is_refused_and_keeps_the_drafts_and_their_edits(db):
    at = _find(_record())
    _edit(at, {2: {"accept": False}})
    at.run()
    at.button(key="press_save").click().run()
    assert not at.exception
    assert [e.value for e in at.error] == ["Choose the funder."]  # beside the funder's box
    assert not at.success and _saved(db, "A7") == {}
    assert [row[1] for row in _drafts(at)] == [True, True, True]  # the table as found ...
    assert at.session_state["press_drafts_1"]["edited_rows"] == {2: {"accept": False}}  # ... and the edit kept
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()
    assert sorted(_saved(db, "A7")) == ["W8", "W9"]


def test_a_drafts_problem_is_shown_by_draft_and_column_and_nothing_is_saved(db):
    at = _find(_record())
    _edit(at, {1: {"amount": "12x"}})
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()
    assert not at.exception
    assert at.error[0].value.startswith("**1 problem with the drafts: nothing was saved.**")
    problems = next(table.value for table in at.dataframe if "expected" in table.value.columns)
    assert list(problems[["line", "column", "value"]].itertuples(index=False, name=None)) == [("2", "Amount", "12x")]
    assert _saved(db, "A7") == {}


def test_edits_outlive_a_visit_to_another_page():
    at = _find(_record())
    _edit(at, {2: {"accept": False, "purpose": "Trees"}})
    at.run()
    at.switch_page("app_pages/overview.py").run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception
    table = at.data_editor[0].value
    assert list(table["accept"]) == [True, True, False] and table["purpose"][2] == "Trees"


def test_text_that_cannot_be_read_is_said_and_changes_nothing():
    at = _find(_record())
    at.text_area(key="press_text").input("   ")
    at.button(key="press_find").click().run()
    assert [e.value for e in at.error] == [
        "Paste the text of the press release, or choose its file, then find the money."
    ]
    assert len(_drafts(at)) == 3  # the drafts found before are still there
    at.text_area(key="press_text").input("Money\x00")
    at.button(key="press_find").click().run()
    assert [e.value for e in at.error] == [
        "The text could not be read: pasted text holds NUL characters: paste plain text"
    ]


def test_welsh_only_text_is_said_and_its_amounts_found():
    welsh = (
        "Mae Llywodraeth Cymru wedi cyhoeddi £1.5 miliwn i gynghorau yng Nghymru. "
        "Bydd y cyllid hefyd yn helpu gwasanaethau lleol dros y flwyddyn.\n"
    )
    at = _find(_record(), welsh)
    assert at.info[0].value.startswith("The text is in Welsh only.")
    assert [row[3] for row in _drafts(at)] == ["£1,500,000"]


def test_the_tab_in_welsh():
    at = _find(_record("cy"))
    assert [tab.label for tab in at.tabs][1] == "O ddatganiad i'r wasg"
    assert at.button(key="press_find").label == "Dod o hyd i'r arian"
    assert at.text_area(key="press_text").label == "Testun y datganiad i'r wasg"
    assert [e.label for e in at.expander] == ["1 swm wedi'i adael allan, a pham"]
    assert list(at.dataframe[0].value["reason"]) == ["ffigur y pen, nid swm a ymrwymwyd"]
    assert "[wedi&#x27;i adael allan]" in _marked_text(at)  # escaped, as all the text is
    at.button(key="press_save").click().run()
    assert [e.value for e in at.error] == ["Dewiswch y cyllidwr."]


def test_the_date_published_places_next_financial_year_and_is_the_announcements_date(db):
    at = _record()
    at.date_input(key="press_published").set_value(date(2019, 10, 31))
    _find(at, "Digital councils\nOver £1m will be made available in the next financial year for digital councils.\n")
    assert list(at.data_editor[0].value[["amount", "qualifier", "first_year"]].itertuples(index=False, name=None)) == [
        ("£1,000,000", "over", "2020-21")
    ]
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()
    assert not at.exception and at.success
    with read_session(db) as session:
        saved = session.scalars(select(Announcement).where(Announcement.ref == "A7")).one()
        assert (saved.announced_on, saved.title) == (date(2019, 10, 31), "Digital councils")
        (commitment,) = session.scalars(select(Commitment).where(Commitment.announcement_id == saved.id))
        assert (commitment.qualifier, commitment.first_year.label) == ("over", "2020-21")


def test_an_uploaded_html_release_is_read_without_its_scripts_and_an_empty_file_is_refused():
    page = (
        b"<html><head><title>x</title><script>alert('run')</script></head><body>"
        b"<h1>Roads for Wales</h1><p>The Minister announced &pound;15 million to repair roads.</p>"
        b"<p>Grants of up to &pound;10,000 each will help small businesses.</p></body></html>"
    )
    at = _record()
    at.file_uploader(key="press_file_0").set_value(("release.html", page, "text/html")).run()
    at.button(key="press_find").click().run()
    assert not at.exception
    assert [row[3] for row in _drafts(at)] == ["£15,000,000", "£10,000"]
    assert list(at.data_editor[0].value["note"]) == ["", "per-unit cap"]
    assert "alert" not in _marked_text(at)  # the page's script is dropped with its tags
    at.file_uploader(key="press_file_0").set_value(("empty.txt", b"", "text/plain")).run()
    at.button(key="press_find").click().run()
    assert [e.value for e in at.error] == ["The text could not be read: empty.txt is empty"]
    assert len(_drafts(at)) == 2  # what was found before stays


REANNOUNCED = (
    "£1.5m for digital transformation of local government\n"
    "The Minister confirmed £1.5m for the digital transformation of local government in Welsh councils.\n"
    "£40,000 goes to a new heritage trail.\n"
)


def test_a_likely_reannouncement_is_said_and_one_click_links_it(db):
    at = _find(_record(), REANNOUNCED)
    said = [m.value for m in at.markdown if m.value.startswith("Draft 1:")]
    # the demo's W2 ("over £1m", recorded on 25 October 2019), not W3, a later re-announcement of it
    assert said == [
        "Draft 1: over £1m for Local Government Digital Transformation Fund was recorded on 25 October 2019 (W2): "
        "£500,000 more now."
    ]
    assert not [m for m in at.markdown if m.value.startswith("Draft 2:")]  # the trail matches nothing recorded
    assert at.text_input(key="press_a_headline").value == "£1.5m for digital transformation of local government"
    at.button(key=next(b.key for b in at.button if (b.key or "").startswith("press_link_"))).click().run()
    assert not at.exception
    assert list(at.data_editor[0].value["reannounces"]) == ["W2", ""]
    assert any(c.value == "Linked to W2." for c in at.caption)
    at.selectbox(key="press_a_funder").set_value("Welsh Government")
    at.button(key="press_save").click().run()
    assert not at.exception
    with read_session(db) as session:
        saved = session.scalars(select(Commitment).where(Commitment.amount_pence == 150_000_000)).one()
        assert saved.reannounces is not None and saved.reannounces.ref == "W2"
        assert saved.announcement.headline == "£1.5m for digital transformation of local government"
