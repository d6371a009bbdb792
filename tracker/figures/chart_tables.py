"""Each chart as a table: what the chart draws, row by row, for a reader who
cannot see it or wants the exact figures (its "Show as table" option,
``dashboard.chart_panel``). One function per chart, named as the chart
(``dashboard.charts``), from the same data.

Money stays in pence here (the page writes it in pounds, as every table);
a blank is a value the chart does not draw. These tables are only shown
(never written to a file), so their headings, the words in their cells and
the unphased row's label are in the language in use.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import pandas as pd

from tracker.core.fiscal import UNPHASED, UNPHASED_LABEL, fy_label
from tracker.figures.chart_style import clip, series_name, year_shown
from tracker.figures.chart_summaries import against_committed, against_original
from tracker.i18n import _


@dataclass(frozen=True)
class ChartTable:
    """``frame``'s ``headings`` columns, in that order, under those headings;
    ``money`` columns hold pence (or None), ``shares`` a fraction (0.93)."""

    frame: pd.DataFrame
    headings: Mapping[str, str]
    money: frozenset[str] = field(default_factory=frozenset)
    shares: frozenset[str] = field(default_factory=frozenset)

    @property
    def shown(self) -> pd.DataFrame:
        return self.frame[list(self.headings)]


def _pence(values) -> list[int]:
    return [int(p) for p in values]


def _drawn(values, drawn) -> pd.Series:
    """Pence where ``drawn``, else blank (None: never a float NaN)."""
    return pd.Series([int(p) if shown else None for p, shown in zip(values, drawn)], dtype=object)


def committed_vs_delivered(yearly: pd.DataFrame) -> ChartTable:
    """The Overview chart: each year's committed (and the part of it
    estimated, when any is), delivered, delivered against committed in words,
    and the running totals the lines draw (none for unphased money)."""
    phased = (yearly["financial_year"] != UNPHASED).to_numpy()
    estimated = yearly["estimated"] if "estimated" in yearly else pd.Series(0, index=yearly.index)
    frame = pd.DataFrame(
        {
            "label": [year_shown(label) for label in yearly["label"]],
            "committed": _pence(yearly["committed"]),
            "estimated": _pence(estimated),
            "delivered": _pence(yearly["delivered"]),
            "against": against_committed(yearly["committed"], yearly["delivered"]),
            "cumulative_committed": _drawn(yearly["cumulative_committed"], phased),
            "cumulative_delivered": _drawn(yearly["cumulative_delivered"], phased),
        }
    )
    headings = {
        "label": _("Financial year"),
        "committed": _("Committed"),
        **({"estimated": _("Of which estimated")} if int(estimated.sum()) else {}),
        "delivered": _("Delivered"),
        "against": _("Delivered against committed"),
        "cumulative_committed": _("Committed to date"),
        "cumulative_delivered": _("Delivered to date"),
    }
    money = {"committed", "estimated", "delivered", "cumulative_committed", "cumulative_delivered"}
    return ChartTable(frame, headings, money=frozenset(money))


def cumulative_slippage(by_year: pd.DataFrame) -> ChartTable:
    """The Delivery page's cumulative chart: for each year (unphased money
    has none, so it is left out as the chart leaves it), committed and
    delivered to date, how far behind the profile and the year's standing in
    words, and the money placed in the year by a chosen spread, when any is."""
    years = by_year.loc[by_year["financial_year"] != UNPHASED]
    estimated = years["estimated"] if "estimated" in years else pd.Series(0, index=years.index)
    frame = pd.DataFrame(
        {
            "label": list(years["label"]),
            "cumulative_committed": _pence(years["cumulative_committed"]),
            "cumulative_delivered": _pence(years["cumulative_delivered"]),
            "slippage": _pence(years["slippage"]),
            "status": list(years["status"]),
            "estimated": _pence(estimated),
        }
    )
    headings = {
        "label": _("Financial year"),
        "cumulative_committed": _("Committed to date"),
        "cumulative_delivered": _("Delivered to date"),
        "slippage": _("Behind profile"),
        "status": _("At year end"),
        **({"estimated": _("Estimated in the year")} if int(estimated.sum()) else {}),
    }
    money = {"cumulative_committed", "cumulative_delivered", "slippage", "estimated"}
    return ChartTable(frame, headings, money=frozenset(money))


def share_of_due_delivered(rows: pd.DataFrame) -> ChartTable:
    """The Delivery page's "% of what is due delivered" chart: one row per bar
    (``tracker.figures.shortfall.chart_rows``), in the chart's order."""
    frame = pd.DataFrame(
        {
            "name": list(rows["name"]),
            "share": [float(s) for s in rows["share"]],
            "delivered": _pence(rows["delivered"]),
            "due": _pence(rows["due"]),
            "status": list(rows["status"]),
        }
    )
    headings = {
        "name": _("Commitment"),
        "share": _("% of due delivered"),
        "delivered": _("Delivered"),
        "due": _("Due to date"),
        "status": _("Against profile"),
    }
    return ChartTable(frame, headings, money=frozenset({"delivered", "due"}), shares=frozenset({"share"}))


def announcement_schedule(schedule: pd.DataFrame, names: Mapping[str, str] | None = None) -> ChartTable:
    """An announcement's money by year: a row per year on the chart's axis
    (every year from the first to the last, then unphased money), a column
    per commitment (named as in the legend) and the year's total, headline
    money as announced."""
    names = dict(names or {})
    years = sorted({int(y) for y in schedule["financial_year"] if int(y) != UNPHASED})
    axis = list(range(years[0], years[-1] + 1)) if years else []
    if (schedule["financial_year"] == UNPHASED).any():
        axis.append(UNPHASED)
    refs = list(dict.fromkeys(schedule.sort_values("commitment_ref")["commitment_ref"]))
    frame = pd.DataFrame({"label": [year_shown(UNPHASED_LABEL if y == UNPHASED else fy_label(y)) for y in axis]})
    headings = {"label": _("Financial year")}
    for i, ref in enumerate(refs):
        rows = schedule.loc[schedule["commitment_ref"] == ref]
        by_year = rows.groupby("financial_year")["headline_pence"].sum()
        frame[f"c{i}"] = [int(by_year.get(y, 0)) for y in axis]
        restated = int(rows["committed_pence"].sum()) == 0 and int(rows["headline_pence"].sum()) != 0
        estimated = "estimated" in rows and bool(rows["estimated"].astype(bool).any())
        headings[f"c{i}"] = series_name(clip(names.get(ref, ref), 40), reannounced=restated, estimated=estimated)
    frame["total"] = frame[[f"c{i}" for i in range(len(refs))]].sum(axis=1).astype("int64") if refs else 0
    headings["total"] = _("Total")
    money = {*(f"c{i}" for i in range(len(refs))), "total"}
    return ChartTable(frame, headings, money=frozenset(money))


def original_vs_revised(comparison: pd.DataFrame) -> ChartTable:
    """A revised commitment's chart: each year's original and revised money
    and the revised against the original in words."""
    frame = pd.DataFrame(
        {
            "financial_year": list(comparison["financial_year"]),
            "original": _pence(comparison["original"]),
            "revised": _pence(comparison["revised"]),
            "against": against_original(comparison["original"], comparison["revised"]),
        }
    )
    headings = {
        "financial_year": _("Financial year"),
        "original": _("Original profile"),
        "revised": _("Revised profile"),
        "against": _("Revised against original"),
    }
    return ChartTable(frame, headings, money=frozenset({"original", "revised"}))
