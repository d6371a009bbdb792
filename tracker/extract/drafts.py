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
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from datetime import date

from tracker.core.fiscal import FinancialYear
from tracker.core.limits import LIMITS
from tracker.extract import clues, fields
from tracker.extract.amounts import Mention, find_amounts
from tracker.extract.language import welsh_only
from tracker.extract.parts import Part, amount_parts
from tracker.extract.sentences import split_sentences
from tracker.extract.words import words

_ANAPHORA = re.compile(r"^(?:this|it|these|that|which)\b", re.IGNORECASE)


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


class _Reader:
    def __init__(self, text: str, published: date | None):
        self.text = text
        self.published = published
        self.sentences = split_sentences(text)
        self.mentions = find_amounts(text)
        # Read once for each sentence, not once for each amount in it (a sentence may hold thousands):
        self._lowered: dict[int, str] = {}
        self._earlier_own: dict[int, re.Match[str] | None] = {}  # what the sentence itself says of it
        self._earlier_before: list[bool] | None = None  # an earlier sentence of its paragraph says so
        self._includes_at: dict[int, list[int]] = {}  # where "includes", "of which" ... end in the sentence
        self._same_amount: dict[int, list[int]] = {}  # pence -> indexes of drafts

    def said(self, index: int) -> str:
        sentence = self.sentences[index]
        return self.text[sentence.start : sentence.end]

    def said_lower(self, index: int) -> str:
        if index not in self._lowered:
            self._lowered[index] = self.said(index).lower()
        return self._lowered[index]

    def read(self) -> tuple[list[Draft], list[LeftOut]]:
        drafts: list[Draft] = []
        left_out: list[LeftOut] = []
        sentence_of: list[int] = []
        previous_earlier = False
        parts, lowers = amount_parts(self.text, self.sentences, self.mentions)
        for lower in lowers:
            sentence = self.sentences[lower.sentence_index]
            mention = lower.mention
            left_out.append(
                LeftOut(
                    mention.start,
                    mention.end,
                    mention.pence,
                    mention.qualifier,
                    clues.RANGE_LOW,
                    sentence.start,
                    sentence.end,
                )
            )
        for part in parts:
            mention, sentence = part.mention, self.sentences[part.sentence_index]
            before_full = self.text[part.start : mention.qualifier_start]
            before = re.split(r"[;:]", before_full)[-1].lower()
            after_said = self.text[mention.end : part.end]
            after = after_said.lower()
            part_text = self.text[part.start : part.end]
            reason = fields.left_out_reason(before, after, part_text.lower()) or self._total_of(
                drafts, sentence_of, part
            )
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
            said = self.said_lower(part.sentence_index)
            draft.earlier = self._earlier(part.sentence_index, said, before[-40:] + " " + after[:40]) or (
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
            self._same_amount.setdefault(draft.pence, []).append(len(drafts) - 1)
        self._shares_of_named_pots(drafts)
        return drafts, left_out

    def _total_of(self, drafts: list[Draft], sentence_of: list[int], part: Part) -> str | None:
        """ "£500,000 a year for three years, a total of £1.5 million": the second is the first's total, not more
        money (said in the same sentence as the yearly amount, or the next)."""
        for index in range(len(drafts) - 1, -1, -1):
            if sentence_of[index] < part.sentence_index - 1:
                break
            draft = drafts[index]
            if draft.kind == "recurring" and draft.years and draft.pence * draft.years == part.mention.pence:
                return clues.TOTAL_OF_YEARLY
        return None

    def _draft(self, part: Part, before: str, after: str, after_said: str, part_text: str) -> Draft:
        mention, sentence = part.mention, self.sentences[part.sentence_index]
        before_said = self.text[part.start : mention.qualifier_start]
        draft = Draft(mention.start, mention.end, mention.pence, mention.qualifier, sentence.start, sentence.end)
        draft.kind, draft.years = fields.kind(before, after)
        draft.first_year = fields.first_year(part_text.lower(), self.published)
        purpose = fields.worth(before_said) or fields.purpose(after_said)
        draft.purpose_found = purpose is not None
        if purpose is None and clues.SHARE_OF_NAMED.search(after):
            # "£500,000 of the £2m fund is for new playgrounds": what the pot's words say it is for
            purpose = fields.purpose(self.text[part.end : sentence.end])
        if purpose is None:
            purpose = fields.what_follows(after_said) or None
        anaphoric = _ANAPHORA.match(self.said(part.sentence_index)) and part.sentence_index > 0
        if anaphoric and (purpose is None or draft.first_year is None):
            previous = self.said(part.sentence_index - 1)
            if draft.first_year is None:
                draft.first_year = fields.first_year(previous.lower(), self.published)
            if purpose is None:
                purpose = fields.purpose(previous)
        draft.purpose = purpose or fields.tidy_purpose(part_text) or fields.tidy_purpose(self.said(part.sentence_index))
        recipient = clues.RECIPIENT.search(after_said)
        draft.recipient = recipient[1].strip()[: LIMITS["recipient"]] if recipient else ""
        capital, revenue = clues.CAPITAL.search(part_text.lower()), clues.REVENUE.search(part_text.lower())
        if bool(capital) != bool(revenue):
            draft.capital_or_revenue = "capital" if capital else "revenue"
        draft.note = fields.note(before, after)
        return draft

    def _earlier(self, index: int, said: str, around: str) -> bool:
        if index not in self._earlier_own:
            self._earlier_own[index] = clues.EARLIER.search(said)
        own = self._earlier_own[index]
        if own:
            # "has confirmed £1.2 billion of extra funding": confirmed today, and new
            return not (own[0].startswith("confirm") and clues.NEW_MONEY.search(around))
        if self._earlier_before is None:  # each sentence read once, not once for each amount after it
            self._earlier_before, carried = [], False
            for number, sentence in enumerate(self.sentences):
                if number == 0 or self.sentences[number - 1].paragraph != sentence.paragraph:
                    carried = False
                else:
                    carried = carried or bool(clues.EARLIER.search(self.said_lower(number - 1)))
                self._earlier_before.append(carried)
        return self._earlier_before[index]

    def _includes_before(self, index: int, at: int) -> bool:
        """Whether sentence ``index`` says "includes", "of which" ... before ``text[at]``."""
        sentence, said = self.sentences[index], self.said_lower(index)
        if len(said) != sentence.end - sentence.start:  # lower() changed a length ("İ"): read the words as they are
            return clues.INCLUDES.search(self.text[sentence.start : at].lower()) is not None
        until = at - sentence.start
        if index not in self._includes_at:
            self._includes_at[index] = [found.end() for found in clues.INCLUDES.finditer(said)]
        ends = self._includes_at[index]
        # a match in the whole sentence; or one ending just at ``at`` (the next word cut off there)
        return bool(ends and ends[0] <= until) or clues.INCLUDES.search(said, max(0, until - 64), until) is not None

    def _pot(self, drafts: list[Draft], sentence_of: list[int], part: Part, draft: Draft, before: str) -> int | None:
        """The draft this one is a part of, when the words say it is included in a total named before:
        a total that already has parts first, else the nearest larger one, while the parts still fit in it."""
        sentence = self.sentences[part.sentence_index]
        includes = self._includes_before(part.sentence_index, part.mention.qualifier_start) or (
            sentence.lead_in is not None and clues.INCLUDES.search(self.said_lower(sentence.lead_in))
        )
        if not includes:
            return None
        parts_of: dict[int, int] = {}
        for other in drafts:
            if other.part_of is not None:
                parts_of[other.part_of] = parts_of.get(other.part_of, 0) + other.pence
        sibling = {  # items of the same list are parts side by side, not of each other
            index
            for index in range(len(drafts))
            if sentence.item
            and self.sentences[sentence_of[index]].item
            and self.sentences[sentence_of[index]].lead_in == sentence.lead_in
        }
        fitting = [
            index
            for index, other in enumerate(drafts)
            if other.part_of is None and other.pence >= parts_of.get(index, 0) + draft.pence and index not in sibling
        ]
        pots = [index for index in fitting if index in parts_of]
        chosen = pots or fitting
        return chosen[-1] if chosen else None

    def _same_money(
        self, drafts: list[Draft], sentence_of: list[int], part: Part, draft: Draft, before: str
    ) -> int | None:
        """The draft this amount repeats (a headline said again in the body), if any."""
        if clues.MORE_OF_THE_SAME.search(before[-30:]):
            return None
        sentence = self.sentences[part.sentence_index]
        for index in self._same_amount.get(draft.pence, []):
            other = drafts[index]
            headline = 0 in (sentence_of[index], part.sentence_index)  # a headline may leave out "up to"
            if other.qualifier != draft.qualifier and not (headline and "exact" in (other.qualifier, draft.qualifier)):
                continue
            if sentence_of[index] == part.sentence_index:
                continue
            if sentence.item and self.sentences[sentence_of[index]].item:
                continue
            if (
                not headline
                and other.purpose_found
                and draft.purpose_found
                and not (words(other.purpose) & words(draft.purpose))
                and not welsh_only(self.said(part.sentence_index), least=3)  # the Welsh of a bilingual release
            ):
                continue
            return index
        return None

    def _merge(self, kept: Draft, again: Draft, part: Part) -> None:
        """Keep the fuller telling of the same money; remember where else it is said."""
        positions = {(kept.start, kept.end), (again.start, again.end), *kept.also_at}
        earlier, part_of = kept.earlier or again.earlier, kept.part_of
        qualifier = again.qualifier if kept.qualifier == "exact" else kept.qualifier
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
        kept.qualifier = qualifier
        kept.part_of = part_of if part_of is not None else again.part_of

    def _shares_of_named_pots(self, drafts: list[Draft]) -> None:
        """ "£5m of the £20m fund": the first is a share of the second, said less than 40 characters after it
        (the first such draft). Only amounts said that near are looked at: thousands of drafts are not each
        compared with all the others."""
        said_at = sorted((at, i) for i, pot in enumerate(drafts) for at in (pot.start, *(s for s, _e in pot.also_at)))
        starts = [at for at, _i in said_at]
        for index, draft in enumerate(drafts):
            if draft.part_of is not None:
                continue
            pots = [
                pot_index
                for start, pot_index in said_at[bisect_right(starts, draft.end) : bisect_left(starts, draft.end + 40)]
                if pot_index != index
                and drafts[pot_index].start > draft.end
                and drafts[pot_index].pence > draft.pence
                and clues.SHARE_OF_NAMED.search(self.text[draft.end : start].lower())
            ]
            if pots:
                draft.part_of = min(pots)


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
