"""A commitment's money in words, the one way every page, preview and export says it.

``£500,000 a year for 3 years from 2020-21``, ``£18,000,000 a year, end not
stated``, ``£585,000,000 over 3 years, no yearly split (unphased)``,
``over £1,000,000, year not stated``. Figures are given already formatted, so
this module knows no money type and no table.
"""

from __future__ import annotations

from tracker.core.vocabulary import SPREAD_LABELS
from tracker.i18n import _


def changed(what: str, before: str, after: str) -> str:
    """One change in words, the one way the audit trail, an import's preview,
    the review's list of changes and a revision say it: ``Amount changed from
    £1,000,000 to £1,200,000``. ``what`` is the field as people call it; the
    values are already written as people read them (all three in the
    language in use)."""
    return _("{what} changed from {before} to {after}", what=what[:1].upper() + what[1:], before=before, after=after)


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
    ``uplift`` a percentage text ("2.5%") or blank."""
    start = f" from {first_year}" if first_year else ", first year not stated"
    if kind == "recurring":
        rising = f", rising {uplift} a year" if uplift else ""
        if years is None:
            return f"{amount} a year, end not stated" + (
                f", from {first_year}" if first_year else ", first year not stated"
            )
        if years == 1 and first_year:
            return f"{amount} in {first_year}"
        return f"{amount} a year for {years} year{'s' if years != 1 else ''}{start}{rising}"
    if kind == "profiled":
        if first_year and last_year and last_year != first_year:
            return f"{amount} in all, profiled by year from {first_year} to {last_year}"
        return f"{amount} in all, profiled by year"
    if kind == "multi-year":
        period = f" over {years} year{'s' if years != 1 else ''}" if years else " over several years"
        if spread != "none":
            return f"{amount}{period}{start}, spread {SPREAD_LABELS[spread].split(' (')[0].lower()} (estimated)"
        return f"{amount}{period}{start}, no yearly split (unphased)"
    return f"{amount} in {first_year}" if first_year else f"{amount}, year not stated (unphased)"
