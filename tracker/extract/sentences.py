"""Running text into sentences, each with its character offsets in the text.

A line is a paragraph (press releases put each paragraph, heading and list item
on its own line); within a line, a sentence ends at ``.``, ``!``, ``?`` or
``…`` (with any closing quote or bracket) followed by space and a capital,
digit, £ or opening quote, unless the word before is a known abbreviation
("Mr.", "e.g."). A line starting with a bullet ("-", "*", "•", "–") is a list
item; the sentence before a list that ends with ":" is its lead-in, so "It
also includes:" is read with each item after it.

Offsets are into the text as given: ``text[s.start:s.end]`` is the sentence
verbatim, so a quote taken from it is evidence, never a rewording.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

ABBREVIATIONS: Final = frozenset(
    {"mr", "mrs", "ms", "dr", "st", "no", "nos", "prof", "cllr", "rt", "hon", "e.g", "i.e", "etc", "approx", "c", "vs"}
)
# A run of marks is matched from its first mark and never given back (possessive), so a line of
# 400,000 dots or "!?" is read in one pass, not once from each mark (which took minutes).
_END = re.compile(r"(?<![.!?…])[.!?…]++[\"”’')\]]*+\s+(?=[\"“‘'(\[]?[A-Z0-9£])")
_BULLET = re.compile(r"^\s*(?:[-*•–—·]|[0-9]{1,2}[.)])\s+")


@dataclass(frozen=True)
class Sentence:
    start: int
    end: int
    paragraph: int  # the line it is on (0, 1, ...): sentences of one paragraph share it
    item: bool  # on a list item's line
    lead_in: int | None = None  # the index of the sentence introducing the list it is in


_LONGEST_ABBREVIATION = max(len(word) for word in ABBREVIATIONS)
_WORD_BEFORE = re.compile(r"(?<![A-Za-z.])[A-Za-z.]+$")


def _abbreviation_before(line: str, at: int) -> bool:
    """Whether the word just before ``line[at]`` is a known abbreviation; only the last few characters
    are looked at, so a line with thousands of sentences is not searched from its start for each."""
    word = _WORD_BEFORE.search(line, max(0, at - _LONGEST_ABBREVIATION), at)  # a longer word: None
    return word is not None and word[0].lower().rstrip(".") in ABBREVIATIONS


def split_sentences(text: str) -> list[Sentence]:
    """The sentences of ``text`` in order; blank lines give none."""
    sentences: list[Sentence] = []
    offset = 0
    lead_in: int | None = None
    for paragraph, line in enumerate(text.split("\n")):
        line_start = offset
        offset += len(line) + 1
        if not line.strip():
            continue
        bullet = _BULLET.match(line)
        item = bool(bullet)
        if not item:
            lead_in = None
        begin = bullet.end() if bullet else len(line) - len(line.lstrip())
        for end_mark in _END.finditer(line, begin):
            if _abbreviation_before(line, end_mark.start()):
                continue
            stop = end_mark.end() - (len(end_mark[0]) - len(end_mark[0].rstrip()))
            if stop > begin:
                sentences.append(Sentence(line_start + begin, line_start + stop, paragraph, item, lead_in))
            begin = end_mark.end()
        stop = len(line.rstrip())
        if stop > begin:
            sentences.append(Sentence(line_start + begin, line_start + stop, paragraph, item, lead_in))
            if not item and line.rstrip().endswith(":"):
                lead_in = len(sentences) - 1
    return sentences
