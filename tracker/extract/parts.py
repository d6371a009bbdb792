"""Each amount's own words: the part of its sentence between the clause breaks around it.

A sentence often holds several amounts ("£15 million to improve roads and a
£40 million boost for mental health over 2 years"). The words between two
amounts are cut at the strongest clause break between them (a semicolon, then
"and"/"but"/"plus", then a comma or a dash), so "over 2 years" belongs to the
£40 million only. A range ("grants of between £5,000 and £25,000", "£1m-£2m")
is one amount: its upper end, "up to", with the words before the lower end;
the lower end is set aside.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace

from tracker.extract.amounts import Mention
from tracker.extract.sentences import Sentence

BREAKS = (re.compile(r";\s*"), re.compile(r"\s+(?:and|but|while|whilst|plus)\s+"), re.compile(r",\s+|\s+[–—-]\s+"))
# "between £5,000 and £25,000", "from £1m to £2m", "£1m-£2m": the two ends of one range.
_RANGE_JOIN = re.compile(r"\s*(?:and|to|-|–|—)\s*")
_RANGE_OPENS = re.compile(r"\b(?:between|from)\s+$", re.IGNORECASE)


@dataclass(frozen=True)
class Part:
    """The words of one amount's own part of its sentence."""

    mention: Mention
    sentence_index: int
    start: int
    end: int


def _break_between(text: str, start: int, end: int) -> int | None:
    """Where a clause break between two amounts is: the last of the strongest kind."""
    between = text[start:end]
    for pattern in BREAKS:
        found = list(pattern.finditer(between))
        if found:
            return start + found[-1].start()
    return None


def _ranges(text: str, inside: list[Mention]) -> tuple[list[Mention], list[Mention]]:
    """The amounts of one sentence as read (a range's upper end "up to"), and the ranges' lower ends."""
    kept: list[Mention] = []
    lower: list[Mention] = []
    skip = False
    for position, mention in enumerate(inside):
        if skip:
            skip = False
            continue
        if position + 1 < len(inside):
            upper = inside[position + 1]
            join = text[mention.end : upper.qualifier_start]
            dashed = join.strip() in ("-", "–", "—")
            if _RANGE_JOIN.fullmatch(join) and (dashed or _RANGE_OPENS.search(text[: mention.qualifier_start])):
                lower.append(mention)
                qualifier = "up to" if upper.qualifier == "exact" else upper.qualifier
                kept.append(replace(upper, qualifier=qualifier, qualifier_start=mention.qualifier_start))
                skip = True
                continue
        kept.append(mention)
    return kept, lower


_RESTATED = re.compile(r"\s*[(\[]\s*(?:or\s+|i\.e\.?\s+)?")


def _without_restatements(text: str, inside: list[Mention]) -> list[Mention]:
    """ "£1.3 billion (£1,300,000,000)": the same amount said again in brackets is not another amount."""
    kept: list[Mention] = []
    for mention in inside:
        if (
            kept
            and kept[-1].pence == mention.pence
            and _RESTATED.fullmatch(text[kept[-1].end : mention.qualifier_start])
        ):
            continue
        kept.append(mention)
    return kept


def amount_parts(text: str, sentences: list[Sentence], mentions: list[Mention]) -> tuple[list[Part], list[Part]]:
    """Each amount with its own part of its sentence, in order; and the lower ends of ranges (set aside)."""
    parts: list[Part] = []
    lowers: list[Part] = []
    index = 0
    for number, sentence in enumerate(sentences):
        found = []
        while index < len(mentions) and mentions[index].start < sentence.end:
            if mentions[index].start >= sentence.start:
                found.append(mentions[index])
            index += 1
        inside, lower = _ranges(text, _without_restatements(text, found))
        lowers += [Part(mention, number, sentence.start, sentence.end) for mention in lower]
        for position, mention in enumerate(inside):
            start, end = sentence.start, sentence.end
            if position > 0:
                before = inside[position - 1]
                cut = _break_between(text, before.end, mention.qualifier_start)
                start = cut if cut is not None else before.end
            if position + 1 < len(inside):
                after = inside[position + 1]
                cut = _break_between(text, mention.end, after.qualifier_start)
                end = cut if cut is not None else after.qualifier_start
            parts.append(Part(mention, number, start, end))
    return parts, lowers
