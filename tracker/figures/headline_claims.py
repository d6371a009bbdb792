"""An announcement's headline claim, read and judged against the money recorded.

``read_claim("over £1bn for digital")`` reads the headline as stated into a
``Claim``: the amount in pence and its qualifier, found by the extractor's own
money reader (``tracker.extract.amounts.find_amounts``). A headline stating
more than one amount is read as its largest ("£1m for schools and £2m for
roads" claims £2m: the claim is never summed, and the reading says how many
amounts there were). "Multi-million" is read as at least £2m and
"multi-billion" as at least £2bn, marked vague; a headline with no amount has
no claim to check.

``judge(claim, all_pence, new_pence)`` gives the ``Verdict``, respecting the
qualifier: "over £1bn" adds up when all the money is £1bn or more, "up to £5m"
when it is £5m or less, "about £2m" when it is within 10% of £2m, and an exact
£14.3m only when it is £14.3m to the penny. A headline that adds up against all
the money but not against the new money (the IFS question: how much of a
headline is new) counts money announced before as new.

Verdicts are stored English words (CSV, CLI, API); a page says them with
``_()``. Money is integer pence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Final

from tracker.core.money import format_pounds, qualified
from tracker.extract.amounts import find_amounts
from tracker.i18n import N_, _, ngettext

ADDS_UP: Final = N_("adds up")
MORE: Final = N_("headline is more than recorded")
LESS: Final = N_("headline is less than recorded")
EARLIER_AS_NEW: Final = N_("counts money announced before as new")
NO_AMOUNT: Final = N_("no amount stated")
VERDICTS: Final = (ADDS_UP, MORE, LESS, EARLIER_AS_NEW, NO_AMOUNT)
DIFFERS: Final = (MORE, LESS, EARLIER_AS_NEW)  # what the report lists

ABOUT_WITHIN_PERCENT: Final = 10

# "multi-million", "multimillion", "multi million" (Welsh "aml-filiwn"): at least two of them, in pence.
_VAGUE: Final = (
    (re.compile(r"\bmulti[\s-]?billion\b", re.IGNORECASE), 2_000_000_000 * 100),
    (re.compile(r"\bmulti[\s-]?million\b|\baml[\s-]?filiwn\b", re.IGNORECASE), 2_000_000 * 100),
)


@dataclass(frozen=True)
class Claim:
    """What a headline claims: ``pence`` None when it states no amount."""

    stated: str
    pence: int | None
    qualifier: str  # exact, over, up to, about (tracker.core.vocabulary.QUALIFIERS)
    vague: bool = False  # read from words such as "multi-million": a floor, not a figure
    amounts: int = 0  # how many amounts the headline states (more than one: the largest is the claim)

    @property
    def words(self) -> str:
        """The amount claimed in words, in the language in use: ``at least £1,000,000,000``."""
        if self.pence is None:
            return _(NO_AMOUNT)
        return qualified(format_pounds(self.pence), self.qualifier)


def read_claim(stated: str | None) -> Claim | None:
    """The claim a headline makes; None when no headline was recorded."""
    if stated is None or not stated.strip():
        return None
    mentions = find_amounts(stated)
    if mentions:
        largest = max(mentions, key=lambda m: (m.pence, -m.start))
        return Claim(stated, largest.pence, largest.qualifier, amounts=len(mentions))
    for pattern, floor in _VAGUE:
        if pattern.search(stated):
            return Claim(stated, floor, "over", vague=True)
    return Claim(stated, None, "exact")


def fits(claim: Claim, pence: int) -> bool:
    """Does ``pence`` bear the claim out, by its qualifier?"""
    if claim.pence is None:
        return False
    if claim.qualifier == "over":
        return pence >= claim.pence
    if claim.qualifier == "up to":
        return pence <= claim.pence
    if claim.qualifier == "about":
        return abs(pence - claim.pence) * 100 <= claim.pence * ABOUT_WITHIN_PERCENT
    return pence == claim.pence


@dataclass(frozen=True)
class Verdict:
    """A claim against the money recorded: ``verdict`` is one of ``VERDICTS`` (English)."""

    claim: Claim
    all_pence: int  # every pound the announcement's commitments state, once
    new_pence: int  # of it, money not announced before
    verdict: str

    @property
    def new_share_percent(self) -> int | None:
        """The share of all the money that is new, in whole percent (rounded down); None with no money."""
        if self.all_pence <= 0:
            return None
        return max(0, min(100, self.new_pence * 100 // self.all_pence))

    @property
    def differs(self) -> bool:
        return self.verdict in DIFFERS

    def sentence(self) -> str:
        """The verdict in a sentence, in the language in use."""
        values = {
            "claim": self.claim.words,
            "all": format_pounds(self.all_pence),
            "new": format_pounds(self.new_pence),
            "share": self.new_share_percent if self.new_share_percent is not None else 0,
        }
        said = {
            ADDS_UP: N_("The headline ({claim}) adds up: {all} is recorded, {new} of it new money ({share}%)."),
            MORE: N_(
                "The headline ({claim}) is more than recorded: {all} is recorded, {new} of it new money ({share}%)."
            ),
            LESS: N_(
                "The headline ({claim}) is less than recorded: {all} is recorded, {new} of it new money ({share}%)."
            ),
            EARLIER_AS_NEW: N_(
                "The headline ({claim}) counts money announced before as new: {all} is recorded, but only {new} "
                "of it is new money ({share}%)."
            ),
            NO_AMOUNT: N_("The headline states no amount, so there is nothing to check: {all} is recorded."),
        }[self.verdict]
        text = _(said, **values)
        if self.claim.vague:
            text += " " + _("The headline gives no figure: its words are read as a floor.")
        if self.claim.amounts > 1:
            text += " " + ngettext(
                "The headline states {n} amount: it is checked.",
                "The headline states {n} amounts: the largest is checked.",
                self.claim.amounts,
            )
        return text


def judge(claim: Claim, all_pence: int, new_pence: int) -> Verdict:
    """The claim against all the money recorded and the new money (see the module docstring)."""
    if claim.pence is None:
        return Verdict(claim, all_pence, new_pence, NO_AMOUNT)
    if not fits(claim, all_pence):
        if claim.qualifier == "up to" or (claim.qualifier in ("exact", "about") and all_pence > claim.pence):
            verdict = LESS
        else:
            verdict = MORE
        return Verdict(claim, all_pence, new_pence, verdict)
    counted_earlier = new_pence < all_pence and (claim.qualifier == "up to" or not fits(claim, new_pence))
    return Verdict(claim, all_pence, new_pence, EARLIER_AS_NEW if counted_earlier else ADDS_UP)
