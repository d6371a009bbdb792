"""Figures in cash or in real terms: the prices a table is in, and its cells deflated.

``Prices`` says what a figure is in: cash (``CASH``: money as announced and
paid, the default everywhere) or real terms in the prices of a base year by a
named deflator release (``Prices.real(release, base)``). Every real-terms
figure carries its ``Prices``, so what is shown, downloaded or sent says which
release and base year it used (``label``; ``PRICE_COLUMNS`` in files).

``in_prices`` turns a frame of money by financial year into those prices,
cell by cell: each cell is ``pence x index(base) / index(year)``, worked
exactly and rounded half-even to the penny once
(``tracker.core.deflators.scaled``, a year's cells at a time). Totals are then summed from the
rounded cells, so a table adds up; ``variance`` (delivered - committed) is
worked out again from the rounded cells, never deflated on its own. A row
whose money has no year (unphased) has no real-terms value, and neither has
a year the release holds no index for: their cells are blank (``<NA>``) and
their ``prices`` say why (``NO_YEAR``, ``NO_DEFLATOR``). Nothing is deflated
by guess or extrapolated.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from tracker.core import clock
from tracker.core.deflators import Release, ratio, scaled
from tracker.core.fiscal import UNPHASED, FinancialYear, fy_label
from tracker.i18n import N_, _

# What the ``prices`` column says of a row (closed list; data in files, said in the reader's language on screen).
NOMINAL, REAL, NO_DEFLATOR, NO_YEAR = "nominal", "real", "no deflator", "no year"
PRICE_WORDS = {
    NOMINAL: N_("cash"),
    REAL: N_("real terms"),
    NO_DEFLATOR: N_("no deflator"),
    NO_YEAR: N_("no year: unphased money has no real-terms value"),
}
# The columns ``--prices real`` adds at the end of every row of a file.
PRICE_COLUMNS = ("prices", "base_year", "deflator_release")


class PricesRefused(ValueError):
    """Real terms asked for by a release there is none of (``field`` ``release``) or in a base year
    the release has no index for (``field`` ``base``)."""

    def __init__(self, message: str, field: str):
        self.field = field
        super().__init__(message)


@dataclass(frozen=True)
class Prices:
    """Cash (no release), or real terms in ``base``'s prices by ``release``."""

    release: Release | None = None
    base: FinancialYear | None = None

    @classmethod
    def real(cls, release: Release, base: FinancialYear) -> Prices:
        if release.index(base) is None:
            raise PricesRefused(
                _(
                    "{base} is not in the deflator release {release}: expected a base year from {first} to {last}",
                    base=str(base),
                    release=release.name,
                    first=str(release.first),
                    last=str(release.last),
                ),
                "base",
            )
        return cls(release, base)

    @property
    def is_real(self) -> bool:
        return self.release is not None

    def label(self) -> str:
        """What the figures are in, in words: 'cash' or 'real terms, 2019-20 prices (<release>)'."""
        if self.release is None or self.base is None:
            return _("cash (as announced and paid)")
        return _("real terms, {base} prices ({release})", base=str(self.base), release=self.release.name)

    def in_short(self) -> str:
        """'2019-20 prices' (a chart's axis; the release is said beside it); 'cash' in cash."""
        if self.base is None:
            return _("cash")
        return _("{base} prices", base=str(self.base))

    def described(self) -> dict[str, str | None]:
        """What the figures are in, for a JSON answer: ``prices``, ``base_year``, ``deflator_release``."""
        if self.release is None or self.base is None:
            return {"prices": NOMINAL, "base_year": None, "deflator_release": None}
        return {"prices": REAL, "base_year": self.base.label, "deflator_release": self.release.name}

    def status(self, year: int) -> str:
        """What a row of ``year`` (an int start year, or ``UNPHASED``) is in."""
        if self.release is None:
            return NOMINAL
        if year == UNPHASED:
            return NO_YEAR
        return REAL if self.release.index(FinancialYear(int(year))) is not None else NO_DEFLATOR

    def file_cells(self, year: int) -> tuple[str, str, str]:
        """The ``prices,base_year,deflator_release`` of a row of ``year`` (only with real terms)."""
        assert self.release is not None and self.base is not None
        return self.status(year), self.base.label, self.release.name


CASH = Prices()


def default_base(release: Release, today: date) -> FinancialYear:
    """The base year offered first: this financial year when the release has it, else the release's
    nearest year (its last, for a release published before now)."""
    this_year = FinancialYear.from_date(today)
    if release.index(this_year) is not None:
        return this_year
    return release.last if this_year > release.last else release.first


def chosen_prices(engine: Engine, real: bool, base: FinancialYear | None = None, release: str | None = None) -> Prices:
    """The prices asked for: cash, or real terms in ``base``'s prices (None: ``default_base``) by the
    release named ``release`` (None: the default release). Raises ``PricesRefused`` saying why not."""
    if not real:
        return CASH
    from tracker.figures.deflator_releases import release_for
    from tracker.records.problems import ServiceError

    try:
        found = release_for(engine, release)
    except ServiceError as err:
        raise PricesRefused(str(err), "release") from None
    return Prices.real(found, base if base is not None else default_base(found, clock.today()))


def in_prices(frame: pd.DataFrame, prices: Prices, money: list[str], year: str = "financial_year") -> pd.DataFrame:
    """``frame`` with its ``money`` columns (int pence) in ``prices``: in cash, unchanged; in real terms,
    each cell deflated by its row's year and rounded once, the columns nullable (``Int64``), blank where
    there is no real-terms value, and ``variance`` (if among them) delivered - committed of the rounded cells."""
    if not prices.is_real:
        return frame
    assert prices.release is not None and prices.base is not None
    out = frame.copy()
    years = out[year].to_numpy(dtype=np.int64)
    derived = "variance" in money and {"committed", "delivered"} <= set(money)
    deflated = [c for c in money if not (derived and c == "variance")]
    cells = {c: np.zeros(len(out), np.int64) for c in deflated}
    valued = np.zeros(len(out), bool)
    for start in np.unique(years):
        if start == UNPHASED:
            continue
        by = ratio(FinancialYear(int(start)), prices.base, prices.release)
        if by is None:
            continue
        rows = years == start
        valued |= rows
        for column in deflated:
            cells[column][rows] = scaled(out[column].to_numpy(dtype=np.int64)[rows], by)
    for column in deflated:
        out[column] = pd.array(np.where(valued, cells[column], 0), dtype="Int64")
        out.loc[~valued, column] = pd.NA
    if derived:
        out["variance"] = out["delivered"] - out["committed"]
    return out


def without_value(years, prices: Prices) -> dict[str, list[str]]:
    """The labels of ``years`` (start years, or ``UNPHASED``) with no value in ``prices``, by why
    (``NO_DEFLATOR``, ``NO_YEAR``); empty in cash."""
    left: dict[str, list[str]] = {}
    if prices.is_real:
        for year in years:
            status = prices.status(int(year))
            if status != REAL:
                left.setdefault(status, []).append(fy_label(int(year)))
    return left
