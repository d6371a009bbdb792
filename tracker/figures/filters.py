"""The filters every page honours: financial-year range, funder, recipient, programme, area.

``Filters.apply(data)`` narrows a ``TrackerData`` to what the filters allow:

* funder / recipient / programme keep the matching commitments, and with them
  their profile lines, deliveries and milestones; area keeps the commitments
  naming any chosen area (a GSS code; ``area not stated`` for none), each
  with its full money, shared or not;
* the financial-year range keeps schedule rows and deliveries (by the year
  of their date) inside it; commitments stay, so a register can still show
  a commitment whose money falls outside the years chosen.

A re-announcement whose original is filtered away is, in that view, the
first time the money was announced (as with ``as_at`` in ``queries.load``).
An empty selection means "no filter", never "nothing".

``narrowed(data, filters)`` is the same, kept with ``data`` for the few
filter sets used most recently, so changing back to a filter is instant.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, FinancialYear
from tracker.figures.areas import NOT_STATED, area_label, kept_area_rows
from tracker.figures.data import TrackerData, among
from tracker.figures.shared import per_data
from tracker.figures.totals import fy_of_dates
from tracker.i18n import _

NO_PROGRAMME = "(no programme)"  # a key (a filter's value, in links): kept as it is
# Narrowed views kept with a TrackerData: each holds a subset of its frames
# and what pages worked out from it.
KEEP_NARROWED = 6
_NARROWING = threading.Lock()  # sessions run in threads and share the kept views


@dataclass(frozen=True)
class Filters:
    first_year: FinancialYear | None = None
    last_year: FinancialYear | None = None
    funders: tuple[str, ...] = field(default_factory=tuple)
    recipients: tuple[str, ...] = field(default_factory=tuple)
    programmes: tuple[str, ...] = field(default_factory=tuple)
    areas: tuple[str, ...] = field(default_factory=tuple)
    # Organisations by their own ids, not names (an organisation's page: two bodies
    # with one name are told apart); no sidebar widget or address key sets these.
    funder_orgs: tuple[int, ...] = field(default_factory=tuple)
    recipient_orgs: tuple[int, ...] = field(default_factory=tuple)

    @property
    def is_empty(self) -> bool:
        return self == Filters()

    def covers(self, year: FinancialYear) -> bool:
        """Whether the financial-year range holds ``year`` (no range: every year)."""
        return self._low() <= year.start_year <= self._high()

    def describe(self) -> str:
        """The filters in words, in the language in use, for captions and an export's About sheet."""
        parts = []
        first, last = self.first_year, self.last_year
        if first and last:
            parts.append(_("financial years {first} to {last}", first=first.label, last=last.label))
        elif first:
            parts.append(_("financial years {first} to the last year", first=first.label))
        elif last:
            parts.append(_("financial years the first year to {last}", last=last.label))
        if self.funders:
            parts.append(_("funder {names}", names=_either(self.funders)))
        if self.recipients:
            parts.append(_("recipient {names}", names=_either(self.recipients)))
        if self.programmes:
            parts.append(_("programme {names}", names=_either(self.programmes)))
        if self.areas:
            parts.append(_("area {names}", names=_either(area_label(code) for code in self.areas)))
        return "; ".join(parts) if parts else _("none (everything)")

    def apply(self, data: TrackerData) -> TrackerData:
        commitments = data.commitments
        keep = np.ones(len(commitments), bool)
        if self.funders:
            keep &= commitments["funder"].isin(self.funders).to_numpy(dtype=bool)
        if self.recipients:
            keep &= commitments["recipient"].isin(self.recipients).to_numpy(dtype=bool)
        if self.programmes:
            keep &= commitments["programme"].fillna(NO_PROGRAMME).isin(self.programmes).to_numpy(dtype=bool)
        for ids, column in ((self.funder_orgs, "funder_org"), (self.recipient_orgs, "recipient_org")):
            if ids:
                keep &= commitments[column].isin(ids).to_numpy(dtype=bool)
        if self.areas:
            named = kept_area_rows(data)
            inside = named.loc[named["area"].isin(self.areas), "commitment_id"].to_numpy()
            keep &= among(commitments["commitment_id"], inside)
        links = link_groups(data)
        apart = links.counted_apart(keep)
        hidden_shares = _shares_of(data.commitments, keep)
        commitments = commitments.loc[keep]  # a frame of its own (copy on write): changed below, not data's
        id_values = commitments["commitment_id"].to_numpy()
        hidden = ~commitments["reannounces_id"].isin(id_values)
        commitments.loc[hidden, "reannounces_id"] = pd.NA
        commitments.loc[hidden, "reannounces_ref"] = None
        if "part_of_id" in commitments:  # a share whose pot is filtered away stands on its own here
            outside = ~commitments["part_of_id"].isin(id_values)
            commitments.loc[outside, "part_of_id"] = pd.NA
            commitments.loc[outside, "part_of_ref"] = None

        def of_kept(frame: pd.DataFrame) -> pd.DataFrame:
            return frame.loc[among(frame["commitment_id"], id_values)]

        deliveries = of_kept(data.deliveries)
        if len(deliveries) and (self.first_year or self.last_year):
            years = fy_of_dates(deliveries["paid_on"])
            inside = (years != UNPHASED) & (years >= self._low()) & (years <= self._high())
            deliveries = deliveries.loc[inside]
        source = _unranged(data)
        return replace(
            data,
            commitments=commitments.reset_index(drop=True),
            profile_lines=of_kept(data.profile_lines).reset_index(drop=True),
            deliveries=deliveries.reset_index(drop=True),
            milestones=of_kept(data.milestones).reset_index(drop=True),
            year_range=(self._low(), self._high()) if (self.first_year or self.last_year) else None,
            hidden_shares=(
                hidden_shares,
                data.profile_lines.loc[
                    among(data.profile_lines["commitment_id"], hidden_shares["commitment_id"].to_numpy())
                ],
            ),
            narrowed_from=source,
            counted_apart=data.commitments["commitment_id"].to_numpy()[apart] if source is not None else None,
        )

    def _low(self) -> int:
        return self.first_year.start_year if self.first_year else -(10**6)

    def _high(self) -> int:
        return self.last_year.start_year if self.last_year else 10**6


def _either(values: Iterable[str]) -> str:
    """``A or B or C`` in the language in use."""
    said: str | None = None
    for value in values:
        said = value if said is None else _("{some} or {another}", some=said, another=value)
    return said or ""


def narrowed(data: TrackerData, filters: Filters) -> TrackerData:
    """``filters.apply(data)``, kept with ``data`` (the most recent
    ``KEEP_NARROWED`` filter sets); no filter is ``data`` itself."""
    if filters.is_empty:
        return data
    recent: OrderedDict[Filters, TrackerData] = data.keep("narrowed views", OrderedDict)
    with _NARROWING:
        found = recent.get(filters)
        if found is None:
            found = recent[filters] = filters.apply(data)
            while len(recent) > KEEP_NARROWED:
                recent.popitem(last=False)
        recent.move_to_end(filters)
        return found


@dataclass(frozen=True)
class Links:
    """How a view's commitments are linked (re-announcements, shares of
    pots, either way): per row of its commitments, its group (commitments
    linked through any chain of links are one group, numbered by the row of
    its first); per group, whether a link in it names a commitment not in
    the view."""

    group: np.ndarray
    loose: np.ndarray

    def counted_apart(self, keep: np.ndarray) -> np.ndarray:
        """The commitments ``keep`` keeps that may count differently once the
        rest are left out: in a group with one left out (or a loose link)."""
        size = len(self.group)
        kept = np.bincount(self.group[keep], minlength=size)
        crossing = (kept > 0) & ((kept < np.bincount(self.group, minlength=size)) | self.loose)
        return keep & crossing[self.group]


@per_data
def link_groups(data: TrackerData) -> Links:
    """The ``Links`` of a view's commitments, kept with the view."""
    commitments = data.commitments
    ids = pd.Index(commitments["commitment_id"].to_numpy())
    size = len(ids)
    if not ids.is_unique:  # (not from a database) one group: any filter works everything out again
        return Links(np.zeros(size, np.int64), np.ones(size, bool))
    group = np.arange(size, dtype=np.int64)
    loose = np.zeros(size, bool)
    ends: list[tuple[np.ndarray, np.ndarray]] = []
    for column in ("reannounces_id", "part_of_id"):
        if column not in commitments:
            continue
        linked = commitments[column].notna().to_numpy(dtype=bool)
        rows = np.flatnonzero(linked)
        target = ids.get_indexer(commitments[column].to_numpy()[rows].astype(ids.dtype))
        loose[rows[target < 0]] = True
        ends.append((rows[target >= 0], target[target >= 0]))
    one = np.concatenate([a for a, _b in ends]) if ends else np.zeros(0, np.int64)
    other = np.concatenate([b for _a, b in ends]) if ends else np.zeros(0, np.int64)
    while len(one):  # each row takes the lowest row it is linked to, until none changes
        lowest = np.minimum(group[one], group[other])
        moved = group.copy()
        np.minimum.at(moved, one, lowest)
        np.minimum.at(moved, other, lowest)
        moved = moved[moved]  # and that row's own lowest: chains settle in a few rounds
        if np.array_equal(moved, group):
            break
        group = moved
    in_loose = np.zeros(size, bool)
    in_loose[group[loose]] = True
    return Links(group, in_loose)


def _unranged(data: TrackerData) -> TrackerData | None:
    """The view whose schedule a view narrowed from ``data`` takes its rows
    from (but for the commitments counted apart): the one ``data`` took all
    its rows from, else ``data`` when its schedule holds every year and is
    counted from its own commitments alone (no hidden shares)."""
    if data.narrowed_from is not None and (data.counted_apart is None or not len(data.counted_apart)):
        return data.narrowed_from
    alone = data.hidden_shares is None or data.hidden_shares[0].empty
    return data if data.year_range is None and alone else None


def _shares_of(commitments: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The commitments filtered away that are shares (or shares of shares) of
    kept ones: still taken out of their pots. Their own re-announcement links
    are dropped (they count nothing here themselves)."""
    if "part_of_id" not in commitments:
        return commitments.iloc[0:0]
    ids = commitments["commitment_id"].to_numpy()
    part_of = commitments["part_of_id"]
    waiting = np.flatnonzero(~keep & part_of.notna().to_numpy(dtype=bool))  # shares left out
    pots = ids[keep]  # kept, or a share found below
    while len(waiting):
        found = among(part_of.iloc[waiting], pots)
        if not found.any():
            break
        pots = np.concatenate([pots, ids[waiting[found]]])
        waiting = waiting[~found]
    shares = commitments.loc[among(commitments["commitment_id"], pots[np.count_nonzero(keep) :])].copy()
    shares["reannounces_id"] = pd.NA
    shares["reannounces_ref"] = None
    if "reannounces_earlier" in shares:
        shares["reannounces_earlier"] = False
    return shares


@per_data
def choices(data: TrackerData) -> dict[str, list]:
    """What the filter widgets offer: the values present in the data."""
    schedule = data.schedule
    paid = data.deliveries["paid_on"]
    years = sorted(set(schedule["financial_year"]) | set(fy_of_dates(paid) if len(paid) else []))
    return {
        "years": [FinancialYear(int(y)) for y in years if y != UNPHASED],  # unphased money has no year to pick
        "funders": sorted(data.commitments["funder"].unique()),
        "recipients": sorted(data.commitments["recipient"].dropna().unique()),
        "programmes": sorted(data.commitments["programme"].fillna(NO_PROGRAMME).unique()),
        "areas": area_choices(data),
    }


@per_data
def area_choices(data: TrackerData) -> list[str]:
    """Area codes money is for, by name (``area not stated`` last)."""
    named = kept_area_rows(data)
    found = dict(zip(named["area"], named["area_name"]))
    return sorted(found, key=lambda code: (code == NOT_STATED, found[code].casefold(), code))
