"""The Overview's yearly figures in the prices chosen, and year on year in cash and real terms (issue 20).

``yearly_in_prices``: the yearly frame (``tracker.figures.data.Overview.yearly``) in ``prices``: money
cells deflated once each (``real_terms.in_prices``), % delivered and the running totals worked out
again from the rounded cells; rows with no real-terms value (unphased money, years the release holds
no index for) keep blank cells and say why in ``prices``. ``drawn`` is the rows a chart can draw.

``year_on_year``: per financial year, committed and delivered in cash and in real terms side by side,
each with its change from the year before (blank for the first year, and in real terms where either
year has no value). Unphased money is in no year, so it is not here.
"""

from __future__ import annotations

from datetime import date

import numpy as np
import pandas as pd

from tracker.core.fiscal import UNPHASED, fy_label
from tracker.figures.delivery import cumulative_sentence, with_slippage
from tracker.figures.delivery_words import year_sentence
from tracker.figures.real_terms import REAL, Prices, in_prices, without_value

MONEY = ["committed", "delivered", "variance", "new_money", "estimated"]


def yearly_in_prices(yearly: pd.DataFrame, prices: Prices) -> pd.DataFrame:
    """``yearly`` in ``prices`` (cash: as it is), with a ``prices`` column in real terms."""
    if not prices.is_real:
        return yearly
    out = in_prices(yearly, prices, [m for m in MONEY if m in yearly])
    out["prices"] = [prices.status(int(y)) for y in out["financial_year"]]
    valued = (out["prices"] == REAL).to_numpy()
    committed = out["committed"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    delivered = out["delivered"].astype("Float64").to_numpy(dtype=float, na_value=np.nan)
    out["pct_delivered"] = np.where(
        valued & (committed != 0), delivered / np.where(committed == 0, 1, committed), np.nan
    )
    for name in ("committed", "delivered"):
        running = out[name].where(valued).fillna(0).cumsum()
        out[f"cumulative_{name}"] = pd.array(np.where(valued, running, pd.NA), dtype="Int64")
    return out


def drawn(yearly: pd.DataFrame) -> pd.DataFrame:
    """The rows of a yearly frame that have a value in its prices, as plain int64 pence (for charts)."""
    if "prices" not in yearly:
        return yearly
    kept = yearly.loc[yearly["prices"] == REAL].copy()
    money = [c for c in (*MONEY, "cumulative_committed", "cumulative_delivered") if c in kept]
    return kept.astype({c: "int64" for c in money}).reset_index(drop=True)


def sentences(yearly: pd.DataFrame) -> list[str]:
    """One sentence per year drawn, in the frame's prices (the chart's details)."""
    return [year_sentence(row) for row in drawn(yearly).itertuples(index=False)]


def left_out(yearly: pd.DataFrame, prices: Prices) -> dict[str, list[str]]:
    """The year labels of ``yearly``'s rows with no value in ``prices``, by why; empty in cash."""
    return without_value(yearly["financial_year"], prices)


def delivery_in_prices(by_year: pd.DataFrame, prices: Prices, today: date) -> tuple[pd.DataFrame, str | None]:
    """The Delivery page's yearly frame (``DeliveryProgress.by_year``) in ``prices``: the years with a value,
    their running totals, slippage and statuses worked out again from the rounded cells (from the first
    year shown); and the sentence under its chart (None: in cash, the page's own)."""
    if not prices.is_real:
        return by_year, None
    real = drawn(yearly_in_prices(by_year, prices))
    real = with_slippage(real.astype({"slippage": "int64"}) if "slippage" in real else real, today)
    return real, cumulative_sentence(real)


YEAR_ON_YEAR = [
    "label",
    "committed_cash",
    "committed_cash_change",
    "committed_real",
    "committed_real_change",
    "delivered_cash",
    "delivered_cash_change",
    "delivered_real",
    "delivered_real_change",
]


def year_on_year(yearly: pd.DataFrame, prices: Prices) -> pd.DataFrame:
    """Committed and delivered per year in cash and in ``prices`` (real terms), each with its change from
    the previous year; int pence, ``<NA>`` where there is no value (``YEAR_ON_YEAR`` columns)."""
    assert prices.is_real
    years = yearly.loc[yearly["financial_year"] != UNPHASED, ["financial_year", "committed", "delivered"]]
    years = years.reset_index(drop=True)
    real = in_prices(years, prices, ["committed", "delivered"])
    out = pd.DataFrame(
        {"financial_year": years["financial_year"], "label": [fy_label(int(y)) for y in years["financial_year"]]}
    )
    for name in ("committed", "delivered"):
        cash = pd.array(years[name].astype("int64"), dtype="Int64")
        out[f"{name}_cash"] = cash
        out[f"{name}_real"] = real[name].astype("Int64")
        for kind in ("cash", "real"):
            column = out[f"{name}_{kind}"]
            out[f"{name}_{kind}_change"] = column - column.shift(1)
    return out[["financial_year", *YEAR_ON_YEAR]]
