"""From the words of a press release to draft commitments, each with the sentence it came from.

``extract(text, published=...)`` finds every amount (``tracker.extract.amounts``),
places it in its sentence (``tracker.extract.sentences``) and in its own part of
that sentence (the words between the clause breaks around it, so "£15 million
to improve roads and a £40 million boost over 2 years" gives each amount its
own words), then reads that part with the patterns in ``tracker.extract.clues``:

- left out, with the reason: per-head figures, ratios, bids, shortfalls and
  pressures, another government's money for elsewhere;
- kind and years: "a year", "annually" (recurring, "for three years" its
  years); "over 2 years", "a 2-year, £210 million deal" (a multi-year total);
  else one-off;
- first financial year: only a year the words name ("in 2019-20") or "this/next
  financial year" with the publication date known; otherwise blank, never
  guessed;
- purpose (what the money is "for", "to", "towards"), recipient where named,
  capital or revenue where said;
- ``earlier``: the sentence, or one before it in its paragraph, says the money
  was announced or confirmed before; "also" carries the previous amount's on;
- a share of a pot: "£5m of the £20m fund", or a part of a total named before
  it ("The deal includes ...", a list after "It also includes:");
- a note for a person to decide: a per-unit cap ("grants of up to £10,000
  each"), money already awarded or a cumulative round-up ("£2.5bn so far").

The same amount said again (a headline, then the body) is one draft, unless the
words say it is more ("a further £2 million") or it is another item of a list.
Every draft keeps the offsets of its quote, so ``text[quote_start:quote_end]``
is the sentence verbatim.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

from tracker.core.fiscal import FinancialYear, FiscalError, parse_financial_year
from tracker.core.limits import LIMITS
from tracker.extract import clues
from tracker.extract.amounts import Mention, find_amounts
from tracker.extract.language import welsh_only
from tracker.extract.sentences import Sentence, split_sentences

_BREAKS = (re.compile(r";\s*"), re.compile(r"\s+(?:and|but|while|whilst|plus)\s+"), re.compile(r",\s+|\s+[–—-]\s+"))
_ANAPHORA = re.compile(r"^(?:this|it|these|that|which)\b", re.IGNORECASE)
_NOT_A_PURPOSE = re.compile(
    r"^(?:be\b|the\s+(?:next|following|coming)\b|(?:next|this|current|coming|the\s+current)\s+financial|"
    r"(?:[0-9]{1,2}|two|three|four|five|six|seven|eight|nine|ten)[\s-]+(?:financial\s+)?years?\b|"
    r"(?:19|20)[0-9]{2}\b|date\b|now\b|come\b)",
    re.IGNORECASE,
)
_STOP = frozenset(
    [
        "a",
        "an",
        "the",
        "of",
        "to",
        "for",
        "in",
        "on",
        "and",
        "or",
        "with",
        "by",
        "from",
        "will",
        "be",
        "is",
        "are",
        "was",
        "were",
        "this",
        "that",
        "which",
        "it",
        "its",
        "their",
        "our",
        "funding",
        "money",
        "million",
        "billion",
        "pounds",
        "new",
        "year",
        "years",
        "over",
        "up",
        "about",
        "more",
        "than",
    ]
)
PURPOSE_CHARS = 200


@dataclass
class Draft:
    """One proposed commitment. Offsets index the text extracted from."""

    start: int
    end: int
    pence: int  # as stated: a recurring amount's per-year figure
    qualifier: str
    quote_start: int
    quote_end: int
    kind: str = "one-off"
    years: int | None = None
    first_year: FinancialYear | None = None
    purpose: str = ""
    recipient: str = ""
    capital_or_revenue: str | None = None
    earlier: bool = False
    part_of: int | None = None  # the index (in ``Extraction.drafts``) of the pot it is a share of
    note: str | None = None  # English (a clues.N_ message): translated where shown
    also_at: list[tuple[int, int]] = field(default_factory=list)  # the same money said again
    purpose_found: bool = False  # the words said what it is for ("for", "to", ...)


@dataclass(frozen=True)
class LeftOut:
    """An amount that is not a commitment, and why (English: translated where shown)."""

    start: int
    end: int
    pence: int
    qualifier: str
    reason: str
    quote_start: int
    quote_end: int


@dataclass(frozen=True)
class Extraction:
    text: str
    published: date | None
    title: str
    drafts: list[Draft]
    left_out: list[LeftOut]
    welsh_only: bool
    headline: list[Mention]  # the amounts the title states ("£585 million"), as a headline claim


@dataclass
class _Part:
    """The words of one amount's own part of its sentence."""

    mention: Mention
    sentence_index: int
    start: int
    end: int


def _break_between(text: str, start: int, end: int) -> int | None:
    """Where a clause break between two amounts is: the last of the strongest kind."""
    between = text[start:end]
    for pattern in _BREAKS:
        found = list(pattern.finditer(between))
        if found:
            return start + found[-1].start()
    return None


def _parts(text: str, sentences: list[Sentence], mentions: list[Mention]) -> list[_Part]:
    parts: list[_Part] = []
    index = 0
    for number, sentence in enumerate(sentences):
        inside = []
        while index < len(mentions) and mentions[index].start < sentence.end:
            if mentions[index].start >= sentence.start:
                inside.append(mentions[index])
            index += 1
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
            parts.append(_Part(mention, number, start, end))
    return parts


def _left_out_reason(before: str, after: str, part_text: str) -> str | None:
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


def _note(before: str, after: str) -> str | None:
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


def _kind(before: str, after: str) -> tuple[str, int | None]:
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


def _first_year(words: str, published: date | None) -> FinancialYear | None:
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


def _tidy_purpose(words: str) -> str:
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


def _purpose(after: str) -> str | None:
    for found in clues.PURPOSE_AFTER.finditer(after):
        rest = after[found.end() :]
        if _NOT_A_PURPOSE.match(rest):
            continue
        tidy = _tidy_purpose(rest)
        if tidy:
            return tidy
    return None


def _what_follows(after: str) -> str:
    """The words after an amount that name what it is, when no "for"/"to" says so ("£210 million Budget
    agreement", "£5.7 billion in Revenue Support Grant")."""
    words = re.sub(r"^[\s,]*(?:(?:in|of|on|with|from|as|worth|made\s+available|being)\s+)*", "", after)
    words = _tidy_purpose(words)
    return words if len(words.split()) >= 2 else ""


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z]+", text.lower()) if w not in _STOP and len(w) > 2}


class _Reader:
    def __init__(self, text: str, published: date | None):
        self.text = text
        self.published = published
        self.sentences = split_sentences(text)
        self.mentions = find_amounts(text)

    def said(self, index: int) -> str:
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end]

    def read(self) -> tuple[list[Draft], list[LeftOut]]:
        drafts: list[Draft] = []
        left_out: list[LeftOut] = []
        sentence_of: list[int] = []
        previous_earlier = False
        for part in _parts(self.text, self.sentences, self.mentions):
            mention, sentence = part.mention, self.sentences[part.sentence_index]
            before_full = self.text[part.start : mention.qualifier_start]
            before = re.split(r"[;:]", before_full)[-1].lower()
            after_said = self.text[mention.end : part.end]
            after = after_said.lower()
            part_text = self.text[part.start : part.end]
            reason = _left_out_reason(before, after, part_text.lower())
            if reason:
                left_out.append(
                    LeftOut(
                        mention.start,
                        mention.end,
                        mention.pence,
                        mention.qualifier,
                        reason,
                        sentence.start,
                        sentence.end,
                    )
                )
                continue
            draft = self._draft(part, before, after, after_said, part_text)
            said = self.said(part.sentence_index).lower()
            draft.earlier = self._earlier(part.sentence_index, said) or (
                previous_earlier and bool(clues.CONTINUES.search(said))
            )
            previous_earlier = draft.earlier
            pot = self._pot(drafts, sentence_of, part, draft, before_full.lower())
            draft.part_of = pot
            same = self._same_money(drafts, sentence_of, part, draft, before)
            if same is not None:
                self._merge(drafts[same], draft, part)
                continue
            drafts.append(draft)
            sentence_of.append(part.sentence_index)
        self._shares_of_named_pots(drafts)
        return drafts, left_out

    def _draft(self, part: _Part, before: str, after: str, after_said: str, part_text: str) -> Draft:
        mention, sentence = part.mention, self.sentences[part.sentence_index]
        draft = Draft(mention.start, mention.end, mention.pence, mention.qualifier, sentence.start, sentence.end)
        draft.kind, draft.years = _kind(before, after)
        draft.first_year = _first_year(part_text.lower(), self.published)
        purpose = _purpose(after_said)
        draft.purpose_found = purpose is not None
        anaphoric = _ANAPHORA.match(self.said(part.sentence_index)) and part.sentence_index > 0
        if anaphoric and (purpose is None or draft.first_year is None):
            previous = self.said(part.sentence_index - 1)
            if draft.first_year is None:
                draft.first_year = _first_year(previous.lower(), self.published)
            if purpose is None:
                purpose = _purpose(previous)
        draft.purpose = (
            purpose
            or _what_follows(after_said)
            or _tidy_purpose(part_text)
            or _tidy_purpose(self.said(part.sentence_index))
        )
        recipient = clues.RECIPIENT.search(after_said)
        draft.recipient = recipient[1].strip()[: LIMITS["recipient"]] if recipient else ""
        capital, revenue = clues.CAPITAL.search(part_text.lower()), clues.REVENUE.search(part_text.lower())
        draft.capital_or_revenue = (
            "capital" if capital and not revenue else "revenue" if revenue and not capital else None
        )
        draft.note = _note(before, after)
        return draft

    def _earlier(self, index: int, said: str) -> bool:
        if clues.EARLIER.search(said):
            return True
        paragraph = self.sentences[index].paragraph
        for other in range(index - 1, -1, -1):
            if self.sentences[other].paragraph != paragraph:
                break
            if clues.EARLIER.search(self.said(other).lower()):
                return True
        return False

    def _pot(self, drafts: list[Draft], sentence_of: list[int], part: _Part, draft: Draft, before: str) -> int | None:
        """The draft this one is a part of, when the words say it is included in a total named before:
        a total that already has parts first, else the nearest larger one, while the parts still fit in it."""
        sentence = self.sentences[part.sentence_index]
        up_to_here = self.text[sentence.start : part.mention.qualifier_start].lower()
        includes = clues.INCLUDES.search(up_to_here) or (
            sentence.lead_in is not None and clues.INCLUDES.search(self.said(sentence.lead_in).lower())
        )
        if not includes:
            return None
        parts_of: dict[int, int] = {}
        for other in drafts:
            if other.part_of is not None:
                parts_of[other.part_of] = parts_of.get(other.part_of, 0) + other.pence
        fitting = [
            index
            for index, other in enumerate(drafts)
            if other.part_of is None and other.pence >= parts_of.get(index, 0) + draft.pence
        ]
        pots = [index for index in fitting if index in parts_of]
        chosen = pots or fitting
        return chosen[-1] if chosen else None

    def _same_money(
        self, drafts: list[Draft], sentence_of: list[int], part: _Part, draft: Draft, before: str
    ) -> int | None:
        """The draft this amount repeats (a headline said again in the body), if any."""
        if clues.MORE_OF_THE_SAME.search(before[-30:]):
            return None
        sentence = self.sentences[part.sentence_index]
        for index, other in enumerate(drafts):
            if (other.pence, other.qualifier) != (draft.pence, draft.qualifier):
                continue
            if sentence_of[index] == part.sentence_index:
                continue
            if sentence.item and self.sentences[sentence_of[index]].item:
                continue
            if (
                other.purpose_found
                and draft.purpose_found
                and not (_words(other.purpose) & _words(draft.purpose))
                and not welsh_only(self.said(part.sentence_index), least=3)  # the Welsh of a bilingual release
            ):
                continue
            return index
        return None

    def _merge(self, kept: Draft, again: Draft, part: _Part) -> None:
        """Keep the fuller telling of the same money; remember where else it is said."""
        positions = {(kept.start, kept.end), (again.start, again.end), *kept.also_at}
        earlier, part_of = kept.earlier or again.earlier, kept.part_of
        if _richness(again, self.text) > _richness(kept, self.text):
            first_year, kind, years = kept.first_year, kept.kind, kept.years
            kept.__dict__.update(again.__dict__)
            kept.first_year = kept.first_year or first_year
            if kept.kind == "one-off" and kind != "one-off":
                kept.kind, kept.years = kind, years
        else:
            kept.first_year = kept.first_year or again.first_year
            if kept.kind == "one-off" and again.kind != "one-off":
                kept.kind, kept.years = again.kind, again.years
        kept.also_at = sorted(positions - {(kept.start, kept.end)})
        kept.earlier = earlier
        kept.part_of = part_of if part_of is not None else again.part_of

    def _shares_of_named_pots(self, drafts: list[Draft]) -> None:
        """ "£5m of the £20m fund": the first is a share of the second."""
        for index, draft in enumerate(drafts[:-1]):
            if draft.part_of is not None:
                continue
            for pot_index, pot in enumerate(drafts):
                if pot_index == index or pot.start <= draft.end or pot.pence <= draft.pence:
                    continue
                starts = [pot.start, *(s for s, _e in pot.also_at)]
                if any(
                    start > draft.end
                    and clues.SHARE_OF_NAMED.search(self.text[draft.end : start].lower())
                    and len(self.text[draft.end : start]) < 40
                    for start in starts
                ):
                    draft.part_of = pot_index
                    break


def _richness(draft: Draft, text: str) -> int:
    sentence = text[draft.quote_start : draft.quote_end]
    score = 2 if draft.purpose_found else 0
    score += 1 if sentence.rstrip().endswith((".", "!", "?", "”", '"')) else 0
    score += 1 if draft.kind != "one-off" or draft.first_year is not None else 0
    return score


def _title(text: str) -> str:
    for line in text.split("\n"):
        if line.strip():
            return line.strip()[: LIMITS["title"]]
    return ""


def extract(text: str, *, published: date | None = None) -> Extraction:
    """Draft commitments and the amounts left out, from the words of one announcement."""
    reader = _Reader(text, published)
    drafts, left_out = reader.read()
    title = _title(text)
    title_start = text.find(title) if title else 0
    headline = [m for m in reader.mentions if title and title_start <= m.start < title_start + len(title)]
    return Extraction(text, published, title, drafts, left_out, welsh_only(text), headline)
