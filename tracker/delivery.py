"""Commitments against delivery: variance, % delivered, outstanding, due by a date.

Definitions used everywhere (and shown to users in the dashboard's notes):

* **committed**: new money in a financial year: a re-announcement adds
  nothing; "over" amounts count at their floor, "up to" at their ceiling.
* **delivered**: payments and spend recorded, in the financial year of their
  date. Corrections are negative deliveries.
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

import numpy as np
import pandas as pd

from tracker.fiscal import FinancialYear, fy_start_year

NO_VALUE = "(none)"
MONEY = ["committed", "delivered", "variance"]


def fy_of_dates(dates: pd.Series) -> np.ndarray:
    """Start year of the financial year of each date (vectorised)."""
    stamps = pd.to_datetime(pd.Series(dates), errors="raise")
    return (stamps.dt.year - (stamps.dt.month < 4)).to_numpy(dtype=np.int64)


def _year_range(*years: np.ndarray) -> np.ndarray:
    present = np.concatenate([np.asarray(y, dtype=np.int64) for y in years]) if years else np.zeros(0, np.int64)
    if len(present) == 0:
        return np.zeros(0, np.int64)
    return np.arange(present.min(), present.max() + 1, dtype=np.int64)


def committed_vs_delivered(
    schedule: pd.DataFrame,
    deliveries: pd.DataFrame,
    commitments: pd.DataFrame,
    by: str | None = None,
) -> pd.DataFrame:
    """One row per financial year (per group with ``by``), zero-filled from the
    first to the last year with money: committed, delivered, variance (pence)."""
    committed = schedule.loc[schedule["new_money_pence"] != 0]
    paid = deliveries.assign(financial_year=fy_of_dates(deliveries["paid_on"]) if len(deliveries) else [])
    if by is not None:
        labels = commitments.set_index("commitment_id")[by].fillna(NO_VALUE)
        committed = committed.assign(group=committed["commitment_id"].map(labels))
        paid = paid.assign(group=paid["commitment_id"].map(labels))
    keys = (["group"] if by else []) + ["financial_year"]

    committed_sum = committed.groupby(keys)["new_money_pence"].sum().rename("committed")
    delivered_sum = paid.loc[paid["amount_pence"] != 0].groupby(keys)["amount_pence"].sum().rename("delivered")
    years = _year_range(committed_sum.index.get_level_values("financial_year"),
                        delivered_sum.index.get_level_values("financial_year"))
    if by is None:
        index = pd.Index(years, name="financial_year")
    else:
        groups = sorted(set(committed_sum.index.get_level_values("group")) | set(delivered_sum.index.get_level_values("group")))
        index = pd.MultiIndex.from_product([groups, years], names=["group", "financial_year"])
    frame = pd.concat([committed_sum, delivered_sum], axis=1).reindex(index).fillna(0).astype("int64")
    frame["variance"] = frame["delivered"] - frame["committed"]
    frame = frame.reset_index()
    if by is not None:
        frame = frame.rename(columns={"group": by})
    return frame[[*([by] if by else []), "financial_year", *MONEY]]


def with_progress(yearly: pd.DataFrame) -> pd.DataFrame:
    """Add % delivered and cumulative committed/delivered to a yearly frame."""
    out = yearly.copy()
    committed = out["committed"].to_numpy()
    out["pct_delivered"] = np.where(committed != 0, out["delivered"] / np.where(committed == 0, 1, committed), np.nan)
    out["cumulative_committed"] = out["committed"].cumsum().astype("int64")
    out["cumulative_delivered"] = out["delivered"].cumsum().astype("int64")
    out["label"] = [FinancialYear(int(y)).label for y in out["financial_year"]]
    return out


def year_qualifiers(schedule: pd.DataFrame, commitments: pd.DataFrame) -> dict[int, str]:
    """How exact each year's committed total is: ``exact``, ``at least``, ``up to`` or ``about``."""
    counted = schedule.loc[schedule["new_money_pence"] != 0, ["commitment_id", "financial_year"]]
    quals = counted.merge(commitments[["commitment_id", "qualifier"]], on="commitment_id")
    return {int(year): combine_qualifiers(group["qualifier"]) for year, group in quals.groupby("financial_year")}


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
    reannounced: int  # headline money that re-announced earlier commitments

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
    new_money = schedule["new_money_pence"]
    paid_years = fy_of_dates(deliveries["paid_on"]) if len(deliveries) else np.zeros(0, np.int64)
    counted = commitments.loc[commitments["commitment_id"].isin(schedule.loc[new_money != 0, "commitment_id"])]
    return Headline(
        committed=int(new_money.sum()),
        headline_money=int(schedule["headline_pence"].sum()),
        delivered=int(deliveries["amount_pence"].sum()),
        due_to_date=int(new_money[schedule["financial_year"] <= this_year].sum()),
        due_this_year=int(new_money[schedule["financial_year"] == this_year].sum()),
        delivered_this_year=int(deliveries["amount_pence"].to_numpy()[paid_years == this_year].sum()),
        this_year=FinancialYear(this_year),
        qualifier=combine_qualifiers(counted["qualifier"]),
        illustrative_deliveries=int(deliveries["illustrative"].sum()) if len(deliveries) else 0,
        reannounced=int(schedule["headline_pence"].sum() - new_money.sum()),
    )


def qualified(text: str, qualifier: str) -> str:
    """``£1.5m`` with its qualifier: ``at least £1.5m``, ``up to £1.5m``, ``about £1.5m``."""
    return text if qualifier == "exact" else f"{qualifier} {text}"


def year_sentence(row) -> str:
    """'In 2021-22, £5.4m was committed and £5.4m delivered (100%).'"""
    from tracker.money import format_short

    committed = qualified(format_short(int(row.committed)), getattr(row, "qualifier", "exact"))
    delivered = format_short(int(row.delivered))
    if row.committed:
        share = f" ({row.delivered / row.committed:.0%})"
    else:
        share = ""
    if row.committed == 0:
        return f"In {row.label}, no new money was committed and {delivered} was delivered."
    if row.delivered == 0:
        return f"In {row.label}, {committed} was committed and nothing has been recorded as delivered yet."
    return f"In {row.label}, {committed} was committed and {delivered} delivered{share}."


def milestone_states(milestones: pd.DataFrame, commitments: pd.DataFrame, today: date) -> pd.DataFrame:
    """Milestones with their state: achieved (on time / N days late), overdue, due, or undated."""
    out = milestones.merge(commitments[["commitment_id", "ref", "purpose"]].rename(columns={"ref": "commitment_ref"}),
                           on="commitment_id", how="left")
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
