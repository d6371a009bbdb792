"""How search reads what is typed and what is stored (tracker/figures/search.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from tracker.figures.search import SHOWN_AT_MOST, WORDS_AT_MOST, Kind, SearchIndex, fold, search, words


@pytest.mark.parametrize(
    ("typed", "folded"),
    [("Ynys Môn", "ynys mon"), ("CAERDYDD", "caerdydd"), ("Straße", "strasse"), ("ŵyr ŷd", "wyr yd")],
)
def test_case_and_accents_are_taken_off(typed: str, folded: str) -> None:
    assert fold(typed) == folded


def test_the_words_of_a_search_are_folded_kept_once_and_punctuation_is_not_a_word() -> None:
    assert words("  Digital, DIGITAL squads! £4.9m ") == ["digital", "squads", "4", "9m"]
    assert words("—  ,. ") == []
    assert len(words(" ".join(f"w{i}" for i in range(40)))) == WORDS_AT_MOST


def _index(texts: list[str]) -> SearchIndex:
    labels = pd.Series([f"R{i}" for i in range(len(texts))], dtype=object)
    kind = Kind(
        page="announcements",
        label=labels,
        detail=labels,
        query=labels.map(lambda ref: {"ref": ref}),
        text=np.array([fold(t) for t in texts], dtype=object),
    )
    empty = Kind("areas", *(pd.Series([], dtype=object) for _ in range(3)), np.array([], dtype=object))
    return SearchIndex(
        {"announcements": kind, **{k: empty for k in ("commitments", "organisations", "programmes", "places")}}
    )


def test_a_record_is_found_only_when_it_holds_every_word() -> None:
    index = _index(["digital squads for Wales", "digital fund", "squads of Cymru"])
    (found,) = search(index, "Squads digital")
    assert found.kind == "announcements" and found.total == 1
    assert [r.label for r in found.results] == ["R0"]
    assert found.results[0].address == "/announcements?ref=R0"
    assert search(index, "zebra") == [] and search(index, "  ") == []


def test_many_results_are_counted_and_the_first_listed() -> None:
    index = _index([f"fund {i}" for i in range(SHOWN_AT_MOST + 7)])
    (found,) = search(index, "fund")
    assert found.total == SHOWN_AT_MOST + 7 and len(found.results) == SHOWN_AT_MOST
