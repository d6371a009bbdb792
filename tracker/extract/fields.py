"""What one amount's own words say about it: left out and why, a note, its kind and years, its first
financial year, its purpose. Every pattern is in ``tracker.extract.clues``; these read them in order.

``before`` is the words of the amount's part before its qualifier (after the
last ";" or ":"), ``after`` the words after the amount, both lower-cased
unless said; ``part_text`` the whole part.
"""

from __future__ import annotations

import re
from datetime import date

from tracker.core.fiscal import FinancialYear, FiscalError, parse_financial_year
from tracker.extract import clues

_NOT_A_PURPOSE = re.compile(
    r"^(?:be\b|the\s+(?:next|following|coming)\b|(?:next|this|current|coming|the\s+current)\s+financial|"
    r"(?:[0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten)[\s-]+(?:financial\s+)?years?\b|"
    r"(?:19|20)[0-9]{2}\b|date\b|now\b|come\b)",
    re.IGNORECASE,
)
PURPOSE_CHARS = 200


def left_out_reason(before: str, after: str, part_text: str) -> str | None:
    if clues.EACH_AFTER.search(after) and clues.PEOPLE_EACH.search(before):
        return clues.PER_HEAD
    for pattern, reason in clues.LEFT_OUT:
        if pattern.search(after):
            return reason
    for pattern, reason in clues.LEFT_OUT_BEFORE:
        if pattern.search(before):
            return reason
    worth = clues.ECONOMY_BEFORE.search(before)
    if worth and (clues.ECONOMY_AFTER.search(after) or "economy" in worth[0]):
        return clues.ECONOMY
    if clues.SHORTFALL_AFTER.search(after):
        return clues.SHORTFALL
    if clues.BID_AFTER.search(after):
        return clues.BID
    if clues.PLACES_ELSEWHERE.search(part_text) and not clues.PLACES_HERE.search(part_text):
        return clues.ELSEWHERE
    return None


def note(before: str, after: str) -> str | None:
    for pattern, note in clues.NOTES_AFTER:
        if pattern.search(after):
            return note
    if clues.PLURAL_GRANTS_OF.search(before):
        return clues.PER_UNIT_CAP
    for pattern, note in clues.NOTES_BEFORE:
        if pattern.search(before):
            return note
    return None


def _number(word: str) -> int:
    return int(word) if word.isdigit() else clues.NUMBER_OF_YEARS[word]


def kind(before: str, after: str) -> tuple[str, int | None]:
    years_for = clues.FOR_YEARS.search(after)
    years_over = clues.OVER_YEARS.search(after)
    recurring = (
        clues.RECURRING_AFTER.search(after)
        or clues.RECURRING_BEFORE.search(before)
        or clues.RECURRING_ANYWHERE.search(after)
    )
    if recurring:
        found = years_for or years_over
        return "recurring", _number(found[1]) if found else None
    if years_over:
        return "multi-year", _number(years_over[1])
    years_before = clues.YEARS_BEFORE.search(before)
    if years_before:
        return "multi-year", _number(years_before[1])
    if years_for:
        return "multi-year", _number(years_for[1])
    return "one-off", None


def first_year(words: str, published: date | None) -> FinancialYear | None:
    for named in clues.NAMED_YEAR.finditer(words):
        try:
            return parse_financial_year(f"{named[1]}-{named[2]}")
        except FiscalError:
            continue
    relative = clues.RELATIVE_YEAR.search(words)
    if relative and published is not None:
        word = relative[1].split()[-1]
        return parse_financial_year(
            f"{'next' if word in ('next', 'coming') else 'this'} financial year", relative_to=published
        )
    return None


def tidy_purpose(words: str) -> str:
    words = words.strip()
    for _ in range(3):
        words = clues.PURPOSE_TAIL.sub("", words).strip()
    words = words.rstrip(" .,;:–—-")
    if len(words) > PURPOSE_CHARS // 3:
        cut = re.search(r",\s|;\s|\s[–—]\s|\s\(", words[PURPOSE_CHARS // 4 :])
        if cut:
            words = words[: PURPOSE_CHARS // 4 + cut.start()]
    if len(words) > PURPOSE_CHARS:
        words = words[:PURPOSE_CHARS].rsplit(" ", 1)[0]
    return words.strip(" .,;:")


def purpose(after: str) -> str | None:
    for found in clues.PURPOSE_AFTER.finditer(after):
        rest = after[found.end() :]
        if _NOT_A_PURPOSE.match(rest):
            continue
        tidy = tidy_purpose(rest)
        if tidy:
            return tidy
    return None


def what_follows(after: str) -> str:
    """The words after an amount that name what it is, when no "for"/"to" says so ("£210 million Budget
    agreement", "£5.7 billion in Revenue Support Grant")."""
    words = re.sub(r"^[\s,]*(?:(?:in|of|on|with|from|as|worth|made\s+available|being)\s+)*", "", after)
    words = tidy_purpose(re.sub(r"^(?:a\s+year|per\s+(?:year|annum)|annually|each\s+year|every\s+year)\b", "", words))
    return words if len(words.split()) >= 2 else ""


_WORTH = re.compile(
    r"(?:^|[,;:]\s*)(?:(?:an?|the|this|our)\s+)?(?:new\s+)?(?P<subject>[^,;:]{3,120}?)\s+"
    r"(?:worth|valued\s+at|totalling|totaling|costing)\s*$",
    re.IGNORECASE,
)


def worth(before: str) -> str | None:
    """What is worth the amount, said before it: "A new Community Facilities Programme worth up to £4m"."""
    found = _WORTH.search(before)
    if not found:
        return None
    subject = tidy_purpose(found["subject"])
    return subject if len(subject.split()) >= 2 else None
