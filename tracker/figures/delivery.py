"""Commitments against delivery: variance, % delivered, outstanding, due by a date.

Definitions used everywhere (and shown to users in the dashboard's notes):

* **committed**: distinct money in a financial year: a re-announcement adds
  nothing (at a changed amount, the later amount replaces the original), a
  share is inside its pot; "over" amounts count at their floor, "up to" at
  their ceiling. **new money** leaves out money announced before.
* **unphased**: committed money whose financial year was not stated, and
  undated deliveries: counted in every total, in a row of its own after the
  years, never placed in a year by guess. It is never "due".
* **estimated**: the part of committed money placed in years by a chosen
  spread of a multi-year total (not by what was announced).
* **delivered**: disbursements and expenditure recorded, in the financial year
  of their date. Refunds and corrections are negative deliveries.
* **variance** = delivered - committed (negative: behind).
* **% delivered** = delivered / committed (a ratio for display, not money).
* **due by a date**: money committed for every financial year that has
  started on or before the date (the current year's allocation is due within
  that year).
* **outstanding** = committed - delivered.

Money stays int64 pence. Left joins that leave gaps are filled with 0 and cast
back to int64 (pandas would otherwise turn pence into floats).

Words (a status such as "behind by £780k", a sentence, how late a milestone
is) come from ``tracker.figures.delivery_words``, in the language in use, so
figures holding them are kept once per language (``progress_of``). Values
that code compares stay English: qualifiers (``at least``) and milestone
states (``overdue``).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, FinancialYear, fy_label, fy_start_year
from tracker.figures.delivery_words import combine_qualifiers as combine_qualifiers
from tracker.figures.delivery_words import commitment_status as commitment_status
from tracker.figures.delivery_words import commitments_sentence as commitments_sentence
from tracker.figures.delivery_words import cumulative_sentence as cumulative_sentence
from tracker.figures.delivery_words import describe_lateness as describe_lateness
from tracker.figures.delivery_words import money_notes as money_notes
from tracker.figures.delivery_words import qualified as qualified
from tracker.figures.delivery_words import qualifier_word as qualifier_word
from tracker.figures.delivery_words import year_sentence as year_sentence
from tracker.figures.delivery_words import year_status as year_status
from tracker.figures.shared import per_data
from tracker.figures.shortfall import chart_rows
from tracker.figures.totals import committed_vs_delivered, fy_of_dates
from tracker.i18n import _, current, speaking

if TYPE_CHECKING:
    from tracker.figures.data import TrackerData


def with_progress(yearly: pd.DataFrame) -> pd.DataFrame:
    """Add % delivered and cumulative committed/delivered to a yearly frame.

    An ``UNPHASED`` last row's running totals are the overall totals (its
    money belongs to no year, but it is money to date all the same)."""
    out = yearly.copy()
    committed = out["committed"].to_numpy()
    out["pct_delivered"] = np.where(committed != 0, out["delivered"] / np.where(committed == 0, 1, committed), np.nan)
    out["cumulative_committed"] = out["committed"].cumsum().astype("int64")
    out["cumulative_delivered"] = out["delivered"].cumsum().astype("int64")
    out["label"] = [fy_label(int(y)) for y in out["financial_year"]]
    return out


def year_qualifiers(schedule: pd.DataFrame, commitments: pd.DataFrame) -> dict[int, str]:
    """How exact each year's committed total is: ``exact``, ``at least``, ``up to`` or ``about``."""
    if "qualifier" in schedule:  # each row carries its commitment's
        quals = schedule.loc[schedule["committed_pence"] != 0, ["financial_year", "qualifier"]]
    else:
        counted = schedule.loc[schedule["committed_pence"] != 0, ["commitment_id", "financial_year"]]
        quals = counted.merge(commitments[["commitment_id", "qualifier"]], on="commitment_id")
    # A few per year, not one per commitment; as numbers until then.
    codes, names = pd.factorize(quals["qualifier"], use_na_sentinel=False)
    distinct = pd.DataFrame({"financial_year": quals["financial_year"].to_numpy(), "qualifier": codes})
    distinct = distinct.drop_duplicates()
    return {
        int(year): combine_qualifiers(names.take(group.to_numpy()).tolist())
        for year, group in distinct.groupby("financial_year")["qualifier"]
    }


@dataclass(frozen=True)
class Headline:
    """The figures at the top of the Overview, in pence."""

    committed: int
    headline_money: int
    delivered: int
    due_to_date: int
    due_this_year: int
    delivered_this_year: int
    this_year: FinancialYear
    qualifier: str  # exact / at least / up to / about, for the committed total
    illustrative_deliveries: int
    reannounced: int  # headline money not added again: re-announced, or shares inside their pots
    new_money: int = 0  # committed money not announced before
    unphased: int = 0  # committed money whose financial year was not stated
    estimated: int = 0  # committed money placed in years by a chosen spread

    @property
    def outstanding(self) -> int:
        return self.committed - self.delivered

    @property
    def pct_delivered(self) -> float | None:
        return self.delivered / self.committed if self.committed else None

    @property
    def pct_of_due_delivered(self) -> float | None:
        return self.delivered / self.due_to_date if self.due_to_date else None


def headline(schedule: pd.DataFrame, deliveries: pd.DataFrame, commitments: pd.DataFrame, today: date) -> Headline:
    this_year = fy_start_year(today)
    new_money = schedule["committed_pence"]
    paid_years = fy_of_dates(deliveries["paid_on"]) if len(deliveries) else np.zeros(0, np.int64)
    counted = commitments["commitment_id"].isin(schedule.loc[new_money != 0, "commitment_id"])
    return Headline(
        committed=int(new_money.sum()),
        headline_money=int(schedule["headline_pence"].sum()),
        delivered=int(deliveries["amount_pence"].sum()),
        due_to_date=int(new_money[schedule["financial_year"] <= this_year].sum()),
        due_this_year=int(new_money[schedule["financial_year"] == this_year].sum()),
        delivered_this_year=int(deliveries["amount_pence"].to_numpy()[paid_years == this_year].sum()),
        this_year=FinancialYear(this_year),
        qualifier=combine_qualifiers(commitments.loc[counted, "qualifier"].unique()),
        illustrative_deliveries=int(deliveries["illustrative"].sum()) if len(deliveries) else 0,
        reannounced=int(schedule["headline_pence"].sum() - new_money.sum()),
        new_money=int(schedule["new_money_pence"].sum()) if "new_money_pence" in schedule else int(new_money.sum()),
        unphased=int(new_money[schedule["financial_year"] == UNPHASED].sum()),
        estimated=int(new_money[schedule["estimated"].astype(bool)].sum()) if "estimated" in schedule else 0,
    )


def unplaced_notes(figures: Headline) -> list[str]:
    """What the yearly figures leave out or only estimate, in words (none: an empty list)."""
    return money_notes(figures.committed, figures.new_money, figures.unphased, figures.estimated)


def milestone_states(milestones: pd.DataFrame, commitments: pd.DataFrame, today: date) -> pd.DataFrame:
    """Milestones with their state: achieved (on time / N days late), overdue, due, or undated."""
    out = milestones.merge(
        commitments[["commitment_id", "ref", "purpose"]].rename(columns={"ref": "commitment_ref"}),
        on="commitment_id",
        how="left",
    )
    states, lateness = [], []
    for due, achieved in zip(out["due_on"], out["achieved_on"]):
        due = None if pd.isna(due) else due
        achieved = None if pd.isna(achieved) else achieved
        if achieved is not None:
            late = (achieved - due).days if due is not None else None
            states.append("achieved late" if late and late > 0 else "achieved")
            lateness.append(late if late and late > 0 else 0)
        elif due is None:
            states.append("no due date")
            lateness.append(0)
        elif due < today:
            states.append("overdue")
            lateness.append((today - due).days)
        else:
            states.append("due")
            lateness.append(0)
    out["state"] = states
    out["days_late"] = pd.array(lateness, dtype="int64")
    out["lateness"] = [describe_lateness(d) if d else "" for d in out["days_late"]]
    # Dated milestones first, earliest due first; undated ones after, by when achieved.
    out["_undated"] = out["due_on"].isna()
    out = out.sort_values(["_undated", "due_on", "achieved_on", "ref"], na_position="last", kind="stable")
    return out.drop(columns="_undated").reset_index(drop=True)


# --- The Delivery page: slippage by financial year and by commitment --------
#
# Slippage is money behind the committed profile: what has fallen due (every
# financial year that has started, the current one included) minus what has
# been delivered, never below zero. Money delivered early is "ahead", not
# negative slippage.
#
# A payment recorded against a re-announcing commitment (W3 restating W2's
# £1m) delivers the money of the original commitment: the re-announcement adds
# no new money, so its payments count toward the original, and the money is
# counted once on both sides. Where the original is not in view (filtered
# away, or announced after the as-at date), the re-announcement is itself the
# new money and keeps its payments (see tracker.figures.data and tracker.figures.filters).


def original_ids(commitments: pd.DataFrame) -> pd.Series:
    """For each ``commitment_id``, the id of the original commitment it restates.

    New money maps to itself; a re-announcement of a re-announcement maps to
    the first commitment of the chain. A chain that loops (bad data) stops at
    the commitment where the loop is found.
    """
    ids = commitments["commitment_id"].astype("int64").tolist()
    parent = dict(zip(ids, commitments["reannounces_id"].tolist()))
    roots = {}
    for cid in ids:
        seen, current = {cid}, cid
        while True:
            nxt = parent.get(current)
            if nxt is None or pd.isna(nxt) or int(nxt) not in parent or int(nxt) in seen:
                break
            current = int(nxt)
            seen.add(current)
        roots[cid] = current
    return pd.Series(roots, dtype="int64", name="original_id").rename_axis("commitment_id")


def _sum_by(keys: pd.Series, pence: pd.Series, index) -> np.ndarray:
    summed = pd.Series(pence.to_numpy(dtype=np.int64), index=keys.to_numpy()).groupby(level=0).sum()
    return summed.reindex(index, fill_value=0).to_numpy(dtype=np.int64)


def by_commitment(
    schedule: pd.DataFrame, deliveries: pd.DataFrame, commitments: pd.DataFrame, today: date
) -> pd.DataFrame:
    """One row per commitment: committed against delivered and its profile to date.

    Columns: ``commitment_id, ref, purpose, recipient, programme, restates``
    (the ref of the original commitment for a re-announcement, else None),
    then in int64 pence ``committed`` (new money, all years in view),
    ``due_to_date`` (new money in financial years started on or before
    ``today``), ``delivered`` (payments against the commitment and against
    any re-announcement of it), ``variance`` (delivered - due to date),
    ``outstanding`` (committed - delivered) and ``slippage`` (max(0, due to
    date - delivered)); ``pct_of_due_delivered`` (delivered / due to date,
    NaN when nothing is due) and ``status`` in words.
    """
    this_year = fy_start_year(today)
    ids = commitments["commitment_id"].astype("int64").to_numpy()
    roots = original_ids(commitments)
    refs = dict(zip(ids, commitments["ref"]))

    committed = _sum_by(schedule["commitment_id"], schedule["committed_pence"], ids)
    no_year = schedule["financial_year"].to_numpy() == UNPHASED
    unphased = _sum_by(schedule["commitment_id"][no_year], schedule["committed_pence"][no_year], ids)
    started = schedule["financial_year"].to_numpy() <= this_year
    due = _sum_by(schedule["commitment_id"][started], schedule["committed_pence"][started], ids)
    counted = deliveries.loc[deliveries["commitment_id"].isin(roots.index)]
    delivered = _sum_by(counted["commitment_id"].map(roots), counted["amount_pence"], ids)

    out = commitments[["commitment_id", "ref", "purpose", "recipient", "programme"]].reset_index(drop=True).copy()
    restates = [refs[roots[cid]] if roots[cid] != cid else None for cid in ids]
    out["restates"] = pd.Series(restates, dtype=object)
    out["committed"] = committed
    out["due_to_date"] = due
    out["delivered"] = delivered
    out["variance"] = delivered - due
    out["pct_of_due_delivered"] = np.where(due != 0, delivered / np.where(due == 0, 1, due), np.nan)
    out["outstanding"] = committed - delivered
    out["slippage"] = np.maximum(due - delivered, 0)
    out["status"] = [
        commitment_status(int(c), int(d), int(p), r, int(u))
        for c, d, p, r, u in zip(committed, due, delivered, restates, unphased)
    ]
    money = ["committed", "due_to_date", "delivered", "variance", "outstanding", "slippage"]
    return out.astype({m: "int64" for m in money})


def slippage_by_year(
    schedule: pd.DataFrame, deliveries: pd.DataFrame, commitments: pd.DataFrame, today: date
) -> pd.DataFrame:
    """Committed against delivered per financial year, cumulatively, with slippage.

    The yearly frame of ``committed_vs_delivered`` (with its ``UNPHASED`` row
    last, when some money has no year) with ``with_progress`` columns, plus
    ``qualifier`` (of the year's committed money), ``started`` (the year
    began on or before ``today``; never for unphased money), ``slippage``
    (int64 pence: max(0, cumulative committed - cumulative delivered) for
    started years, 0 otherwise) and ``status`` in words.
    """
    yearly = with_progress(committed_vs_delivered(schedule, deliveries, commitments, unphased=True))
    qualifiers = year_qualifiers(schedule, commitments)
    yearly["qualifier"] = [qualifiers.get(int(y), "exact") for y in yearly["financial_year"]]
    return with_slippage(yearly, today)


def with_slippage(yearly: pd.DataFrame, today: date) -> pd.DataFrame:
    """``started``, ``slippage`` and ``status`` from the cumulative columns (changed in place; returned)."""
    years = yearly["financial_year"].to_numpy()
    started = (years <= fy_start_year(today)) & (years != UNPHASED)
    behind = (yearly["cumulative_committed"] - yearly["cumulative_delivered"]).to_numpy(dtype=np.int64)
    yearly["started"] = started
    yearly["slippage"] = np.where(started, np.maximum(behind, 0), 0).astype(np.int64)
    yearly["status"] = [
        _("year not stated") if y == UNPHASED else year_status(bool(s), int(b))
        for y, s, b in zip(years, started, behind)
    ]
    return yearly


def deliveries_in_year(deliveries: pd.DataFrame, commitments: pd.DataFrame, year: int) -> pd.DataFrame:
    """The delivery records dated in one financial year (``UNPHASED``: the
    undated ones), earliest first.

    Columns: ``ref, paid_on, commitment_ref, counted_toward`` (the original
    commitment's ref, which differs for a re-announcement), ``purpose`` (of
    the commitment recorded), ``amount_pence`` (int64), ``kind, note,
    illustrative``.
    """
    columns = [
        "ref",
        "paid_on",
        "commitment_ref",
        "counted_toward",
        "purpose",
        "amount_pence",
        "kind",
        "note",
        "illustrative",
    ]
    if deliveries.empty:
        return pd.DataFrame({c: pd.Series(dtype="int64" if c == "amount_pence" else "object") for c in columns})
    roots = original_ids(commitments)
    inside = deliveries.loc[
        (fy_of_dates(deliveries["paid_on"]) == int(year)) & deliveries["commitment_id"].isin(roots.index).to_numpy()
    ]
    info = commitments.set_index("commitment_id")
    out = inside.copy()
    out["commitment_ref"] = out["commitment_id"].map(info["ref"])
    out["counted_toward"] = out["commitment_id"].map(roots).map(info["ref"])
    out["purpose"] = out["commitment_id"].map(info["purpose"])
    out = out.sort_values(["paid_on", "ref"], kind="stable").reset_index(drop=True)
    return out[columns].astype({"amount_pence": "int64"})


@dataclass(frozen=True)
class DeliveryProgress:
    """Everything the Delivery page shows, in pence, from one filtered view."""

    by_year: pd.DataFrame  # see slippage_by_year
    by_commitment: pd.DataFrame  # see by_commitment
    year_summary: str
    delivery_count: int
    illustrative_deliveries: int
    # The "% of what is due delivered" chart's bars (tracker.figures.shortfall.chart_rows).
    shortfall: pd.DataFrame | None = None

    @property
    def is_empty(self) -> bool:
        """No financial year in view has money committed or delivered."""
        return self.by_year.empty

    @property
    def years(self) -> list[str]:
        return list(self.by_year["label"])

    @property
    def latest_year(self) -> int:
        """Position in ``years`` of the last financial year (the unphased row comes after it)."""
        phased = self.by_year["financial_year"].to_numpy() != UNPHASED
        return int(np.flatnonzero(phased)[-1]) if phased.any() else 0

    @property
    def notes(self) -> list[str]:
        """New money, unphased and estimated money in words (see ``money_notes``)."""
        yearly = self.by_year
        unphased = yearly.loc[yearly["financial_year"] == UNPHASED, "committed"]
        return money_notes(
            int(yearly["committed"].sum()),
            int(yearly["new_money"].sum()),
            int(unphased.sum()),
            int(yearly["estimated"].sum()),
        )

    def year_sentence(self, label: str) -> str:
        """'In 2021-22, £5.4m was committed and £5.4m delivered (100%).'"""
        rows = self.by_year.loc[self.by_year["label"] == label]
        if rows.empty:
            return ""
        row = next(rows.itertuples(index=False))
        if row.committed == 0 and row.delivered == 0:
            return _("In {year}, nothing was committed and nothing was delivered.", year=label)
        return year_sentence(row)

    def start_year(self, label: str) -> int:
        """The financial year (start year, or ``UNPHASED``) a label in ``years`` stands for."""
        rows = self.by_year.loc[self.by_year["label"] == label, "financial_year"]
        if rows.empty:
            raise ValueError(f"no financial year {label!r} in this view")
        return int(rows.iloc[0])


def progress(
    schedule: pd.DataFrame, deliveries: pd.DataFrame, commitments: pd.DataFrame, today: date
) -> DeliveryProgress:
    yearly = slippage_by_year(schedule, deliveries, commitments, today)
    table = by_commitment(schedule, deliveries, commitments, today)
    return DeliveryProgress(
        by_year=yearly,
        by_commitment=table,
        year_summary=cumulative_sentence(yearly),
        delivery_count=len(deliveries),
        illustrative_deliveries=int(deliveries["illustrative"].sum()) if len(deliveries) else 0,
        shortfall=chart_rows(table),
    )


def progress_of(data: TrackerData, today: date) -> DeliveryProgress:
    """``progress`` of a view, kept with it once per language (its statuses and sentence are words)."""
    return _progress_in(data, today, current())


@per_data
def _progress_in(data: TrackerData, today: date, language: str) -> DeliveryProgress:
    """``progress`` said in ``language``."""
    with speaking(language):
        return progress(data.schedule, data.deliveries, data.commitments, today)


@per_data
def deliveries_of_year(data: TrackerData, year: int) -> pd.DataFrame:
    """``deliveries_in_year`` of a view, kept with it."""
    return deliveries_in_year(data.deliveries_in_full, data.commitments, year)


def in_pounds(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A copy with pence columns as exact Decimal pounds, for display tables."""
    from tracker.core.money import to_decimal

    return frame.assign(**{c: frame[c].map(to_decimal) for c in columns})
