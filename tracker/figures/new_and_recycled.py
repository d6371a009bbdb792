"""New versus recycled: how much of a headline is new money, and what the rest is.

The **headline** of a set of schedule rows (a filter, a programme, one
announcement) is the sum of their commitments' money as recorded
(``headline_pence``), shares of pots included: a pot and its share both count
in it in full. Each schedule row's headline is split into five parts, in
integer pence, that add up to it exactly:

* ``new``: money in a commitment that restates nothing (new money, as the
  engine counts it: a pot's money less what its shares take out of it);
* ``restated``: a re-announcement of a commitment recorded here, at the
  amount it restates (the original's money: counted once, where the
  original is);
* ``earlier``: money marked as announced before whose original is not
  recorded;
* ``pot_share``: money counted in a pot and in its share. Counted by the
  engine (``tracker.core.counting``) where the share is, so in a set's rows
  it is what a pot's row gives up to its shares; in an announcement counted
  as its own world, a share of a pot announced in another announcement;
* ``rise_or_cut``: what a re-announcement adds to (or, negative, takes from)
  the money it restates, in its first year (unphased when it has none), as
  the engine places it.

Each row's split is read from the engine's own figures, so it agrees with
them by construction: ``new + rise_or_cut == new_money_pence`` on every row
(so per year, per funder and in total too), and ``restated + rise_or_cut``
is a re-announcement's headline. A rise placed in the first year of a
re-announcement whose money falls later can leave that year's ``restated``
below zero; the year's parts still add up. The five parts always add up to
``headline``; ``new_money`` (``new + rise_or_cut``) is the new money the
Overview, totals and Headlines report.

Two worlds, as the tracker counts (docs/new-and-recycled.md):

* ``set_rows`` (and ``by_year``, ``by_funder``, ``total``, ``totals_columns``):
  a view's own schedule (``TrackerData.schedule_money``), every pound once
  across the view, as the totals count it;
* ``announcement_rows`` (and ``by_announcement``, ``of_announcement``): each
  announcement as its own world, as Headlines counts it
  (``tracker.figures.headlines.scoped_schedule``): new money agrees with its
  headline's verdict.

Money with no year is its own ``UNPHASED`` row, never placed in a year.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.core.money import format_pounds
from tracker.figures.data import TrackerData, among
from tracker.figures.headlines import scoped_schedule
from tracker.figures.real_terms import Prices, in_prices
from tracker.figures.shared import per_data
from tracker.i18n import N_, _

PARTS: Final = ("new", "restated", "earlier", "pot_share", "rise_or_cut")
COLUMNS: Final = ("headline", *PARTS, "new_money")
PART_NAMES: Final = {
    "headline": N_("Headline"),
    "new": N_("New commitments"),
    "restated": N_("Re-announced (recorded here)"),
    "earlier": N_("Announced before (not recorded)"),
    "pot_share": N_("Share of a pot already counted"),
    "rise_or_cut": N_("Rise or cut on a re-announcement"),
    "new_money": N_("New money"),
}

# How a commitment's money is read: new, a re-announcement, announced before, a share of a pot elsewhere.
_NEW, _RESTATED, _EARLIER, _POT_ELSEWHERE = 0, 1, 2, 3


def split(headline: np.ndarray, new_money: np.ndarray, kind: np.ndarray) -> dict[str, np.ndarray]:
    """The five parts of each row (int64 pence) from its headline, the engine's new money
    and its commitment's kind: what the engine did not count as new in a commitment that
    restates nothing went into a pot's shares; a flagged commitment's new money is its rise or cut."""
    headline = np.asarray(headline, dtype=np.int64)
    new_money = np.asarray(new_money, dtype=np.int64)
    plain = kind == _NEW
    rest = headline - new_money
    zero = np.zeros(len(headline), np.int64)
    return {
        "new": np.where(plain, new_money, zero),
        "restated": np.where(kind == _RESTATED, rest, zero),
        "earlier": np.where(kind == _EARLIER, rest, zero),
        "pot_share": np.where(plain | (kind == _POT_ELSEWHERE), rest, zero),
        "rise_or_cut": np.where(plain, zero, new_money),
    }


def _kinds(restates: np.ndarray, earlier: np.ndarray, pot_elsewhere: np.ndarray | None = None) -> np.ndarray:
    kind = np.full(len(restates), _NEW, np.int64)
    kind[earlier] = _EARLIER
    if pot_elsewhere is not None:
        kind[pot_elsewhere] = _POT_ELSEWHERE
    kind[restates] = _RESTATED
    return kind


def _with_parts(rows: pd.DataFrame, kind: np.ndarray) -> pd.DataFrame:
    headline = rows["headline_pence"].to_numpy(dtype=np.int64)
    new_money = rows["new_money_pence"].to_numpy(dtype=np.int64)
    parts = split(headline, new_money, kind)
    return rows.assign(headline=headline, **parts, new_money=new_money)


_CARRIED = ("announcement_ref", "funder")


@per_data
def set_rows(data: TrackerData) -> pd.DataFrame:
    """A view's schedule rows (``commitment_id``, ``announcement_ref`` and ``funder`` when
    the view holds them, ``financial_year``) with ``COLUMNS`` in pence, counted as the
    view's totals count (``funding-tracker totals`` reads neither column: none needed)."""
    schedule = data.schedule_money
    commitments = data.commitments.set_index("commitment_id")
    ids = schedule["commitment_id"].to_numpy()
    restates = commitments["reannounces_id"].notna()
    earlier = (
        commitments["reannounces_earlier"].fillna(False).astype(bool)
        if "reannounces_earlier" in commitments
        else pd.Series(False, index=commitments.index)
    )
    carried = {name: commitments[name].reindex(ids).to_numpy() for name in _CARRIED if name in commitments}
    rows = pd.DataFrame(
        {
            "commitment_id": ids,
            **carried,
            "financial_year": schedule["financial_year"].to_numpy(dtype=np.int64),
            "headline_pence": schedule["headline_pence"].to_numpy(dtype=np.int64),
            "new_money_pence": schedule["new_money_pence"].to_numpy(dtype=np.int64),
        }
    )
    kind = _kinds(
        restates.reindex(ids).fillna(False).to_numpy(dtype=bool), earlier.reindex(ids).fillna(False).to_numpy(bool)
    )
    return _with_parts(rows, kind).drop(columns=["headline_pence", "new_money_pence"])


@per_data
def announcement_rows(data: TrackerData) -> pd.DataFrame:
    """Every announcement's own schedule rows, each announcement its own world
    (``commitment_id``, ``announcement_ref``, ``financial_year``, ``COLUMNS``).
    ``data`` should be the whole data, as for Headlines."""
    schedule = scoped_schedule(data)
    own = schedule.loc[schedule["own"].to_numpy(dtype=bool)].reset_index(drop=True)
    kind = _kinds(
        own["reannounces_id"].notna().to_numpy(dtype=bool),
        own["reannounces_earlier"].fillna(False).to_numpy(dtype=bool),
        own["pot_elsewhere"].fillna(False).to_numpy(dtype=bool),
    )
    rows = own[["commitment_id", "announcement_ref", "financial_year", "headline_pence", "new_money_pence"]]
    rows = rows.astype({"commitment_id": "int64", "financial_year": "int64"})
    return _with_parts(rows, kind).drop(columns=["headline_pence", "new_money_pence"])


def _summed(rows: pd.DataFrame, by: list[str]) -> pd.DataFrame:
    if rows.empty:
        return pd.DataFrame({**{name: pd.Series(dtype=object) for name in by}, **_zeros(0)})
    return rows.groupby(by, sort=True, dropna=False)[list(COLUMNS)].sum().astype("int64").reset_index()


def _zeros(n: int) -> dict[str, np.ndarray]:
    return {name: np.zeros(n, np.int64) for name in COLUMNS}


def by_year(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` per financial year (start year; ``UNPHASED`` last, its own row), with ``label``."""
    frame = _summed(rows, ["financial_year"])
    if not frame.empty:
        frame = frame.assign(_unphased=frame["financial_year"] == UNPHASED)
        frame = frame.sort_values(["_unphased", "financial_year"]).drop(columns="_unphased").reset_index(drop=True)
    frame.insert(1, "label", [fy_label(int(y)) for y in frame["financial_year"]])
    return frame


def by_funder(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` per funder (by name), largest headline first."""
    frame = _summed(rows, ["funder"])
    return frame.sort_values(["headline", "funder"], ascending=[False, True], kind="stable").reset_index(drop=True)


def by_announcement(
    data: TrackerData, commitment_ids: np.ndarray | None = None, year_range: tuple[int, int] | None = None
) -> pd.DataFrame:
    """Per announcement ref, each its own world (``announcement_rows`` of the whole
    ``data``): only the rows of ``commitment_ids`` and in ``year_range`` (its money
    with no year left out, as a view limited to years leaves it) when given."""
    rows = announcement_rows(data)
    if commitment_ids is not None:
        rows = rows.loc[among(rows["commitment_id"], np.asarray(commitment_ids))]
    if year_range is not None:
        years = rows["financial_year"]
        rows = rows.loc[years.between(*year_range) & (years != UNPHASED)]
    return _summed(rows, ["announcement_ref"])


@dataclass(frozen=True)
class Breakdown:
    """A set's headline and its parts, in pence (``parts`` add up to ``headline``)."""

    headline: int
    new: int
    restated: int
    earlier: int
    pot_share: int
    rise_or_cut: int

    @property
    def new_money(self) -> int:
        """New money as the engine counts it: new commitments plus a rise (less a cut)."""
        return self.new + self.rise_or_cut

    @property
    def parts(self) -> dict[str, int]:
        return {name: getattr(self, name) for name in PARTS}

    @property
    def new_percent(self) -> int | None:
        """The new money's share of the headline, in whole percent (rounded down); None with no headline."""
        if self.headline <= 0:
            return None
        return self.new_money * 100 // self.headline

    def sentence(self) -> str:
        """ "Of £X announced, £Y is new money (Z%).", in the language in use."""
        if self.headline == 0 and self.new_money == 0:
            return _("No money is announced in what is shown.")
        if self.new_percent is None:
            return _(
                "The headline is {headline}, and {new} of it is new money.",
                headline=format_pounds(self.headline),
                new=format_pounds(self.new_money),
            )
        return _(
            "Of {headline} announced, {new} is new money ({share}%).",
            headline=format_pounds(self.headline),
            new=format_pounds(self.new_money),
            share=self.new_percent,
        )


def total(rows: pd.DataFrame) -> Breakdown:
    """The whole of ``rows`` as one ``Breakdown``."""
    sums = {name: int(rows[name].sum()) if len(rows) else 0 for name in ("headline", *PARTS)}
    return Breakdown(**sums)


@per_data
def of_announcement(data: TrackerData, ref: str) -> Breakdown:
    """One announcement's own breakdown, counted as its own world (``data``: the whole
    data), as ``by_announcement`` counts it: worked out from its commitments and those
    they are linked to (what they re-announce, back to the first, and their pots), which
    is all its world holds, so a page showing one announcement need not count them all."""
    rows = announcement_rows(_world_of(data, ref))
    return total(rows.loc[rows["announcement_ref"] == ref])


def _world_of(data: TrackerData, ref: str) -> TrackerData:
    commitments = data.commitments
    links = [name for name in ("reannounces_id", "part_of_id") if name in commitments]
    keep = commitments["announcement_ref"].to_numpy() == ref
    ids = commitments["commitment_id"].to_numpy()
    while True:
        linked = np.concatenate([commitments.loc[keep, name].dropna().to_numpy(dtype=np.int64) for name in links])
        more = keep | among(commitments["commitment_id"], linked)
        if (more == keep).all():
            break
        keep = more
    lines = data.profile_lines
    return TrackerData(
        commitments.loc[keep].reset_index(drop=True),
        lines.loc[among(lines["commitment_id"], ids[keep])].reset_index(drop=True),
        data.deliveries.iloc[0:0],
        data.milestones.iloc[0:0],
        as_at=data.as_at,
    )


def of_announcement_by_year(data: TrackerData, ref: str) -> pd.DataFrame:
    """One announcement's own breakdown per financial year (``by_year``)."""
    rows = announcement_rows(data)
    return by_year(rows.loc[rows["announcement_ref"] == ref])


TOTALS_COLUMNS: Final = ("headline", "new", "restated", "earlier", "pot_share", "rise_or_cut")


def totals_columns(data: TrackerData, unphased: bool = True) -> pd.DataFrame:
    """For ``funding-tracker totals --format json``: per financial year (``financial_year``,
    start year; ``UNPHASED`` last when ``unphased``) the ``TOTALS_COLUMNS`` in pence, for
    the years with money. Joined to the totals on ``financial_year`` (a year not here: zeros),
    ``new + rise_or_cut`` is the totals' ``new_money`` of that year."""
    frame = by_year(set_rows(data))
    if not unphased:
        frame = frame.loc[frame["financial_year"] != UNPHASED]
    return frame[["financial_year", *TOTALS_COLUMNS]].reset_index(drop=True)


def parts_in_prices(frame: pd.DataFrame, prices: Prices) -> pd.DataFrame:
    """A breakdown by financial year whose ``new_money`` is already in ``prices``, its parts in them too:
    ``new``, ``restated``, ``earlier`` and ``pot_share`` deflated once each; ``rise_or_cut`` new money less
    new and ``headline`` the sum of the parts (as variance is delivered less committed), so a row adds up."""
    if not prices.is_real:
        return frame
    out = in_prices(frame, prices, ["new", "restated", "earlier", "pot_share"])
    out["rise_or_cut"] = out["new_money"] - out["new"]
    out["headline"] = out[list(PARTS)].sum(axis=1, min_count=len(PARTS))
    return out


def by_year_in_prices(frame: pd.DataFrame, prices: Prices) -> pd.DataFrame:
    """``by_year``'s frame (in cash) in ``prices``: only the years with a real-terms value (int64 pence)."""
    if not prices.is_real:
        return frame
    real = parts_in_prices(in_prices(frame, prices, ["new_money"]), prices)
    kept = real.loc[real["new_money"].notna().to_numpy(dtype=bool)]
    return kept.astype({c: "int64" for c in COLUMNS}).reset_index(drop=True)
