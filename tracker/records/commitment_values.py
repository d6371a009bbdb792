"""The values inside a commitment's cells that need more than a money or a
date parser: a choice from a closed list in its common spellings, a number
of years, an annual uplift and a year-by-year profile.

Each parser raises ``ValueError`` with what was expected; the row parser
(``tracker.records.commitment_rows``) turns that into a problem naming the
row and the column.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

from tracker.core import limits
from tracker.core.fiscal import FinancialYear, FiscalError, parse_financial_year
from tracker.core.money import MoneyError, allocate, parse_pence
from tracker.i18n import _

_UPLIFT = re.compile(r"^(-?[0-9]{1,3}(?:\.[0-9]{1,2})?)\s*%?$")
_PERCENT = re.compile(r"^([0-9]{1,3}(?:\.[0-9]{1,2})?)\s*%$")

MAX_YEARS = 50
# A single line above £1 trillion is a typing error, and keeping every amount
# below this keeps sums of a million rows well inside 64-bit integers.
MAX_PENCE = 100_000_000_000_000


def choice(value: str, spellings: dict[str, str]) -> str | None:
    """The closed-list value ``value`` spells (case and runs of spaces aside), or None."""
    key = value.strip().lower()
    found = spellings.get(key)  # the usual case: a spelling as it is (each has single spaces)
    return found if found is not None else spellings.get(_SPACES.sub(" ", key))


_SPACES = re.compile(r"\s+")


def either(values: tuple[str, ...]) -> str:
    """``("a", "b", "c")`` -> ``"a, b or c"``."""
    return f"{', '.join(values[:-1])} or {values[-1]}" if len(values) > 1 else "".join(values)


def parse_uplift_bp(text: str) -> int:
    """``2.5`` or ``2.5%`` -> 250 hundredths of a percent; blank -> 0."""
    cleaned = text.strip()
    if not cleaned:
        return 0
    other_digit = limits.check_digits(cleaned)
    if other_digit:
        raise ValueError(other_digit)
    match = _UPLIFT.match(cleaned)
    if not match:
        raise ValueError(_("expected an annual uplift percentage like 2.5 or 2.5% (at most two decimals)"))
    bp = int(Decimal(match[1]) * 100)
    if not -10000 < bp <= 10000:
        raise ValueError(_("expected an annual uplift between -100% and 100%"))
    return bp


def parse_years(text: str) -> int:
    cleaned = text.strip()
    other_digit = limits.check_digits(cleaned)
    if other_digit:
        raise ValueError(other_digit)
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        value = None
    if value is None or not value.is_finite() or value != value.to_integral_value() or not 1 <= value <= MAX_YEARS:
        raise ValueError(_("expected a whole number of years from 1 to {most}", most=MAX_YEARS))
    return int(value)


def parse_profile(text: str, total_pence: int | None) -> tuple[tuple[FinancialYear, int], ...]:
    """``2020-21=£1m;2021-22=500000`` or shares of the amount: ``2020-21=60%;2021-22=40%``.

    Shares are split exactly with ``money.allocate`` so the years add up to the
    total to the penny.
    """
    parts = [p.strip() for p in re.split(r"[;\n]", text) if p.strip()]
    if not parts:
        raise ValueError(_("expected year=amount pairs like 2020-21=£1m;2021-22=500000"))
    years: list[FinancialYear] = []
    amounts: list[int] = []
    shares: list[int] = []
    for part in parts:
        if "=" not in part:
            raise ValueError(_("{part} is not year=amount (expected e.g. 2020-21=£1m;2021-22=500000)", part=repr(part)))
        fy_text, amount_text = (s.strip() for s in part.split("=", 1))
        try:
            fy = parse_financial_year(fy_text)
        except FiscalError as err:
            raise ValueError(_("{value}: {expected}", value=repr(err.value), expected=_(err.expected))) from None
        if fy in years:
            raise ValueError(_("{year} appears twice in the profile", year=fy))
        years.append(fy)
        share = _PERCENT.match(amount_text)
        if share:
            shares.append(int(Decimal(share[1]) * 100))
        else:
            try:
                amounts.append(parse_pence(amount_text))
            except MoneyError as err:
                raise ValueError(  # names the year and the value
                    _("{year}: {value}: {expected}", year=fy, value=repr(err.value), expected=_(err.expected))
                ) from None
            if amounts[-1] > MAX_PENCE:
                raise ValueError(_("{year}: expected an amount below £1 trillion", year=fy))
    if shares and amounts:
        raise ValueError(_("use either amounts or percentages in a profile, not both"))
    if shares:
        if sum(shares) != 10000:
            raise ValueError(_("profile percentages must add up to 100%"))
        if total_pence is None:
            raise ValueError(_("a profile in percentages needs the total in amount"))
        amounts = allocate(total_pence, shares)
    pairs = sorted(zip(years, amounts))
    return tuple(pairs)
