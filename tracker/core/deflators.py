"""Deflators as data: a named release of index numbers by financial year, and real terms from it.

A release is a CSV ``financial_year,index`` (one row per financial year, the
years contiguous, every index a positive number) with a name that says whose
series and when ("HM Treasury GDP deflators, March 2020"). ``read_release``
checks a whole file and lists every problem by line, column, value and what
was expected; a file with any problem gives no release.

Real terms: ``real_pence(pence, year, base, release)`` is the nominal amount
in the prices of ``base``: pence x index(base) / index(year), worked exactly
(the indices as fractions, the products as Python integers) and rounded
half-even to the penny once; ``scaled`` does a whole column of one year. A year (or base) the release
has no index for gives ``None``: never extrapolated, never guessed.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from fractions import Fraction
from importlib import resources
from types import MappingProxyType

import numpy as np

from tracker.core.fiscal import FinancialYear, FiscalError, fy_range, parse_financial_year
from tracker.i18n import _

SHIPPED_NAME = "HM Treasury GDP deflators, March 2020"
SHIPPED_FILE = "hmt-gdp-deflators-march-2020.csv"
COLUMNS = ("financial_year", "index")


@dataclass(frozen=True)
class ReleaseProblem:
    line: int | None  # the file's own line (the header is line 1); None: the file as a whole
    column: str | None
    value: str | None
    expected: str

    def __str__(self) -> str:
        where = _("file") if self.line is None else _("line {line}", line=self.line)
        said = f" {self.column} {self.value!r}" if self.column and self.value is not None else ""
        return f"{where}:{said} {self.expected}"


class ReleaseRefused(ValueError):
    """A deflator file with problems: none of it is used."""

    def __init__(self, problems: list[ReleaseProblem]):
        self.problems = problems
        super().__init__("; ".join(str(p) for p in problems))


@dataclass(frozen=True)
class Release:
    name: str
    indices: Mapping[FinancialYear, Decimal]

    @property
    def first(self) -> FinancialYear:
        return min(self.indices)

    @property
    def last(self) -> FinancialYear:
        return max(self.indices)

    def index(self, year: FinancialYear) -> Decimal | None:
        return self.indices.get(year)

    def __hash__(self) -> int:  # (a mapping is not hashable: its items are)
        return hash((self.name, tuple(self.indices.items())))


def read_release(text: str, name: str) -> Release:
    """A release from a CSV's text; raises ``ReleaseRefused`` listing every problem."""
    problems: list[ReleaseProblem] = []
    if not name.strip():
        problems.append(
            ReleaseProblem(None, "release", name, _("expected a name for the release, e.g. {name}", name=SHIPPED_NAME))
        )
    reader = csv.reader(io.StringIO(text.lstrip("\ufeff")))
    header = ["_".join(h.strip().lower().split()) for h in next(reader, [])]  # "Financial year" reads too
    if [h for h in header if h] != list(COLUMNS):
        problems.append(ReleaseProblem(1, None, ",".join(header), _("expected the header financial_year,index")))
        raise ReleaseRefused(problems)
    indices: dict[FinancialYear, Decimal] = {}
    first_line: dict[FinancialYear, int] = {}
    for line, row in enumerate(reader, start=2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != 2:
            problems.append(ReleaseProblem(line, None, ",".join(row), _("expected two values: financial_year,index")))
            continue
        year_text, index_text = (cell.strip() for cell in row)
        try:
            year = parse_financial_year(year_text)
        except FiscalError as err:
            problems.append(ReleaseProblem(line, "financial_year", year_text, _(err.expected)))
            continue
        try:
            index = Decimal(index_text)
        except InvalidOperation:
            index = Decimal("NaN")
        if not index.is_finite() or index <= 0:
            problems.append(ReleaseProblem(line, "index", index_text, _("expected a positive number, e.g. 103.924736")))
            continue
        if year in indices:
            problems.append(
                ReleaseProblem(
                    line, "financial_year", year_text, _("is given twice (first on line {line})", line=first_line[year])
                )
            )
            continue
        indices[year] = index
        first_line[year] = line
    if not indices and not problems:
        problems.append(ReleaseProblem(None, None, None, _("expected at least one financial year with its index")))
    if indices:
        missing = [y.label for y in fy_range(min(indices), max(indices)) if y not in indices]
        if missing:
            problems.append(
                ReleaseProblem(None, "financial_year", ", ".join(missing), _("missing: the years must be contiguous"))
            )
    if problems:
        raise ReleaseRefused(problems)
    return Release(name.strip(), MappingProxyType(dict(sorted(indices.items()))))


def shipped() -> Release:
    """The release shipped with the tracker (its source in ``data/deflators/README.md``)."""
    text = resources.files("tracker.core").joinpath("data", "deflators", SHIPPED_FILE).read_text(encoding="utf-8")
    return read_release(text, SHIPPED_NAME)


def ratio(year: FinancialYear, base: FinancialYear, release: Release) -> Fraction | None:
    """index(base) / index(year), exactly; None when the release has no index for either year."""
    index, base_index = release.index(year), release.index(base)
    if index is None or base_index is None:
        return None
    return Fraction(base_index) / Fraction(index)


def scaled(pence: np.ndarray, by: Fraction) -> np.ndarray:
    """Each of ``pence`` (int64) times ``by``, rounded half-even to the penny once: exact integer arithmetic
    (Python's integers, so no product overflows), a column at a time."""
    values = np.asarray(pence, dtype=np.int64)
    largest = int(np.abs(values).max()) if len(values) else 0
    # In int64 when no product can overflow (the usual case: quick); else as Python's integers (exact, slower).
    fits = largest * max(by.numerator, by.denominator) * 2 < 2**63
    exact = values * by.numerator if fits else values.astype(object) * by.numerator
    quotient = exact // by.denominator  # floor division: 0 <= remainder < denominator
    twice = (exact - quotient * by.denominator) * 2
    up = (twice > by.denominator) | ((twice == by.denominator) & (quotient % 2 == 1))
    rounded: np.ndarray = (quotient + up.astype(np.int64)).astype(np.int64)
    return rounded


def real_pence(pence: int, year: FinancialYear, base: FinancialYear, release: Release) -> int | None:
    """``pence`` spent in ``year`` in the prices of ``base``: pence x index(base) / index(year), rounded
    half-even to the penny once; None when the release has no index for either year."""
    by = ratio(year, base, release)
    if by is None:
        return None
    return int(scaled(np.array([int(pence)], dtype=np.int64), by)[0])
