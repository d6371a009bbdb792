"""The projection engine: commitments -> schedule (commitment x FY) -> totals.

Rules (DESIGN.md):

* ``one-off``: the amount falls in ``first_year``.
* ``recurring``: the amount falls in each of ``years`` financial years from
  ``first_year``. With an annual uplift of ``u`` hundredths of a percent, year
  ``k`` (0-based) gets ``amount * (1 + u/10000)**k`` rounded half-up to the
  penny, computed with exact integers, so the schedule is the sum of its years.
  With ``years`` not stated ("£18m a year", end not stated) it counts one
  year: a floor, never extended silently.
* ``profiled``: the explicit amount per financial year.
* ``multi-year``: a total over several years with no yearly split: unphased,
  unless spread on purpose (``tracker.core.spread``), and then *estimated*.
* With no first year stated, the whole of a commitment's money is one
  ``UNPHASED`` row: counted in every total, never placed in a year by guess.
* Every pound is counted once (``tracker.core.counting``): a re-announcement
  adds no money unless its amount changed, money announced before is not new
  money, and a share is taken out of its pot.
* "over" amounts count at their floor, "up to" at their ceiling (the stated
  figure); the qualifier travels with the figures so a screen can say
  "at least".

The engine works on columns (numpy arrays), never a Python loop per
commitment, so it stays fast at a million commitments. Yearly totals use a
difference array: each commitment adds its amount at its first year and takes
it away after its last, and a cumulative sum gives every year's total without
expanding rows. Financial years are held here as their start year (int);
``tracker.core.fiscal`` turns them back into ``FinancialYear`` labels.

This module imports numpy only (pandas where a DataFrame is asked for), so the
``funding-tracker project`` path starts quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tracker.core.columns import CommitmentColumns, columns_from_records
from tracker.core.counting import CountProblem, count
from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import plain_pounds

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "CommitmentColumns",
    "Schedule",
    "columns_from_records",
    "expand",
    "headline_rows",
    "problems_of",
    "schedule_frame",
    "schedule_rows",
    "totals_csv",
    "yearly_committed",
]

_BP = 10_000  # an uplift is held in hundredths of a percent


@dataclass(frozen=True)
class Schedule:
    """One row per (commitment, financial year) with money in it; money with
    no year is one row in ``UNPHASED``.

    ``headline`` is the money as announced; ``committed`` counts every pound
    once (a re-announcement at the same amount counts nothing, a share is taken
    out of its pot); ``new_money`` is the part of ``committed`` not announced
    before; ``estimated`` marks rows placed by a chosen spread.
    """

    row: np.ndarray  # int64 index of the commitment
    year: np.ndarray  # int64 start year, or UNPHASED
    headline: np.ndarray  # int64 pence as announced
    committed: np.ndarray  # int64 pence counted once
    new_money: np.ndarray  # int64 pence not announced before
    estimated: np.ndarray  # bool


def uplifted_amounts(amount: np.ndarray, uplift_bp: np.ndarray, k: np.ndarray) -> np.ndarray:
    """``amount * (1 + bp/10000) ** k`` rounded half-up to the penny, exactly.

    Python integers (object arrays) hold the powers, which outgrow 64 bits
    after a few years; the arithmetic is still element-wise in numpy.
    """
    if len(amount) == 0:
        return np.zeros(0, np.int64)
    a = amount.astype(object)
    num = (uplift_bp + _BP).astype(object) ** k.astype(object)
    den = np.full(len(k), _BP, dtype=object) ** k.astype(object)
    scaled = a * num
    sign = np.where(scaled < 0, -1, 1).astype(object)
    rounded: np.ndarray = sign * ((2 * (sign * scaled) + den) // (2 * den))  # object arithmetic is Any to numpy's stubs
    return rounded.astype(np.int64)


def headline_rows(columns: CommitmentColumns) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(row, year, headline)``: every commitment over its financial years,
    sorted by row then year; a commitment with no year is one ``UNPHASED`` row."""
    rows = np.flatnonzero(~columns.profiled)
    counts = columns.years[rows]
    row = np.repeat(rows, counts)
    k = np.arange(len(row), dtype=np.int64)  # (arrays worked on in place: a million commitments take room)
    k -= np.repeat(np.cumsum(counts) - counts, counts)
    year = columns.start_year[row]
    year += k
    headline = columns.amount[row]
    uplift = (columns.uplift_bp != 0)[row]
    if uplift.any():
        headline[uplift] = uplifted_amounts(headline[uplift], columns.uplift_bp[row][uplift], k[uplift])
    del k

    keep = columns.profiled[columns.profile_row] if len(columns.profile_row) else np.zeros(0, bool)
    if keep.any():  # after the rest: sorted below
        row = np.concatenate([row, columns.profile_row[keep]])
        year = np.concatenate([year, columns.profile_year[keep]])
        headline = np.concatenate([headline, columns.profile_amount[keep]])
    unphased = ~columns.phased[row]
    if unphased.any():
        year[unphased] = UNPHASED
    if keep.any() and not _in_order(row, year):
        order = np.lexsort((year, row))
        row, year, headline = row[order], year[order], headline[order]
    if unphased.any():  # one row per commitment and year: add up each unphased commitment's years
        starts = np.flatnonzero(np.r_[True, (row[1:] != row[:-1]) | (year[1:] != year[:-1])])
        row, year, headline = row[starts], year[starts], np.add.reduceat(headline, starts)
    return row, year, headline


def _in_order(row: np.ndarray, year: np.ndarray) -> bool:
    """Whether the rows are sorted by row, then year (a stable sort would leave them as they are)."""
    later_row = row[1:] > row[:-1]
    return bool(np.all(later_row | ((row[1:] == row[:-1]) & (year[1:] >= year[:-1]))))


def expand(columns: CommitmentColumns) -> Schedule:
    """The schedule: every commitment over its financial years, every pound counted once."""
    row, year, headline = headline_rows(columns)
    committed, new_money, _ = count(columns, row, year, headline)
    return Schedule(
        row=row,
        year=year,
        headline=headline,
        committed=committed,
        new_money=new_money,
        estimated=columns.estimated[row] if len(row) else np.zeros(0, bool),
    )


def yearly_committed(columns: CommitmentColumns) -> tuple[np.ndarray, np.ndarray]:
    """Committed money per financial year: ``(start_years, pence)``.

    Years run from the first to the last with money, ascending, zero-filled;
    money with no year follows in one ``UNPHASED`` row. Plain rows (one
    amount a year from a known year, counted where they stand) never get
    expanded: a difference array over years does it in two exact
    ``bincount`` calls; the rest go through the whole engine.
    """
    if len(columns) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    simple = columns.plain
    if simple.all():  # the usual case: no copies of million-row columns
        starts, years, amounts = columns.start_year, columns.years, columns.amount
    else:
        starts, years, amounts = columns.start_year[simple], columns.years[simple], columns.amount[simple]

    extra_year = extra_money = np.zeros(0, np.int64)
    if not simple.all():
        extra = expand(columns)
        rest = ~simple[extra.row]
        extra_year, extra_money = extra.year[rest], extra.committed[rest]
    unphased = int(extra_money[extra_year == UNPHASED].sum())
    phased_rows = extra_year != UNPHASED
    extra_year, extra_money = extra_year[phased_rows], extra_money[phased_rows]

    bounds: list[int] = []
    if len(starts):
        bounds += [int(starts.min()), int((starts + years).max()) - 1]
    if len(extra_year):
        bounds += [int(extra_year.min()), int(extra_year.max())]
    if bounds:
        low, high = min(bounds), max(bounds)
        # Sum amounts per (first year, number of years): a small grid, from one
        # pass over the rows; then each cell adds its sum over its years.
        span = int(years.max()) + 1 if len(years) else 1
        grid = _exact_bincount((starts - low) * span + years, amounts, (high - low + 1) * span).reshape(-1, span)
        diff = np.zeros(high - low + 2 + span, np.int64)
        first = np.arange(high - low + 1)
        for n in np.flatnonzero(grid.any(axis=0)):
            diff[first] += grid[:, n]
            diff[first + n] -= grid[:, n]
        totals = np.cumsum(diff)[: high - low + 1]
        np.add.at(totals, extra_year - low, extra_money)
        out_years, out_totals = _trim_to_money(np.arange(low, high + 1, dtype=np.int64), totals)
    else:
        out_years, out_totals = np.zeros(0, np.int64), np.zeros(0, np.int64)
    if unphased:
        out_years = np.append(out_years, np.int64(UNPHASED))
        out_totals = np.append(out_totals, np.int64(unphased))
    return out_years, out_totals


_LOW_BITS = 26


def _exact_bincount(index: np.ndarray, pence: np.ndarray, size: int) -> np.ndarray:
    """``np.bincount`` with int64 weights, exactly.

    bincount adds weights as float64, which is exact only below 2**53. Each
    amount is split into its low 26 bits and the rest; each part's sums stay
    far below 2**53 for up to 2**27 rows of amounts below 2**53 pence, so both
    come back exact and recombine in int64. (np.add.at is exact too, but
    several times slower at a million rows.)
    """
    if len(index) > (1 << 27) or (len(pence) and np.abs(pence).max() >= (1 << 53)):
        out = np.zeros(size, np.int64)
        np.add.at(out, index, pence)
        return out
    low = pence & ((1 << _LOW_BITS) - 1)
    high = pence >> _LOW_BITS  # arithmetic shift: negative amounts stay correct
    low_sum = np.bincount(index, weights=low, minlength=size)
    high_sum = np.bincount(index, weights=high, minlength=size)
    return (high_sum.astype(np.int64) << _LOW_BITS) + low_sum.astype(np.int64)


def _trim_to_money(years: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nonzero = np.flatnonzero(totals)
    if len(nonzero) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first, last = nonzero[0], nonzero[-1]
    return years[first : last + 1], totals[first : last + 1]


def totals_csv(years: np.ndarray, committed: np.ndarray) -> str:
    """The Totals CSV of ``funding-tracker project``: ``financial_year,committed``
    (then an ``unphased`` row when some money has no year)."""
    lines = ["financial_year,committed"]
    lines += [f"{fy_label(int(y))},{plain_pounds(int(p))}" for y, p in zip(years, committed)]
    return "\n".join(lines) + "\n"


# --- DataFrame views for the dashboard, queries and exports -----------------


def problems_of(columns: CommitmentColumns) -> list[CountProblem]:
    """The shares that do not fit their pots (empty when all fit)."""
    row, year, headline = headline_rows(columns)
    return count(columns, row, year, headline)[2]


def schedule_frame(
    commitments: pd.DataFrame, profile_lines: pd.DataFrame | None = None, carry: Sequence[str] | None = None
) -> pd.DataFrame:
    """Schedule of a commitments DataFrame as a DataFrame.

    ``commitments`` needs the columns ``columns_from_frame`` reads; its
    columns (only those named in ``carry``, when given) are carried onto
    each schedule row. ``profile_lines`` needs
    ``commitment_id, financial_year, amount_pence`` (a multi-year commitment
    spread on purpose brings its spread here). Returns the commitment's
    columns plus ``financial_year`` (start year, or ``UNPHASED``),
    ``headline_pence``, ``committed_pence``, ``new_money_pence`` (int64) and
    ``estimated`` (bool).
    """
    from tracker.core.frame_columns import columns_from_frame

    return schedule_rows(commitments, expand(columns_from_frame(commitments, profile_lines)), carry)


def schedule_rows(commitments: pd.DataFrame, sched: Schedule, carry: Sequence[str] | None = None) -> pd.DataFrame:
    """``sched`` as ``schedule_frame`` gives it: ``sched.row`` is a row's
    commitment's position in ``commitments``, whose columns (those in
    ``carry``, when given) it carries."""
    import pandas as pd

    base = commitments.reset_index(drop=True)
    out = {name: _take(base[name], sched.row) for name in (base.columns if carry is None else carry)}
    out["financial_year"] = sched.year.astype(np.int64, copy=False)
    out["headline_pence"] = sched.headline.astype(np.int64, copy=False)
    out["committed_pence"] = sched.committed.astype(np.int64, copy=False)
    out["new_money_pence"] = sched.new_money.astype(np.int64, copy=False)
    out["estimated"] = sched.estimated
    return pd.DataFrame(out, copy=False)  # each column taken once, nothing copied again


def _take(column: pd.Series, rows: np.ndarray) -> pd.Series:
    """``column``'s values at ``rows``, its type kept (text in an object
    column stays there, as ``iloc`` keeps it)."""
    import pandas as pd

    return pd.Series(column.array.take(rows), dtype=column.dtype, copy=False)
