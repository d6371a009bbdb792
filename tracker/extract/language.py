"""Is a text in Welsh only? Said to the reader, since the fields other than the amount are read from
English words; the £ and the digits are the same, so the amounts are still found."""

from __future__ import annotations

import re
from typing import Final

# Short, frequent words of each language that the other seldom uses.
WELSH_WORDS: Final = frozenset(
    [
        "y",
        "yr",
        "a",
        "ac",
        "i",
        "o",
        "yn",
        "ar",
        "gan",
        "ei",
        "mae",
        "bydd",
        "fydd",
        "cyllid",
        "llywodraeth",
        "ein",
        "eu",
        "hyn",
        "wedi",
        "gyda",
        "am",
        "fel",
        "hefyd",
        "newydd",
        "cymru",
        "cynghorau",
        "ardal",
        "blynedd",
        "flynedd",
        "sydd",
        "oedd",
        "hynny",
        "ond",
        "neu",
        "dros",
        "hyd",
        "tua",
        "gwasanaethau",
        "lleol",
    ]
)
ENGLISH_WORDS: Final = frozenset(
    [
        "the",
        "and",
        "of",
        "to",
        "will",
        "for",
        "is",
        "in",
        "with",
        "funding",
        "government",
        "this",
        "that",
        "be",
        "by",
        "from",
        "are",
        "was",
        "has",
        "have",
        "new",
        "council",
        "councils",
        "year",
        "years",
        "local",
        "services",
        "said",
    ]
)


def welsh_only(text: str, least: int = 5) -> bool:
    """Twice as many Welsh words as English ones (at least ``least``), counting each occurrence: a text in
    both is not Welsh only. Also said of one sentence (the Welsh half of a bilingual release)."""
    words = re.findall(r"[a-zâêîôûŵŷ']+", text.lower())
    welsh = sum(word in WELSH_WORDS for word in words)
    english = sum(word in ENGLISH_WORDS for word in words)
    return welsh >= least and welsh > 2 * english
