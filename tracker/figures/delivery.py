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
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, FinancialYear, fy_label, fy_start_year
from tracker.figures.shared import per_data
from tracker.figures.shortfall import chart_rows
from tracker.figures.table_cells import percent
from tracker.figures.totals import committed_vs_delivered, fy_of_dates

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


def combine_qualifiers(qualifiers) -> str:
    """The qualifier of a sum: "over" parts make it "at least", "up to" parts "up to"."""
    kinds = set(qualifiers) - {"exact"}
    if not kinds:
        return "exact"
    if kinds == {"over"}:
        return "at least"
    if kinds == {"up to"}:
        return "up to"
    return "about"


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


def money_notes(committed: int, new_money: int, unphased: int, estimated: int) -> list[str]:
    """Sentences on new money, unphased and estimated money (pence in)."""
    from tracker.core.money import format_short

    notes = []
    if new_money != committed:
        notes.append(
            f"New money: {format_short(new_money)} of the {format_short(committed)} committed; "
            "the rest was announced before."
        )
    if unphased:
        notes.append(
            f"{format_short(unphased)} of committed money is unphased: its financial year was not stated. "
            "It counts in every total, in its own row after the years, and is never placed in a year by guess."
        )
    if estimated:
        notes.append(
            f"{format_short(estimated)} is placed in years by a chosen spread of a multi-year total: "
            "those years are estimated."
        )
    return notes


def qualified(text: str, qualifier: str) -> str:
    """``£1.5m`` with its qualifier: ``at least £1.5m``, ``up to £1.5m``, ``about £1.5m``."""
    return text if qualifier == "exact" else f"{qualifier} {text}"


def year_sentence(row) -> str:
    """'In 2021-22, £5.4m was committed and £5.4m delivered (100%).'

    The unphased row says that its year was not stated; a year with money
    placed by a chosen spread says how much of it is estimated."""
    from tracker.core.money import format_short

    committed = qualified(format_short(int(row.committed)), getattr(row, "qualifier", "exact"))
    estimated = int(getattr(row, "estimated", 0) or 0)
    if estimated:
        part = "all of it" if estimated == int(row.committed) else f"{format_short(estimated)} of it"
        committed += f" ({part} estimated by a chosen spread)"
    delivered = format_short(int(row.delivered))
    share = f" ({percent(row.delivered / row.committed)})" if row.committed else ""
    if int(row.financial_year) == UNPHASED:
        if row.committed == 0:
            return f"Unphased: {delivered} was delivered with no date, and no money without a stated year."
        if row.delivered == 0:
            return f"Unphased: {committed} was committed with no financial year stated; nothing delivered undated."
        return f"Unphased: {committed} was committed with no financial year stated, and {delivered} delivered undated."
    if row.committed == 0 and row.delivered == 0:
        return f"In {row.label}, nothing was committed or delivered."
    if row.committed == 0:
        return f"In {row.label}, nothing was committed and {delivered} was delivered."
    if row.delivered == 0:
        return f"In {row.label}, {committed} was committed and nothing has been recorded as delivered yet."
    return f"In {row.label}, {committed} was committed and {delivered} delivered{share}."


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


def describe_lateness(days: int) -> str:
    """A person's way of saying how late: '12 days late', 'about 8 months late'."""
    if days < 45:
        return f"{days} day{'s' if days != 1 else ''} late"
    months = round(days / 30.44)
    if months < 18:
        return f"about {months} months late"
    return f"about {days / 365.25:.1f} years late"


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


def commitment_status(committed: int, due: int, delivered: int, restates: str | None = None, unphased: int = 0) -> str:
    """Where one commitment stands against its profile, in words (money with
    no stated year is never due, so it has no profile to be ahead of)."""
    from tracker.core.money import format_short

    if restates:
        return f"restates {restates}: counted there"
    if committed == 0 and delivered == 0:
        return "nothing committed"
    if committed and unphased == committed:
        return "no year stated" + (f": {format_short(delivered)} delivered" if delivered else "")
    if due == 0 and delivered == 0:
        return "not yet due"
    if delivered < due:
        return f"behind by {format_short(due - delivered)}"
    if delivered > due:
        return f"ahead by {format_short(delivered - due)}"
    return "on profile"


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
        "year not stated" if y == UNPHASED else year_status(bool(s), int(b)) for y, s, b in zip(years, started, behind)
    ]
    return yearly


def year_status(started: bool, behind: int) -> str:
    """Where the cumulative profile stands at the end of a year, in words."""
    from tracker.core.money import format_short

    if not started:
        return "not yet started"
    if behind > 0:
        return f"behind by {format_short(behind)}"
    if behind < 0:
        return f"ahead by {format_short(-behind)}"
    return "on profile"


def cumulative_sentence(yearly: pd.DataFrame, earlier: pd.Series | None = None) -> str:
    """One line under the cumulative chart, for the last year that has started.

    'By the end of 2022-23, at least £13.3m had been committed and £12.52m
    delivered (94.1%): £780k behind the committed profile.' ``earlier``: the
    qualifiers of years before those in ``yearly`` that its cumulative columns count.
    """
    from tracker.core.money import format_short

    phased = yearly.loc[yearly["financial_year"] != UNPHASED]
    if phased.empty:
        if not yearly.empty:
            return "None of this money has a stated financial year, so none of it has fallen due."
        return "No money is committed or delivered in this view."
    started = phased.loc[phased["started"]]
    if started.empty:
        first = phased.iloc[0]
        return f"None of this money is due yet: the first year, {first['label']}, has not started."
    last = started.iloc[-1]
    committed, delivered = int(last["cumulative_committed"]), int(last["cumulative_delivered"])
    counted = started["qualifier"] if earlier is None else pd.concat([earlier, started["qualifier"]])
    so_far = combine_qualifiers(counted.replace("at least", "over"))
    share = f" ({percent(delivered / committed)})" if committed else ""
    behind = committed - delivered
    if behind > 0:
        where = f": {format_short(behind)} behind the committed profile"
    elif behind < 0:
        where = f": {format_short(-behind)} ahead of the committed profile"
    else:
        where = ": on profile"
    return (
        f"By the end of {last['label']}, {qualified(format_short(committed), so_far)} had been committed and "
        f"{format_short(delivered)} delivered{share}{where}."
    )


def commitments_sentence(table: pd.DataFrame) -> str:
    """'3 of 6 commitments are behind their profile by £780k in all.'"""
    from tracker.core.money import format_short

    total = len(table)
    behind = table.loc[table["slippage"] > 0]
    noun = "commitment" if total == 1 else "commitments"
    if total == 0:
        return "No commitments in this view."
    if behind.empty:
        if total > 1:
            return f"None of the {total} {noun} is behind its profile."
        return "The commitment is not behind its profile."
    amount = format_short(int(behind["slippage"].sum()))
    if len(behind) == 1:
        return f"1 of {total} {noun} is behind its profile, by {amount}."
    return f"{len(behind)} of {total} {noun} are behind their profile by {amount} in all."


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
            return f"In {label}, nothing was committed and nothing was delivered."
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


@per_data
def progress_of(data: TrackerData, today: date) -> DeliveryProgress:
    """``progress`` of a view, kept with it."""
    return progress(data.schedule, data.deliveries, data.commitments, today)


@per_data
def deliveries_of_year(data: TrackerData, year: int) -> pd.DataFrame:
    """``deliveries_in_year`` of a view, kept with it."""
    return deliveries_in_year(data.deliveries_in_full, data.commitments, year)


def in_pounds(frame: pd.DataFrame, columns) -> pd.DataFrame:
    """A copy with pence columns as exact Decimal pounds, for display tables."""
    from tracker.core.money import to_decimal

    return frame.assign(**{c: frame[c].map(to_decimal) for c in columns})
