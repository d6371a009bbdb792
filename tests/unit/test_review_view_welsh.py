"""The Review page's words in Welsh, from the same hand-made snapshot as
test_review_view (no database): statuses, headline metrics, sentences and
the list of changes follow the language in use, the frozen figures do not,
and what is worked out once per meeting is kept apart for each language."""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, date, datetime
from functools import partial

import pytest

from tests.unit.test_review_view import FIGURES
from tracker import i18n
from tracker.core.languages import WELSH
from tracker.i18n import _, deferred
from tracker.review import changes as review_changes
from tracker.review import presentation as view
from tracker.review.meetings import RAG, Meeting, status_label

TAKEN = datetime(2026, 11, 20, 9, 5, tzinfo=UTC)


def _meeting() -> Meeting:
    return Meeting(date(2026, 11, 20), date(2026, 11, 19), "Adolygiad y gaeaf", TAKEN, "Bob_Smith", FIGURES)


@pytest.mark.parametrize("status", list(RAG))
def test_every_status_reads_in_welsh_and_keeps_its_colour(status: str) -> None:
    english = status_label(status)
    with i18n.speaking(WELSH):
        text = view.rag_text(status)
        style = view.rag_cell_style(text)
        badge = view.badge(status)
    assert text.startswith("● ") and text.removeprefix("● ") != english
    red, green, blue = (int(RAG[status].colour[i : i + 2], 16) for i in (1, 3, 5))
    assert f"background-color: rgba({red}, {green}, {blue}, " in style  # the Welsh words still find their colour
    assert badge.label == text.removeprefix("● ") and badge.icon == RAG[status].icon


def test_statuses_and_no_status_in_welsh() -> None:
    with i18n.speaking(WELSH):
        assert status_label("at risk") == "Mewn perygl (ambr)"
        assert status_label("on track") == "Ar y trywydd iawn (gwyrdd)"
        assert view.rag_text(None) == "Dim statws eto" and view.rag_cell_style("Dim statws eto") == ""
        assert status_label("someday") == "Someday"  # a status the tracker does not know: as stored


def test_a_meeting_and_its_freezing_are_said_in_welsh_with_welsh_dates() -> None:
    with i18n.speaking(WELSH):
        label = _meeting().label
        sentence = view.frozen_sentence(_meeting())
    assert label == "20 Tachwedd 2026 · Adolygiad y gaeaf (ffigurau ar 19 Tachwedd 2026)"
    assert sentence.startswith("Ffigurau ar **19 Tachwedd 2026**, wedi'u rhewi ar 20 Tachwedd 2026 am 09:05 UTC gan")
    assert "Bob\\_Smith" in sentence
    assert _meeting().label == "20 November 2026 · Adolygiad y gaeaf (figures as at 19 November 2026)"


def test_headline_metrics_in_welsh_keep_their_figures() -> None:
    english = view.headline_metrics(FIGURES)
    with i18n.speaking(WELSH):
        welsh = view.headline_metrics(FIGURES)
        on_profile = view.headline_metrics({**FIGURES, "headline": {**FIGURES["headline"], "variance": 0}})
    labels = [m.label for m in welsh]
    assert labels == [
        "Ymrwymwyd (arian newydd)",
        "Cyflawnwyd hyd yma",
        "% wedi'i gyflawni",
        "Yn ddyledus hyd yma",
        "O'i gymharu â'r hyn a oedd yn ddyledus",
        "Yn weddill",
    ]
    assert [m.value for m in welsh][1:] == [
        "£1.2m",
        "80.0%",
        "£1.5m",
        "ar ei hôl hi o £300k",
        "£300k",
    ]
    assert [m.value for m in english][1:3] == [m.value for m in welsh][1:3]
    assert welsh[0].help.startswith("Union 1,500,000.50 o bunnoedd.")
    assert on_profile[4].value == "yn unol â'r proffil"


def test_the_overdue_sentence_says_the_count_in_welsh() -> None:
    with i18n.speaking(WELSH):
        assert view.overdue_sentence(FIGURES).startswith("1 garreg filltir yn hwyr ar ddyddiad y ffigurau")
        assert view.overdue_sentence({**FIGURES, "milestones": []}) == (
            "Nid oedd unrhyw garreg filltir yn hwyr ar ddyddiad y ffigurau."
        )
        states = list(view.milestones_table(FIGURES)["state"])
    assert states == ["yn hwyr", "wedi'i chyflawni'n hwyr", "dim dyddiad dyledus"]


def test_what_is_kept_for_a_meeting_is_kept_apart_for_each_language() -> None:
    meeting = _meeting()

    def table():
        return view.commitments_table(FIGURES, {"W1": "at risk"})

    english = view.kept(meeting, "commitments", table)
    with i18n.speaking(WELSH):
        welsh = view.kept(meeting, "commitments", table)
        assert view.kept(meeting, "commitments", table) is welsh  # kept, once per language
    assert list(english["status"]) == ["● At risk (amber)", "No status yet"]
    assert list(welsh["status"]) == ["● Mewn perygl (ambr)", "Dim statws eto"]
    assert view.kept(meeting, "commitments", table) is english


def test_the_changes_since_the_last_review_in_welsh() -> None:
    before = {**FIGURES, "statuses": [], "milestones": FIGURES["milestones"][:1], "announcements": []}
    before["headline"] = {**FIGURES["headline"], "delivered": 100_000_000, "pct_delivered": 0.6667}
    before["deliveries"] = []
    after = {**FIGURES, "announcements": [], "deliveries": []}
    with i18n.speaking(WELSH):
        found = review_changes.changes(before, after)
        sentence = review_changes.movement_sentence(found)
        rows = review_changes.changes_table(found).values.tolist()
        first = review_changes.movement_sentence(review_changes.changes(None, after))
    assert sentence.startswith("Cododd y swm a gyflawnwyd £200,000 (o 66.7% i 80.0% o'r swm a ymrwymwyd)")
    assert "arhosodd yr amrywiant o'i gymharu â'r hyn a oedd yn ddyledus ar -£300,000.50." in sentence
    (what, ref, detail), status = rows
    assert (what, ref) == ("Carreg filltir newydd fynd yn hwyr", "M2")
    assert detail.startswith("Unit staffed: yn ddyledus 2026-06-01, ")  # how late: tracker.figures.delivery's words
    assert status == ["Statws", "W1", "Statws: newidiodd o dim statws i Mewn perygl (ambr) (2026-11-01, Ann)"]
    assert first == "Dyma'r adolygiad cyntaf: does dim byd cynharach i'w gymharu ag ef."


def test_a_deferred_call_keeps_the_language_it_was_made_in() -> None:
    """Streamlit runs a download button's callable on another thread, outside the run that chose the
    language: ``deferred`` carries the language there, a plain ``partial`` does not."""
    with i18n.speaking(WELSH):
        plain, bound = partial(_, "Review pack"), deferred(_, "Review pack")

    # Another thread, as Streamlit's: it starts in the default context (no event loop needed, so the test
    # holds whatever another test left running in this thread).
    with ThreadPoolExecutor(max_workers=1) as other_thread:
        said = other_thread.submit(plain).result(), other_thread.submit(bound).result()
    assert said == ("Review pack", "Pecyn adolygu")
