"""UK financial years and the dates people type.

A UK public-sector financial year runs from 1 April to 31 March. It is a type,
not an int: ``FinancialYear(2020)`` is labelled ``2020-21`` and covers the
period [2020-04-01, 2021-04-01), start inclusive and end exclusive, so
31 March 2021 is in 2020-21 and 1 April 2021 is in 2021-22.

"Next financial year" is resolved from the date it was said: on 2019-10-31
(in 2019-20) it means 2020-21.

Dates are ISO (``2019-10-31``) or day-first (``31/10/2019``), as written in the
UK: ``10/09/2019`` is 10 September. A date that does not exist (31/02/2020) is
refused, never rolled over. Years and dates are written with the digits 0-9:
other scripts' digits are refused, never converted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from typing import overload

from tracker.core.limits import check_digits
from tracker.i18n import N_, _

FY_EXAMPLES = "a financial year like 2020-21, 2020/21, 2020-2021 or FY2020-21"
DATE_EXAMPLES = "a date like 2019-10-31 or 31/10/2019"
# What is said of text that is not a financial year or a date (forms say it their own way).
# Compared (dashboard.error_sentences): kept English, marked for the catalogue, translated where shown.
NOT_A_YEAR = N_("expected a financial year like 2020-21, 2020/21, 2020-2021 or FY2020-21")  # "expected " + FY_EXAMPLES
NOT_A_DATE = N_("expected a date like 2019-10-31 or 31/10/2019")  # "expected " + DATE_EXAMPLES
NO_SUCH_DATE = N_("no such date (expected a date like 2019-10-31 or 31/10/2019)")  # "no such date (" + NOT_A_DATE + ")"
NEEDS_THE_DATE = N_("needs the date it was said to know which year it means")

# [0-9], not \d: \d also matches other scripts' digits, which int() would read.
_FY = re.compile(r"^(?:FY\s*)?([0-9]{4})\s*[-/\u2013]\s*([0-9]{2}|[0-9]{4})$", re.IGNORECASE)
_RELATIVE = re.compile(r"^(this|current|next|last|previous)\s+(?:financial|fiscal)\s+year$", re.IGNORECASE)
_ISO = re.compile(r"^([0-9]{4})-([0-9]{1,2})-([0-9]{1,2})$")
_DAY_FIRST = re.compile(r"^([0-9]{1,2})[/.]([0-9]{1,2})[/.]([0-9]{4})$")


class FiscalError(ValueError):
    """Text that is not a financial year or date we can read unambiguously."""

    def __init__(self, value: object, expected: str):
        self.value = value
        self.expected = expected
        super().__init__(f"{value!r}: {expected}")


@dataclass(frozen=True, order=True, slots=True)
class FinancialYear:
    """The UK financial year starting on 1 April of ``start_year``."""

    start_year: int

    def __post_init__(self) -> None:
        if isinstance(self.start_year, bool) or not isinstance(self.start_year, int):
            raise TypeError(f"start_year must be an int, got {self.start_year!r}")
        if not 1900 <= self.start_year <= 2999:
            raise FiscalError(self.start_year, N_("expected a financial year starting between 1900 and 2999"))

    @property
    def label(self) -> str:
        return f"{self.start_year}-{(self.start_year + 1) % 100:02d}"

    def __str__(self) -> str:
        return self.label

    def __repr__(self) -> str:
        return f"FinancialYear({self.start_year})"

    @property
    def start(self) -> date:
        """1 April: the first day, inclusive."""
        return date(self.start_year, 4, 1)

    @property
    def end(self) -> date:
        """1 April of the next year: exclusive."""
        return date(self.start_year + 1, 4, 1)

    @property
    def last_day(self) -> date:
        return date(self.start_year + 1, 3, 31)

    def __contains__(self, day: date) -> bool:
        return self.start <= day < self.end

    def __add__(self, years: int) -> FinancialYear:
        return FinancialYear(self.start_year + int(years))

    @overload
    def __sub__(self, other: FinancialYear) -> int: ...
    @overload
    def __sub__(self, other: int) -> FinancialYear: ...
    def __sub__(self, other: int | FinancialYear) -> int | FinancialYear:
        """Years between two financial years, or the year ``other`` years earlier."""
        if isinstance(other, FinancialYear):
            return self.start_year - other.start_year
        return FinancialYear(self.start_year - int(other))

    @classmethod
    def from_date(cls, day: date) -> FinancialYear:
        return cls(fy_start_year(day))

    @classmethod
    def next_after(cls, day: date) -> FinancialYear:
        """The financial year after the one ``day`` falls in."""
        return cls.from_date(day) + 1

    @classmethod
    def parse(cls, text: str, *, relative_to: date | None = None) -> FinancialYear:
        return parse_financial_year(text, relative_to=relative_to)


def fy_start_year(day: date) -> int:
    """The start year of the financial year containing ``day``."""
    return day.year if day.month >= 4 else day.year - 1


def parse_financial_year(text: str, *, relative_to: date | None = None) -> FinancialYear:
    """Read ``2020-21``, ``2020/21``, ``2020-2021`` or ``FY2020-21``.

    With ``relative_to`` (the announcement date), ``this financial year`` and
    ``next financial year`` are also understood.
    """
    if isinstance(text, FinancialYear):
        return text
    cleaned = str(text).strip()
    other_digit = check_digits(cleaned)
    if other_digit:
        raise FiscalError(cleaned, other_digit)
    match = _FY.match(cleaned)
    if match:
        start = int(match[1])
        end_text = match[2]
        expected_end = start + 1
        end_ok = (int(end_text) == expected_end % 100) if len(end_text) == 2 else int(end_text) == expected_end
        if not end_ok:
            example = FinancialYear(start).label if 1900 <= start <= 2999 else "2020-21"
            raise FiscalError(
                cleaned, _("a financial year spans two consecutive years, e.g. {example}", example=example)
            )
        try:
            return FinancialYear(start)
        except FiscalError:
            raise FiscalError(cleaned, NOT_A_YEAR) from None
    relative = _RELATIVE.match(cleaned)
    if relative:
        if relative_to is None:
            raise FiscalError(cleaned, NEEDS_THE_DATE)
        current = FinancialYear.from_date(relative_to)
        word = relative[1].lower()
        if word in ("this", "current"):
            return current
        if word == "next":
            return current + 1
        return current - 1
    raise FiscalError(cleaned, NOT_A_YEAR)


def parse_date(text: str) -> date:
    """Read an ISO or UK day-first date; refuse dates that do not exist."""
    if isinstance(text, datetime):
        return text.date()
    if isinstance(text, date):
        return text
    cleaned = str(text).strip()
    other_digit = check_digits(cleaned)
    if other_digit:
        raise FiscalError(cleaned, other_digit)
    iso = _ISO.match(cleaned)
    day_first = _DAY_FIRST.match(cleaned)
    if iso:
        year, month, day = int(iso[1]), int(iso[2]), int(iso[3])
    elif day_first:
        day, month, year = int(day_first[1]), int(day_first[2]), int(day_first[3])
    else:
        raise FiscalError(cleaned, NOT_A_DATE)
    try:
        return date(year, month, day)
    except ValueError:
        raise FiscalError(cleaned, NO_SUCH_DATE) from None


def fy_range(first: FinancialYear, last: FinancialYear) -> list[FinancialYear]:
    """Every financial year from ``first`` to ``last`` inclusive."""
    return [FinancialYear(y) for y in range(first.start_year, last.start_year + 1)]


# Money whose financial year is not known ("£585m over three years", no split;
# "£500,000 a year", no start) sits in vectorised tables under this start
# year: after every real year, so it sorts last. It is never a FinancialYear.
UNPHASED = 10_000
UNPHASED_LABEL = "unphased"


def fy_label(start_year: int) -> str:
    """Label for a start year held as a plain int in a vectorised table
    (``unphased`` for money with no year)."""
    if start_year == UNPHASED:
        return UNPHASED_LABEL
    return f"{start_year}-{(start_year + 1) % 100:02d}"
