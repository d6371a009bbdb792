"""Words recorded in two languages, shown in the reader's.

An announcement's title and quoted words may be recorded in English, in
Welsh (``title_cy``, ``quote_cy``) or both: funders in Wales publish most
statements in both languages. A page shows the reader's language where it
was recorded; where only the other was, it shows that one and says so
("Only in English."), so a Welsh reader never mistakes an untranslated
title for a missing one, nor an English reader a Welsh quote for an error.

The words themselves are never translated: they are what the funder said.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from tracker.core.languages import ENGLISH, WELSH
from tracker.figures.register import optional_text
from tracker.i18n import N_, _, current

# Said beside words shown in the other language than the reader's.
ONLY_IN = {ENGLISH: N_("Only in English: no Welsh was recorded."), WELSH: N_("Only in Welsh: no English was recorded.")}


@dataclass(frozen=True)
class Said:
    """Recorded words as shown: the words, the language they are in, and
    whether that is not the reader's (then ``note`` says so)."""

    words: str
    language: str
    other_than_reader: bool

    @property
    def note(self) -> str | None:
        """ "Only in English: ...", in the reader's language; None when the words are in it."""
        return _(ONLY_IN[self.language]) if self.other_than_reader else None


def said(english: str | None, welsh: str | None, reader: str | None = None) -> Said | None:
    """The words in ``reader``'s language (the language in use) where recorded,
    else in the other; None when neither was recorded."""
    reader = reader or current()
    english, welsh = optional_text(english), optional_text(welsh)
    wanted, other = (welsh, english) if reader == WELSH else (english, welsh)
    if wanted:
        return Said(wanted, reader, False)
    if other:
        return Said(other, ENGLISH if reader == WELSH else WELSH, True)
    return None


def titles(frame: pd.DataFrame, reader: str | None = None) -> np.ndarray:
    """Each row's ``title`` in ``reader``'s language: for a Welsh reader the
    ``title_cy`` where one was recorded, else the English; for others the English."""
    english = frame["title"].to_numpy(dtype=object)
    if (reader or current()) != WELSH or "title_cy" not in frame:
        return english
    welsh = frame["title_cy"].to_numpy(dtype=object)
    has_welsh = np.array([optional_text(value) is not None for value in welsh], dtype=bool)
    return np.where(has_welsh, welsh, english)
