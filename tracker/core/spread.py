"""Spreading a multi-year total over its years on purpose: an estimate.

"£585m over three years" states no yearly split, so by default the money is
unphased. Someone may choose to spread it, and then every figure it gives is
marked *estimated*:

* ``even``: the same share in each of ``years`` financial years from the
  first year;
* ``planned-dates``: pro rata by the days of each financial year that fall
  between ``planned_start`` and ``planned_end`` (both included).

Both split the total exactly (``money.allocate``), so the years add up to
the total to the penny.
"""

from __future__ import annotations

from datetime import date

from tracker.core.fiscal import FinancialYear
from tracker.core.money import allocate
from tracker.core.vocabulary import SPREADS
from tracker.i18n import _

__all__ = ["SPREADS", "SpreadError", "spread"]


class SpreadError(ValueError):
    """A spread that cannot be worked out from what is recorded; ``str(err)`` says why, in the language in use."""


def even(total: int, first_year: FinancialYear, years: int) -> list[tuple[FinancialYear, int]]:
    parts = allocate(total, [1] * years)
    return [(first_year + k, part) for k, part in enumerate(parts)]


def by_days(total: int, start: date, end: date) -> list[tuple[FinancialYear, int]]:
    """Pro rata by the days of each financial year between ``start`` and ``end``."""
    if end < start:
        raise SpreadError(_("the planned end is before the planned start"))
    first, last = FinancialYear.from_date(start), FinancialYear.from_date(end)
    years = [first + k for k in range(last - first + 1)]
    days = [(min(end, fy.last_day) - max(start, fy.start)).days + 1 for fy in years]
    return list(zip(years, allocate(total, days)))


def spread(
    how: str,
    total: int,
    *,
    first_year: FinancialYear | None,
    years: int | None,
    planned_start: date | None,
    planned_end: date | None,
) -> list[tuple[FinancialYear, int]]:
    """The estimated schedule of a multi-year total; ``[]`` for ``none``."""
    if how == "none":
        return []
    if how == "even":
        start = first_year or (FinancialYear.from_date(planned_start) if planned_start else None)
        if start is None or years is None:
            raise SpreadError(_("an even spread needs the first year (or planned start) and the number of years"))
        return even(total, start, years)
    if how == "planned-dates":
        if planned_start is None or planned_end is None:
            raise SpreadError(_("a spread by planned dates needs planned_start and planned_end"))
        return by_days(total, planned_start, planned_end)
    raise SpreadError(_("unknown spread {spread}", spread=repr(how)))
