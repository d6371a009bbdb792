"""A commitment's money in words, the one way every page, preview and export says it.

``£500,000 a year for 3 years from 2020-21``, ``£18,000,000 a year, end not
stated``, ``£585,000,000 over 3 years, no yearly split (unphased)``,
``over £1,000,000, year not stated``. Figures are given already formatted, so
this module knows no money type and no table.
"""

from __future__ import annotations

from tracker.core.vocabulary import SPREAD_LABELS
from tracker.i18n import _, ngettext


def changed(what: str, before: str, after: str) -> str:
    """One change in words, the one way the audit trail, an import's preview,
    the review's list of changes and a revision say it: ``Amount changed from
    £1,000,000 to £1,200,000``. ``what`` is the field as people call it; the
    values are already written as people read them (all three in the
    language in use)."""
    return _("{what} changed from {before} to {after}", what=what[:1].upper() + what[1:], before=before, after=after)


def _recurring(amount: str, first_year: str | None, years: int | None, uplift: str) -> str:
    if years is None:
        if first_year:
            return _("{amount} a year, end not stated, from {first_year}", amount=amount, first_year=first_year)
        return _("{amount} a year, end not stated, first year not stated", amount=amount)
    if years == 1 and first_year:
        return _("{amount} in {first_year}", amount=amount, first_year=first_year)
    if first_year and uplift:
        return ngettext(
            "{amount} a year for {n} year from {first_year}, rising {uplift} a year",
            "{amount} a year for {n} years from {first_year}, rising {uplift} a year",
            years,
            amount=amount,
            first_year=first_year,
            uplift=uplift,
        )
    if first_year:
        return ngettext(
            "{amount} a year for {n} year from {first_year}",
            "{amount} a year for {n} years from {first_year}",
            years,
            amount=amount,
            first_year=first_year,
        )
    if uplift:
        return ngettext(
            "{amount} a year for {n} year, first year not stated, rising {uplift} a year",
            "{amount} a year for {n} years, first year not stated, rising {uplift} a year",
            years,
            amount=amount,
            uplift=uplift,
        )
    return ngettext(
        "{amount} a year for {n} year, first year not stated",
        "{amount} a year for {n} years, first year not stated",
        years,
        amount=amount,
    )


def _over_years(amount: str, first_year: str | None, years: int | None) -> str:
    """A multi-year total's period and start: ``£3,000,000 over 3 years from 2020-21``."""
    if years and first_year:
        return ngettext(
            "{amount} over {n} year from {first_year}",
            "{amount} over {n} years from {first_year}",
            years,
            amount=amount,
            first_year=first_year,
        )
    if years:
        return ngettext(
            "{amount} over {n} year, first year not stated",
            "{amount} over {n} years, first year not stated",
            years,
            amount=amount,
        )
    if first_year:
        return _("{amount} over several years from {first_year}", amount=amount, first_year=first_year)
    return _("{amount} over several years, first year not stated", amount=amount)


def _split(spread: str) -> str:
    """How a multi-year total falls in years, a clause of its own."""
    if spread == "even":
        return _("spread evenly over its years (estimated)")
    if spread == "planned-dates":
        return _("spread by its planned dates (estimated)")
    if spread != "none":  # a spread added to the vocabulary and not yet said here: its label
        return _("spread {how} (estimated)", how=SPREAD_LABELS[spread].split(" (")[0].lower())
    return _("no yearly split (unphased)")


def terms_phrase(
    amount: str,
    kind: str,
    first_year: str | None,
    years: int | None,
    *,
    uplift: str = "",
    spread: str = "none",
    last_year: str | None = None,
) -> str:
    """``amount`` is already formatted and qualified ("over £1,000,000");
    ``uplift`` a percentage text ("2.5%") or blank. In the language in use."""
    if kind == "recurring":
        return _recurring(amount, first_year, years, uplift)
    if kind == "profiled":
        if first_year and last_year and last_year != first_year:
            return _(
                "{amount} in all, profiled by year from {first_year} to {last_year}",
                amount=amount,
                first_year=first_year,
                last_year=last_year,
            )
        return _("{amount} in all, profiled by year", amount=amount)
    if kind == "multi-year":
        # Translators: a multi-year total, then how it falls in years:
        # "£3,000,000 over 3 years from 2020-21, no yearly split (unphased)".
        return _("{terms}, {split}", terms=_over_years(amount, first_year, years), split=_split(spread))
    if first_year:
        return _("{amount} in {first_year}", amount=amount, first_year=first_year)
    return _("{amount}, year not stated (unphased)", amount=amount)
