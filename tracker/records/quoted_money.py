"""The amounts an announcement's quoted words state, and the check of a
recurring amount against them.

"£2m over two years" typed as recurring, £2m a year for 2 years, is £4m: the
money doubled by a slip of the Kind. Before saving, the Record page's
preview compares each recurring commitment's total (its amount times its
years, with any uplift) with the amounts the quote states, and warns when the
quote states a total that is not it. Only a warning: a quote may state other
money than this commitment's, and the person recording knows which.

An amount in a quote is ``£`` followed by what ``tracker.core.money.parse_pence``
reads (``£2m``, ``£2 million``, ``£1,500,000``, ``£500k``). An amount followed
by "a year", "per year", "each year", "every year", "per annum", "annually" or
"yearly" (or after "annual" or "a year of") is stated per year; the others are
totals.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from tracker.core.money import MoneyError, format_pounds, parse_pence
from tracker.i18n import ngettext
from tracker.records.commitment_rows import CommitmentRecord
from tracker.records.inputs import AnnouncementInput, validate_announcement

_AMOUNT = re.compile(
    r"£\s?(?:[0-9]{1,3}(?:,[0-9]{3})+|[0-9]+)(?:\.[0-9]+)?(?:\s?(?:k|m|million|bn|billion)\b)?",
    re.IGNORECASE,
)
_PER_YEAR_AFTER = re.compile(
    r"\s*(?:(?:a|per|each|every)[\s-]+(?:year|annum)|annually|yearly|p\.?a\.?(?![a-z]))",
    re.IGNORECASE,
)
_PER_YEAR_BEFORE = re.compile(r"\b(?:annual|annually|yearly|a year of|per year of)\s*$", re.IGNORECASE)


@dataclass(frozen=True)
class Stated:
    """An amount a quote states: ``pence``, and whether it is said to be paid each year."""

    pence: int
    per_year: bool


def amounts_stated(quote: str | None) -> list[Stated]:
    """Every amount of money in ``quote``, in order (``£`` amounts only: a
    bare number may be a year or a count)."""
    found = []
    for match in _AMOUNT.finditer(quote or ""):
        try:
            pence = parse_pence(match.group())
        except MoneyError:
            continue
        per_year = bool(_PER_YEAR_AFTER.match(quote or "", match.end())) or bool(
            _PER_YEAR_BEFORE.search((quote or "")[max(0, match.start() - 20) : match.start()])
        )
        found.append(Stated(pence, per_year))
    return found


def _percent(basis_points: int) -> str:
    return f"{(Decimal(basis_points) / 100).normalize():f}%"


def recurring_total_warning(quote: str | None, rec: CommitmentRecord) -> str | None:
    """A warning when ``rec`` is recurring over two or more years and its total
    is none of the totals ``quote`` states (None when the quote states its
    total, or states its amount as a yearly one, or states no total at all)."""
    if rec.kind != "recurring" or not rec.years or rec.years < 2:
        return None
    stated = amounts_stated(quote)
    total = rec.total_pence
    if any(s.pence == total for s in stated) or any(s.per_year and s.pence == rec.amount_pence for s in stated):
        return None
    totals = [s.pence for s in stated if not s.per_year]
    if not totals:
        return None
    said = rec.amount_pence if rec.amount_pence in totals else totals[0]
    values = {
        "said": format_pounds(said),
        "amount": format_pounds(rec.amount_pence),
        "uplift": _percent(rec.uplift_bp),
        "total": format_pounds(total),
    }
    # Whole sentences: by whether the quote's figure is the yearly amount typed (then the question is
    # whether a multi-year amount was meant), and whether the amount rises each year.
    if said == rec.amount_pence and not rec.uplift_bp:
        return ngettext(
            "The quote states {said}; {amount} a year for {n} year is {total}. Did you mean a multi-year amount?",
            "The quote states {said}; {amount} a year for {n} years is {total}. Did you mean a multi-year amount?",
            rec.years,
            **values,
        )
    if said == rec.amount_pence:
        return ngettext(
            "The quote states {said}; {amount} a year for {n} year, rising {uplift} a year, is {total}. "
            "Did you mean a multi-year amount?",
            "The quote states {said}; {amount} a year for {n} years, rising {uplift} a year, is {total}. "
            "Did you mean a multi-year amount?",
            rec.years,
            **values,
        )
    if not rec.uplift_bp:
        return ngettext(
            "The quote states {said}; {amount} a year for {n} year is {total}. "
            "Check the amount and the years against the quote.",
            "The quote states {said}; {amount} a year for {n} years is {total}. "
            "Check the amount and the years against the quote.",
            rec.years,
            **values,
        )
    return ngettext(
        "The quote states {said}; {amount} a year for {n} year, rising {uplift} a year, is {total}. "
        "Check the amount and the years against the quote.",
        "The quote states {said}; {amount} a year for {n} years, rising {uplift} a year, is {total}. "
        "Check the amount and the years against the quote.",
        rec.years,
        **values,
    )


def quote_warnings(inp: AnnouncementInput) -> dict[str, str]:
    """For each valid commitment of ``inp`` (by ref) whose recurring total the
    announcement's quote does not state: what to check (``recurring_total_warning``)."""
    _fields, records, _problems = validate_announcement(inp)
    warnings = {rec.ref: recurring_total_warning(inp.quote, rec) for _i, rec in records}
    return {ref: warning for ref, warning in warnings.items() if warning}
