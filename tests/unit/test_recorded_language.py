"""Words recorded in English, Welsh or both are shown in the reader's language where
recorded, else in the other with a note saying which (tracker.figures.recorded_language)."""

from __future__ import annotations

import pandas as pd

from tracker.figures.recorded_language import Said, said, titles
from tracker.i18n import speaking

ENGLISH_TITLE = "Digital transformation fund"
WELSH_TITLE = "Cronfa trawsnewid digidol"


def test_each_reader_gets_their_own_language_when_both_were_recorded():
    assert said(ENGLISH_TITLE, WELSH_TITLE, "en") == Said(ENGLISH_TITLE, "en", False)
    assert said(ENGLISH_TITLE, WELSH_TITLE, "cy") == Said(WELSH_TITLE, "cy", False)
    assert said(ENGLISH_TITLE, WELSH_TITLE, "en").note is None  # nothing to say


def test_words_in_only_one_language_are_shown_to_the_other_reader_with_a_note():
    shown = said(ENGLISH_TITLE, None, "cy")
    assert shown == Said(ENGLISH_TITLE, "en", True)
    with speaking("cy"):
        assert shown.note == "Yn Saesneg yn unig: ni chofnodwyd Cymraeg."
    assert shown.note == "Only in English: no Welsh was recorded."
    welsh_only = said("  ", WELSH_TITLE, "en")  # blank counts as not recorded
    assert welsh_only == Said(WELSH_TITLE, "cy", True)
    assert welsh_only.note == "Only in Welsh: no English was recorded."


def test_nothing_recorded_is_none_and_the_reader_defaults_to_the_language_in_use():
    assert said(None, "", "cy") is None
    with speaking("cy"):
        assert said(ENGLISH_TITLE, WELSH_TITLE) == Said(WELSH_TITLE, "cy", False)
    assert said(ENGLISH_TITLE, WELSH_TITLE) == Said(ENGLISH_TITLE, "en", False)


def test_a_listing_shows_welsh_titles_to_a_welsh_reader_where_recorded():
    frame = pd.DataFrame({"title": [ENGLISH_TITLE, "Broadband for schools"], "title_cy": [WELSH_TITLE, None]})
    assert list(titles(frame, "cy")) == [WELSH_TITLE, "Broadband for schools"]
    assert list(titles(frame, "en")) == [ENGLISH_TITLE, "Broadband for schools"]
    assert list(titles(frame.drop(columns="title_cy"), "cy")) == [ENGLISH_TITLE, "Broadband for schools"]
