"""Counting every pound once: re-announcements, money announced before, shares of pots.

The schedule (``tracker.core.projection.headline_rows``) says where each
commitment's money falls as announced. This module says how much of each row
is *committed* (distinct money, counted once) and how much is *new money*
(committed money not announced before):

* A re-announcement of a recorded commitment at the same amount counts
  nothing: the money is counted once, at the original, in its years.
* A re-announcement at a different amount replaces the original in
  ``committed``, in its own years; its new money is the difference (up or
  down) in its first year (unphased when it has none), while the original
  keeps its new money in its own years. Several re-announcements of one
  original apply in the order they were announced.
* Money marked ``earlier`` (announced before, original not recorded) is
  committed but not new.
* A share (``part_of``) is placed by its own years and taken out of its pot:
  out of the pot's money in the same year, else out of the pot's unphased
  money. A share that fits neither is a problem with the figures, as are
  direct shares adding up to more than their pot. Shares nest. A share of
  money announced before is not new money, and a share of a pot that is not
  counted (a re-announcement) is not counted either: its pounds are the
  pot's, counted where the pot's are.

Rows in the common case (nothing re-announced, no pots) take the vectorised
path; only commitments in a re-announcement chain or a pot are visited one
by one.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import format_pounds
from tracker.i18n import _

if TYPE_CHECKING:
    from tracker.core.columns import CommitmentColumns


@dataclass(frozen=True)
class CountProblem:
    """A share that does not fit its pot, or a loop: ``row`` is the commitment."""

    row: int
    field: str
    expected: str


def count(
    columns: CommitmentColumns, row: np.ndarray, year: np.ndarray, headline: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[CountProblem]]:
    """``(committed, new_money, problems)`` for the schedule rows given."""
    counted = ~columns.restates
    new_flag = ~columns.restates & ~columns.earlier
    committed = np.where(counted[row], headline, 0) if len(row) else np.zeros(0, np.int64)
    new_money = np.where(new_flag[row], headline, 0) if len(row) else np.zeros(0, np.int64)
    problems: list[CountProblem] = []
    if not (columns.reannounces >= 0).any() and not (columns.part_of >= 0).any():
        return committed, new_money, problems
    ledger = _Ledger(columns, row, year, headline, committed, new_money, counted.copy(), new_flag.copy())
    ledger.reannouncements()
    ledger.shares(problems)
    return ledger.committed, ledger.new_money, problems


class _Ledger:
    """The schedule's rows of the few commitments that need visiting one by one."""

    def __init__(
        self,
        columns: CommitmentColumns,
        row: np.ndarray,
        year: np.ndarray,
        headline: np.ndarray,
        committed: np.ndarray,
        new_money: np.ndarray,
        counted: np.ndarray,
        new_flag: np.ndarray,
    ) -> None:
        self.columns = columns
        self.year = year
        self.headline = headline
        self.committed = committed
        self.new_money = new_money
        self.counted = counted
        self.new_flag = new_flag
        self._bounds = np.searchsorted(row, np.arange(len(columns) + 1))

    def rows_of(self, i: int) -> range:
        return range(int(self._bounds[i]), int(self._bounds[i + 1]))

    def total(self, i: int) -> int:
        rows = self.rows_of(i)
        return int(self.headline[rows.start : rows.stop].sum())

    def _root(self, i: int) -> int:
        seen = {i}
        target = int(self.columns.reannounces[i])
        while target >= 0 and int(self.columns.reannounces[target]) >= 0:
            if target in seen:
                return i  # a loop (refused when recorded): leave it where it stands
            seen.add(target)
            target = int(self.columns.reannounces[target])
        return target if target >= 0 else i

    def reannouncements(self) -> None:
        chains: dict[int, list[int]] = {}
        for i in np.flatnonzero(self.columns.reannounces >= 0):
            root = self._root(int(i))
            if root != i:
                chains.setdefault(root, []).append(int(i))
        order = self.columns.order
        for root, members in chains.items():
            for r in members:
                rows = self.rows_of(r)
                self.committed[rows.start : rows.stop] = 0
                self.new_money[rows.start : rows.stop] = 0
                self.counted[r] = False
            if self.columns.restates[root]:
                continue  # the whole chain restates money recorded elsewhere
            current = root
            for r in sorted(members, key=lambda m: (int(order[m]), m)):
                rows = self.rows_of(r)
                difference = self.total(r) - self.total(current)
                if difference == 0 or not len(rows):
                    continue
                was = self.rows_of(current)
                self.committed[was.start : was.stop] = 0
                self.counted[current] = False
                self.committed[rows.start : rows.stop] = self.headline[rows.start : rows.stop]
                self.counted[r] = True
                self.new_money[rows.start] += difference
                current = r

    def _depths(self, problems: list[CountProblem]) -> list[int]:
        """Shares, pots before their shares; a loop of shares is a problem."""
        part_of = self.columns.part_of
        depth: dict[int, int] = {}
        for i in (int(i) for i in np.flatnonzero(part_of >= 0)):
            path, node = [], i
            while node >= 0 and node not in depth and node not in path:
                path.append(node)
                node = int(part_of[node])
            if node in path:
                problems.append(
                    CountProblem(i, "part_of", _("shares form a loop: a pot cannot be part of its own share"))
                )
                for n in path:
                    depth[n] = -1
                continue
            base = depth.get(node, 0) if node >= 0 else -1
            for n in reversed(path):
                base = base + 1 if base >= 0 else 0
                depth[n] = base
        return sorted((i for i, d in depth.items() if d > 0 and part_of[i] >= 0), key=lambda i: depth[i])

    def shares(self, problems: list[CountProblem]) -> None:
        part_of = self.columns.part_of
        remaining = self.headline.copy()
        direct: dict[int, int] = {}
        last_share: dict[int, int] = {}
        for s in self._depths(problems):
            pot = int(part_of[s])
            direct[pot] = direct.get(pot, 0) + self.total(s)
            last_share[pot] = max(s, last_share.get(pot, -1))
            rows = self.rows_of(s)
            if not self.counted[pot]:
                self.counted[s] = False
                self.committed[rows.start : rows.stop] = 0
            self.new_flag[s] &= self.new_flag[pot]
            if not self.new_flag[s]:
                self.new_money[rows.start : rows.stop] = 0
            self._carve(s, pot, remaining, problems)
        for pot, shared in direct.items():
            stated = self.total(pot)
            if shared > stated:
                problems.append(
                    CountProblem(
                        last_share[pot],
                        "part_of",
                        _(
                            "the pot's shares add up to {shared}, more than the pot's {stated}: a share cannot be "
                            "counted outside its pot",
                            shared=format_pounds(shared),
                            stated=format_pounds(stated),
                        ),
                    )
                )

    def _carve(self, s: int, pot: int, remaining: np.ndarray, problems: list[CountProblem]) -> None:
        """Take each year of share ``s`` out of ``pot``: the same year, else its unphased money."""
        pot_rows = self.rows_of(pot)
        by_year = {int(self.year[k]): k for k in pot_rows}
        for j in self.rows_of(s):
            wanted = int(self.headline[j])
            if wanted <= 0:
                continue
            year = int(self.year[j])
            takes = []
            same = by_year.get(year)
            if same is not None and remaining[same] > 0:
                takes.append((same, min(wanted, int(remaining[same]))))
            rest = wanted - sum(t for _row, t in takes)
            loose = by_year.get(UNPHASED)
            if rest > 0 and loose is not None and loose != same and remaining[loose] >= rest:
                takes.append((loose, rest))
                rest = 0
            if rest > 0:
                there = int(remaining[same]) if same is not None else 0
                unphased = int(remaining[loose]) if loose is not None and loose != same else 0
                problems.append(
                    CountProblem(
                        s,
                        "part_of",
                        _(
                            "{wanted} in {year} does not fit its pot: the pot has {there} left in {year} and "
                            "{unphased} left unphased (give the share the year its pot's money is in)",
                            wanted=format_pounds(wanted),
                            year=_("unphased") if year == UNPHASED else fy_label(year),
                            there=format_pounds(there),
                            unphased=format_pounds(unphased),
                        )
                        if year == UNPHASED
                        else _(
                            "{wanted} in {year} does not fit its pot: the pot has {there} left in {year} and "
                            "{unphased} left unphased",
                            wanted=format_pounds(wanted),
                            year=_("unphased") if year == UNPHASED else fy_label(year),
                            there=format_pounds(there),
                            unphased=format_pounds(unphased),
                        ),
                    )
                )
                continue
            for k, taken in takes:
                remaining[k] -= taken
                if self.counted[pot]:
                    self.committed[k] -= taken
                if self.new_flag[pot]:
                    self.new_money[k] -= taken
