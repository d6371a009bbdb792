"""The projection engine: commitments -> schedule (commitment x FY) -> totals.

Rules (DESIGN.md):

* ``one-off``: the amount falls in ``first_year``.
* ``recurring``: the amount falls in each of ``years`` financial years from
  ``first_year``. With an annual uplift of ``u`` hundredths of a percent, year
  ``k`` (0-based) gets ``amount * (1 + u/10000)**k`` rounded half-up to the
  penny, computed with exact integers, so the schedule is the sum of its years.
* ``profiled``: the explicit amount per financial year.
* A commitment that re-announces an earlier one adds no new money: its
  schedule shows the *headline* amount, and its *new money* is zero, so money
  is counted once however often it is announced.
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
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import ArrayLike

from tracker.core.fiscal import fy_label
from tracker.core.money import plain_pounds

if TYPE_CHECKING:
    import pandas as pd

    from tracker.core.fiscal import FinancialYear

_BP = 10_000  # an uplift is held in hundredths of a percent


@dataclass(frozen=True)
class CommitmentColumns:
    """Commitments as parallel columns: row i is one commitment.

    ``amount`` is the per-year amount for recurring rows and the total for
    one-off rows; profiled rows take their money from the ``profile_*``
    columns instead (``profile_row`` indexes the commitment).
    """

    start_year: np.ndarray  # int64: first financial year's start year
    years: np.ndarray  # int64 >= 1
    amount: np.ndarray  # int64 pence
    uplift_bp: np.ndarray  # int64, 0 for none
    is_new: np.ndarray  # bool: False when the row re-announces earlier money
    profiled: np.ndarray  # bool
    profile_row: np.ndarray  # int64 index into the rows above
    profile_year: np.ndarray  # int64 start year
    profile_amount: np.ndarray  # int64 pence

    def __len__(self) -> int:
        return len(self.start_year)

    @classmethod
    def build(
        cls,
        start_year: ArrayLike,
        years: ArrayLike,
        amount: ArrayLike,
        uplift_bp: ArrayLike | None = None,
        is_new: ArrayLike | None = None,
        profiled: ArrayLike | None = None,
        profile_row: ArrayLike = (),
        profile_year: ArrayLike = (),
        profile_amount: ArrayLike = (),
    ) -> CommitmentColumns:
        start_years = np.asarray(start_year, dtype=np.int64)
        n = len(start_years)
        return cls(
            start_year=start_years,
            years=np.asarray(years, dtype=np.int64),
            amount=_as_pence_array(amount),
            uplift_bp=np.zeros(n, np.int64) if uplift_bp is None else np.asarray(uplift_bp, dtype=np.int64),
            is_new=np.ones(n, bool) if is_new is None else np.asarray(is_new, dtype=bool),
            profiled=np.zeros(n, bool) if profiled is None else np.asarray(profiled, dtype=bool),
            profile_row=np.asarray(profile_row, dtype=np.int64),
            profile_year=np.asarray(profile_year, dtype=np.int64),
            profile_amount=_as_pence_array(profile_amount),
        )


def _as_pence_array(values: ArrayLike) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, np.int64)
    if array.dtype.kind == "f":
        raise TypeError("money must be integer pence, not float")
    return array.astype(np.int64)


@dataclass(frozen=True)
class Schedule:
    """One row per (commitment, financial year) with money in it."""

    row: np.ndarray  # int64 index of the commitment
    year: np.ndarray  # int64 start year
    headline: np.ndarray  # int64 pence as announced
    new_money: np.ndarray  # int64 pence counted once (0 for re-announcements)


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


def expand(columns: CommitmentColumns) -> Schedule:
    """The schedule: every commitment spread over its financial years."""
    plain = ~columns.profiled
    rows = np.flatnonzero(plain)
    counts = columns.years[rows]
    row = np.repeat(rows, counts)
    offsets = np.cumsum(counts) - counts
    k = np.arange(len(row), dtype=np.int64) - np.repeat(offsets, counts)
    year = columns.start_year[row] + k
    headline = columns.amount[row].copy()
    uplift = columns.uplift_bp[row] != 0
    if uplift.any():
        headline[uplift] = uplifted_amounts(headline[uplift], columns.uplift_bp[row][uplift], k[uplift])

    keep = columns.profiled[columns.profile_row] if len(columns.profile_row) else np.zeros(0, bool)
    row = np.concatenate([row, columns.profile_row[keep]])
    year = np.concatenate([year, columns.profile_year[keep]])
    headline = np.concatenate([headline, columns.profile_amount[keep]])
    order = np.lexsort((year, row))
    row, year, headline = row[order], year[order], headline[order]
    new_money = np.where(columns.is_new[row], headline, 0)
    return Schedule(row=row, year=year, headline=headline, new_money=new_money)


def yearly_new_money(columns: CommitmentColumns) -> tuple[np.ndarray, np.ndarray]:
    """Committed new money per financial year: ``(start_years, pence)``.

    Years run from the first to the last with money, ascending, zero-filled.
    Plain rows (no uplift, not profiled) never get expanded: a difference
    array over years does it in two exact ``bincount`` calls.
    """
    if len(columns) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    simple = columns.is_new & ~columns.profiled & (columns.uplift_bp == 0)
    other = columns.is_new & ~simple
    if simple.all():  # the usual case: no copies of million-row columns
        starts, years, amounts = columns.start_year, columns.years, columns.amount
    else:
        starts, years, amounts = columns.start_year[simple], columns.years[simple], columns.amount[simple]

    bounds: list[int] = []
    if len(starts):
        bounds += [int(starts.min()), int((starts + years).max()) - 1]
    extra = None
    if other.any():
        extra = expand(_subset(columns, other))
        if len(extra.year):
            bounds += [int(extra.year.min()), int(extra.year.max())]
    if not bounds:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
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
    if extra is not None:
        np.add.at(totals, extra.year - low, extra.new_money)
    return _trim_to_money(np.arange(low, high + 1, dtype=np.int64), totals)


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


def _subset(columns: CommitmentColumns, mask: np.ndarray) -> CommitmentColumns:
    index = np.flatnonzero(mask)
    new_position = np.full(len(columns), -1, np.int64)
    new_position[index] = np.arange(len(index))
    keep = mask[columns.profile_row] if len(columns.profile_row) else np.zeros(0, bool)
    return CommitmentColumns(
        start_year=columns.start_year[index],
        years=columns.years[index],
        amount=columns.amount[index],
        uplift_bp=columns.uplift_bp[index],
        is_new=columns.is_new[index],
        profiled=columns.profiled[index],
        profile_row=new_position[columns.profile_row[keep]],
        profile_year=columns.profile_year[keep],
        profile_amount=columns.profile_amount[keep],
    )


def _trim_to_money(years: np.ndarray, totals: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    nonzero = np.flatnonzero(totals)
    if len(nonzero) == 0:
        return np.zeros(0, np.int64), np.zeros(0, np.int64)
    first, last = nonzero[0], nonzero[-1]
    return years[first : last + 1], totals[first : last + 1]


def totals_csv(years: np.ndarray, committed: np.ndarray) -> str:
    """The Totals CSV of ``funding-tracker project``: ``financial_year,committed``."""
    lines = ["financial_year,committed"]
    lines += [f"{fy_label(int(y))},{plain_pounds(int(p))}" for y, p in zip(years, committed)]
    return "\n".join(lines) + "\n"


# --- DataFrame views for the dashboard, queries and exports -----------------


def schedule_frame(commitments: pd.DataFrame, profile_lines: pd.DataFrame | None = None) -> pd.DataFrame:
    """Schedule of a commitments DataFrame as a DataFrame.

    ``commitments`` needs ``commitment_id, kind, amount_pence, first_year``
    (start year int), ``years``, ``uplift_bp``, ``reannounces_id``; extra
    columns are carried onto each schedule row. ``profile_lines`` needs
    ``commitment_id, financial_year, amount_pence``. Returns the commitment's
    columns plus ``financial_year`` (start year), ``headline_pence`` and
    ``new_money_pence`` (int64).
    """
    columns = columns_from_frame(commitments, profile_lines)
    sched = expand(columns)
    base = commitments.reset_index(drop=True)
    out = base.iloc[sched.row].reset_index(drop=True)
    out["financial_year"] = sched.year
    out["headline_pence"] = sched.headline
    out["new_money_pence"] = sched.new_money
    return out.astype({"financial_year": "int64", "headline_pence": "int64", "new_money_pence": "int64"})


def columns_from_frame(commitments: pd.DataFrame, profile_lines: pd.DataFrame | None = None) -> CommitmentColumns:
    """Columns for the engine from a commitments DataFrame (see ``schedule_frame``)."""
    frame = commitments.reset_index(drop=True)
    ids = frame["commitment_id"].to_numpy()
    profiled = (frame["kind"] == "profiled").to_numpy(dtype=bool)
    is_new = frame["reannounces_id"].isna().to_numpy(dtype=bool)
    profile_row = profile_year = profile_amount = np.zeros(0, np.int64)
    if profile_lines is not None and len(profile_lines):
        position = {cid: i for i, cid in enumerate(ids)}
        lines = profile_lines[profile_lines["commitment_id"].isin(position)]
        profile_row = lines["commitment_id"].map(position).to_numpy(dtype=np.int64)
        profile_year = lines["financial_year"].to_numpy(dtype=np.int64)
        profile_amount = lines["amount_pence"].to_numpy(dtype=np.int64)
    return CommitmentColumns.build(
        start_year=frame["first_year"].to_numpy(dtype=np.int64),
        years=frame["years"].to_numpy(dtype=np.int64),
        amount=frame["amount_pence"].to_numpy(dtype=np.int64),
        uplift_bp=frame["uplift_bp"].to_numpy(dtype=np.int64),
        is_new=is_new,
        profiled=profiled,
        profile_row=profile_row,
        profile_year=profile_year,
        profile_amount=profile_amount,
    )


class CommitmentLike(Protocol):
    """What the engine reads of a validated commitment (``CommitmentRecord`` has it)."""

    @property
    def first_year(self) -> FinancialYear: ...
    @property
    def years(self) -> int: ...
    @property
    def amount_pence(self) -> int: ...
    @property
    def uplift_bp(self) -> int: ...
    @property
    def reannounces(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def profile(self) -> Sequence[tuple[FinancialYear, int]]: ...


def columns_from_records(records: Sequence[CommitmentLike]) -> CommitmentColumns:
    """Engine columns from validated ``CommitmentRecord`` objects."""
    n = len(records)
    start = np.fromiter((r.first_year.start_year for r in records), np.int64, n)
    years = np.fromiter((r.years for r in records), np.int64, n)
    amount = np.fromiter((r.amount_pence for r in records), np.int64, n)
    uplift = np.fromiter((r.uplift_bp for r in records), np.int64, n)
    is_new = np.fromiter((r.reannounces is None for r in records), bool, n)
    profiled = np.fromiter((r.kind == "profiled" for r in records), bool, n)
    prow: list[int] = []
    pyear: list[int] = []
    pamount: list[int] = []
    for i, rec in enumerate(records):
        for fy, pence in rec.profile:
            prow.append(i)
            pyear.append(fy.start_year)
            pamount.append(pence)
    return CommitmentColumns.build(start, years, amount, uplift, is_new, profiled, prow, pyear, pamount)
