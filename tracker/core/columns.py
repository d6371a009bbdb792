"""Commitments as parallel numpy columns, the projection engine's input.

``columns_from_records`` builds them from validated file rows
(``tracker.records.commitment_rows.CommitmentRecord``);
``tracker.core.frame_columns`` from the DataFrames the dashboard reads.
This module imports numpy only, so ``funding-tracker project`` starts quickly.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Protocol

import numpy as np
from numpy.typing import ArrayLike

from tracker.core.vocabulary import ANNOUNCED_EARLIER

if TYPE_CHECKING:
    from tracker.core.fiscal import FinancialYear


@dataclass(frozen=True)
class CommitmentColumns:
    """Commitments as parallel columns: row i is one commitment.

    ``amount`` is the per-year amount for recurring rows and the total for
    one-off and multi-year rows; profiled rows (and multi-year rows spread on
    purpose, which are ``profiled`` and ``estimated`` here) take their money
    from the ``profile_*`` columns instead (``profile_row`` indexes the
    commitment). A row that is not ``phased`` has no year: its whole money is
    one schedule row in ``UNPHASED``.

    How money is counted once (``tracker.core.counting``): ``restates`` marks
    a re-announcement of a recorded commitment, ``reannounces`` is the row of
    that original when it is among these columns (else -1: counted at the
    original, which is elsewhere); ``earlier`` marks money announced before
    whose original is not recorded; ``part_of`` is the row of the pot this
    row is a share of (-1: none); ``order`` orders re-announcements (the
    later replaces the earlier when the amount changed).
    """

    start_year: np.ndarray  # int64: first financial year's start year (any value when not phased)
    years: np.ndarray  # int64 >= 1
    amount: np.ndarray  # int64 pence
    uplift_bp: np.ndarray  # int64, 0 for none
    restates: np.ndarray  # bool: re-announces a recorded commitment
    profiled: np.ndarray  # bool
    profile_row: np.ndarray  # int64 index into the rows above
    profile_year: np.ndarray  # int64 start year
    profile_amount: np.ndarray  # int64 pence
    phased: np.ndarray  # bool: False when the year is not known
    estimated: np.ndarray  # bool: the profile is a chosen spread, not a stated one
    earlier: np.ndarray  # bool: announced before, original not recorded
    reannounces: np.ndarray  # int64 row of the original, -1 when not among these rows
    part_of: np.ndarray  # int64 row of the pot, -1 when none
    order: np.ndarray  # int64: when announced (re-announcements apply in this order)

    def __len__(self) -> int:
        return len(self.start_year)

    @property
    def is_new(self) -> np.ndarray:
        """Rows whose money counts as new where it stands (wave 1's meaning)."""
        new: np.ndarray = ~self.restates & ~self.earlier
        return new

    @classmethod
    def build(
        cls,
        start_year: ArrayLike,
        years: ArrayLike,
        amount: ArrayLike,
        uplift_bp: ArrayLike | None = None,
        restates: ArrayLike | None = None,
        profiled: ArrayLike | None = None,
        profile_row: ArrayLike = (),
        profile_year: ArrayLike = (),
        profile_amount: ArrayLike = (),
        phased: ArrayLike | None = None,
        estimated: ArrayLike | None = None,
        earlier: ArrayLike | None = None,
        reannounces: ArrayLike | None = None,
        part_of: ArrayLike | None = None,
        order: ArrayLike | None = None,
    ) -> CommitmentColumns:
        start_years = np.asarray(start_year, dtype=np.int64)
        n = len(start_years)

        def flags(values: ArrayLike | None, default: bool) -> np.ndarray:
            return np.full(n, default, bool) if values is None else np.asarray(values, dtype=bool)

        def rows(values: ArrayLike | None) -> np.ndarray:
            return np.full(n, -1, np.int64) if values is None else np.asarray(values, dtype=np.int64)

        return cls(
            start_year=start_years,
            years=np.asarray(years, dtype=np.int64),
            amount=_as_pence_array(amount),
            uplift_bp=np.zeros(n, np.int64) if uplift_bp is None else np.asarray(uplift_bp, dtype=np.int64),
            restates=flags(restates, False),
            profiled=flags(profiled, False),
            profile_row=np.asarray(profile_row, dtype=np.int64),
            profile_year=np.asarray(profile_year, dtype=np.int64),
            profile_amount=_as_pence_array(profile_amount),
            phased=flags(phased, True),
            estimated=flags(estimated, False),
            earlier=flags(earlier, False),
            reannounces=rows(reannounces),
            part_of=rows(part_of),
            order=np.arange(n, dtype=np.int64) if order is None else np.asarray(order, dtype=np.int64),
        )

    @property
    def plain(self) -> np.ndarray:
        """Rows the fast yearly sum can take as they are: one amount a year
        for ``years`` years from a known first year, counted where it stands,
        and nobody's pot, share or replaced original."""
        plain: np.ndarray = ~self.profiled & (self.uplift_bp == 0) & self.phased & ~self.restates & (self.part_of < 0)
        involved = np.concatenate([self.part_of[self.part_of >= 0], self.reannounces[self.reannounces >= 0]])
        if len(involved):
            plain[involved] = False
        return plain


def _as_pence_array(values: ArrayLike) -> np.ndarray:
    array = np.asarray(values)
    if array.size == 0:
        return np.zeros(0, np.int64)
    if array.dtype.kind == "f":
        raise TypeError("money must be integer pence, not float")
    return array.astype(np.int64)


class CommitmentLike(Protocol):
    """What the engine reads of a validated commitment (``CommitmentRecord`` has it)."""

    @property
    def first_year(self) -> FinancialYear | None: ...
    @property
    def years(self) -> int | None: ...
    @property
    def amount_pence(self) -> int: ...
    @property
    def uplift_bp(self) -> int: ...
    @property
    def reannounces(self) -> str | None: ...
    @property
    def part_of(self) -> str | None: ...
    @property
    def kind(self) -> str: ...
    @property
    def profile(self) -> Sequence[tuple[FinancialYear, int]]: ...
    @property
    def estimated(self) -> bool: ...
    @property
    def spread_lines(self) -> Sequence[tuple[FinancialYear, int]]: ...
    @property
    def announced_on(self) -> date | None: ...
    @property
    def ref(self) -> str: ...


def columns_from_records(records: Sequence[CommitmentLike]) -> CommitmentColumns:
    """Engine columns from validated ``CommitmentRecord`` objects.

    ``reannounces`` and ``part_of`` name refs; a ref not among ``records``
    (recorded in the database) is outside these columns: a re-announcement
    of it counts nothing here, and a share of it is placed in its own years.
    """
    n = len(records)
    position = {r.ref: i for i, r in enumerate(records)}
    phased = np.fromiter(
        (r.estimated or r.kind == "profiled" or (r.first_year is not None and r.kind != "multi-year") for r in records),
        bool,
        n,
    )
    start = np.fromiter((r.first_year.start_year if r.first_year else 0 for r in records), np.int64, n)
    years = np.fromiter((r.years or 1 if r.kind != "multi-year" else 1 for r in records), np.int64, n)
    amount = np.fromiter((r.amount_pence for r in records), np.int64, n)
    uplift = np.fromiter((r.uplift_bp for r in records), np.int64, n)
    restates = np.fromiter((r.reannounces not in (None, ANNOUNCED_EARLIER) for r in records), bool, n)
    earlier = np.fromiter((r.reannounces == ANNOUNCED_EARLIER for r in records), bool, n)
    target = np.fromiter((position.get(r.reannounces, -1) if r.reannounces else -1 for r in records), np.int64, n)
    part_of = np.fromiter((position.get(r.part_of, -1) if r.part_of else -1 for r in records), np.int64, n)
    estimated = np.fromiter((r.estimated for r in records), bool, n)
    profiled = np.fromiter((r.kind == "profiled" or r.estimated for r in records), bool, n)
    order = np.fromiter((r.announced_on.toordinal() if r.announced_on else 1 << 40 for r in records), np.int64, n)
    prow: list[int] = []
    pyear: list[int] = []
    pamount: list[int] = []
    for i, rec in enumerate(records):
        for fy, pence in rec.spread_lines if rec.estimated else rec.profile:
            prow.append(i)
            pyear.append(fy.start_year)
            pamount.append(pence)
    return CommitmentColumns.build(
        start,
        years,
        amount,
        uplift,
        restates,
        profiled,
        prow,
        pyear,
        pamount,
        phased=phased,
        estimated=estimated,
        earlier=earlier,
        reannounces=target,
        part_of=part_of,
        order=np.lexsort((np.arange(n), order)).argsort(),
    )
