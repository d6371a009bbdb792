"""Every statement of money in running text: "£1.5m", "£500,000", "£20 million-a-year",
"one million pound", "over a million pounds", "£5.7 biliwn".

``find_amounts(text)`` returns each mention with its character offsets (so the
words can be shown highlighted and quoted verbatim), the amount in integer
pence exactly as stated, and the qualifier the words around it give it
("over £1m" is a floor, "up to £10,000" a ceiling, "around £2m" approximate).

Figures are read as ``tracker.core.money`` reads a typed amount (Decimal, never
float; a figure that is not a whole number of pence is no amount). Words for
numbers ("one", "half a", "two hundred") are ours: money parsing of what
announcements say is the domain's. The £ and the digits are the same in Welsh,
so Welsh scale words (miliwn, biliwn, mil) and qualifiers are read too.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from tracker.records.commitment_values import MAX_PENCE

SCALES: Final = {
    "k": 1_000,
    "thousand": 1_000,
    "mil": 1_000,  # Welsh: thousand
    "m": 1_000_000,
    "mn": 1_000_000,
    "million": 1_000_000,
    "miliwn": 1_000_000,
    "bn": 1_000_000_000,
    "billion": 1_000_000_000,
    "biliwn": 1_000_000_000,
}
# Longest first, so "million" is not read as "m" followed by "illion".
_SCALE = "|".join(sorted(SCALES, key=len, reverse=True))
_FIGURE = r"(?P<number>[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.(?P<fraction>[0-9]+))?"

NUMBER_WORDS: Final = {
    "a": 1,
    "an": 1,
    "one": 1,
    "two": 2,
    "three": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "eleven": 11,
    "twelve": 12,
    "fifteen": 15,
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_WORD = "|".join(sorted(NUMBER_WORDS, key=len, reverse=True))

# "£1.5m", "£ 500,000", "£20 million-a-year" (the "-a-year" is the period's, not the amount's).
_POUND_FIGURE = re.compile(rf"£\s?{_FIGURE}(?:\s?(?P<scale>{_SCALE}))?(?![A-Za-z0-9]|\.[0-9])", re.IGNORECASE)
# "500,000 pounds", "1.5 million pounds" (no £ sign).
_FIGURE_POUNDS = re.compile(
    rf"(?<![£0-9.,]){_FIGURE}(?:\s?(?P<scale>{_SCALE}))?[\s-]+(?:pounds?|punt)\b", re.IGNORECASE
)
# "one million pound(s)", "half a million pounds", "two hundred million pounds".
_WORDS_POUNDS = re.compile(
    rf"\b(?P<half>half\s+)?(?P<words>(?:{_WORD})(?:[\s-]+hundred)?)[\s-]+(?P<scale>thousand|million|billion)"
    rf"[\s-]+(?:pounds?|punt)\b",
    re.IGNORECASE,
)

QUALIFIER_BEFORE: Final = (
    # (what the words just before the amount end with, the qualifier), most specific first
    (r"(?:just|slightly|a little)\s+(?:over|above|more than)", "over"),
    (r"(?:just|slightly|a little)\s+(?:under|below|less than)", "about"),
    (r"more\s+than|over|in\s+excess\s+of|upwards\s+of|at\s+least|exceeding|a\s+minimum\s+of", "over"),
    (r"mwy\s+na|dros|o\s+leiaf", "over"),  # Welsh: more than, over, at least
    (r"up\s+to|as\s+much\s+as|a\s+maximum\s+of|no\s+more\s+than|capped\s+at|a\s+cap\s+of", "up to"),
    (r"hyd\s+at|uchafswm\s+o", "up to"),  # Welsh: up to, a maximum of
    (
        r"around|about|almost|nearly|approximately|approx\.?|roughly|some|circa|c\.|close\s+to|"
        r"an\s+estimated|estimated|in\s+the\s+region\s+of|of\s+the\s+order\s+of|getting\s+on\s+for",
        "about",
    ),
    (r"tua|bron|oddeutu|oddeutu'r", "about"),  # Welsh: about, almost
)
_BEFORE = tuple(
    (re.compile(rf"(?:^|[^\w])(?:{words})\s*(?:a\s+|an\s+)?$", re.IGNORECASE), q) for words, q in QUALIFIER_BEFORE
)
# "£1m or more", "£1m-plus", "£1m+": a floor said after the amount.
_AFTER_OVER = re.compile(r"^(?:\s*\+|-plus\b|\s+plus\b(?!\s+\w)|\s+or\s+more\b|\s+and\s+(?:more|upwards)\b)", re.I)


@dataclass(frozen=True)
class Mention:
    """One statement of money: ``text[start:end]`` is the figure as written."""

    start: int
    end: int
    pence: int
    qualifier: str  # one of tracker.core.vocabulary.QUALIFIERS
    qualifier_start: int  # where the qualifying words begin (== start when exact)


def _pence(number: str, fraction: str | None, scale: str | None) -> int | None:
    try:
        value = Decimal(number.replace(",", "") + ("." + fraction if fraction else ""))
    except InvalidOperation:
        return None
    value *= SCALES[scale.lower()] if scale else 1
    pence = value * 100
    if pence > MAX_PENCE:  # no announcement states £1 trillion or more in one figure: 5,000 digits are no amount
        return None
    return int(pence) if pence == pence.to_integral_value() and pence > 0 else None


def _word_pence(half: str | None, words: str, scale: str) -> int | None:
    parts = re.split(r"[\s-]+", words.lower())
    number = Decimal(NUMBER_WORDS[parts[0]])
    if len(parts) > 1:  # "two hundred"
        number *= 100
    if half:
        number /= 2
    pence = number * SCALES[scale.lower()] * 100
    return int(pence) if pence == pence.to_integral_value() else None


def _qualifier(text: str, start: int, end: int) -> tuple[str, int]:
    before = text[max(0, start - 40) : start]
    for pattern, qualifier in _BEFORE:
        found = pattern.search(before)
        if found:
            words_start = start - len(before) + found.start()
            # the pattern may have matched the character before the words
            while words_start < start and not text[words_start].isalnum():
                words_start += 1
            return qualifier, words_start
    if _AFTER_OVER.match(text[end : end + 20]):
        return "over", start
    return "exact", start


def find_amounts(text: str) -> list[Mention]:
    """Every amount of money ``text`` states, in the order written; none overlap."""
    found: list[tuple[int, int, int]] = []
    for match in _POUND_FIGURE.finditer(text):
        pence = _pence(match["number"], match["fraction"], match["scale"])
        if pence is not None:
            found.append((match.start(), match.end(), pence))
    for match in _FIGURE_POUNDS.finditer(text):
        pence = _pence(match["number"], match["fraction"], match["scale"])
        if pence is not None:
            found.append((match.start(), match.end(), pence))
    for match in _WORDS_POUNDS.finditer(text):
        start = match.start("half") if match["half"] else match.start("words")
        pence = _word_pence(match["half"], match["words"], match["scale"])
        if pence is not None:
            found.append((start, match.end(), pence))
    found.sort()
    mentions: list[Mention] = []
    last_end = -1
    for start, end, pence in found:
        if start < last_end:
            continue
        qualifier, qualifier_start = _qualifier(text, start, end)
        mentions.append(Mention(start, end, pence, qualifier, qualifier_start))
        last_end = end
    return mentions
