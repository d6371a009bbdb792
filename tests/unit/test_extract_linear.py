"""The extractor reads each sentence once, not once for each amount in it (no timed assertions: work is counted).

A hostile release (one line of 400,000 characters holding 5,000 amounts, or a line of dots) took minutes
when each amount re-read its whole sentence or paragraph; these tests count the pattern searches instead.
"""

from __future__ import annotations

import re
from typing import Any

import pytest

from tracker.extract import clues
from tracker.extract.drafts import extract
from tracker.extract.sentences import split_sentences


class Counting:
    """A compiled pattern that counts its searches and the characters they were given."""

    def __init__(self, pattern: re.Pattern[str]) -> None:
        self.pattern, self.calls, self.chars = pattern, 0, 0

    def _count(self, text: str, pos: int = 0, endpos: int | None = None) -> None:
        self.calls += 1
        self.chars += (len(text) if endpos is None else endpos) - pos

    def search(self, text: str, *args: Any) -> re.Match[str] | None:
        self._count(text, *args)
        return self.pattern.search(text, *args)

    def finditer(self, text: str, *args: Any) -> Any:
        self._count(text, *args)
        return self.pattern.finditer(text, *args)


@pytest.mark.parametrize("end", [".", ""])  # 400 sentences on one line; or one sentence of 400 amounts
def test_each_sentence_is_searched_once_whatever_the_number_of_amounts(
    monkeypatch: pytest.MonkeyPatch, end: str
) -> None:
    amounts = 400
    line = " ".join(f"Councils get £{i + 1}m for parks and roads in Wales{end}" for i in range(amounts))
    counted = {name: Counting(getattr(clues, name)) for name in ("EARLIER", "INCLUDES", "SHARE_OF_NAMED")}
    for name, pattern in counted.items():
        monkeypatch.setattr(clues, name, pattern)
    drafts = extract(line).drafts
    assert len(drafts) == amounts
    sentences = len(split_sentences(line))
    assert sentences == (amounts if end else 1)
    # each sentence once for its own amounts, and once for the amounts after it in its paragraph
    assert counted["EARLIER"].calls <= 2 * sentences
    assert counted["EARLIER"].chars <= 2 * len(line)
    assert counted["INCLUDES"].chars <= len(line) + 64 * amounts
    assert counted["SHARE_OF_NAMED"].calls == 0  # no amount is said within 40 characters after another


def test_runs_of_marks_and_abbreviations_split_as_before() -> None:
    assert len(split_sentences("." * 100_000)) == 1
    assert len(split_sentences("Wow!?!?!? " * 5 + "End.")) == 6
    text = "Mr. Smith met Dr. Jones. E.g. Cardiff got £1m. Prof. X spoke. Averyveryverylongword. Next."
    said = [text[s.start : s.end] for s in split_sentences(text)]
    assert said == [
        "Mr. Smith met Dr. Jones.",
        "E.g. Cardiff got £1m.",
        "Prof. X spoke.",
        "Averyveryverylongword.",
        "Next.",
    ]


def test_a_figure_of_thousands_of_digits_is_no_amount_and_the_csv_is_still_written() -> None:
    from tracker.extract.rows import Naming, as_csv, draft_rows

    text = "Councils get £" + "9" * 5_000 + " for parks. Schools get £1,000,000,000,000 and £1.5bn."
    extraction = extract(text)
    assert [d.pence for d in extraction.drafts] == [100_000_000_000_000, 150_000_000_000]  # £1 trillion at most
    assert "1000000000000.00" in as_csv(draft_rows(extraction, Naming("R", "", "")))
