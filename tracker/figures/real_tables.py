"""The Finance page's summary tables in real terms (issue 20): a financial year per column (the pivots)
or per row (the yearly totals), each cell deflated once (``tracker.figures.real_terms``).

Totals are summed from the rounded cells, so a table adds up: a pivot's Total column is each row's sum
and its Total row each year's sum of the rows above, except where the Total row in cash is not the sum
of the rows (the area pivot, whose money naming several areas is under each but counted once): there
the Total row's own cells are deflated. A year the release holds no index for, and unphased money,
have no real-terms value: their columns (or rows) are left out of the table, and its notes say which
and why. Record lists (commitments, schedule, deliveries) stay in cash, as recorded: they import again.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from tracker.core.deflators import ratio, scaled
from tracker.core.fiscal import UNPHASED, FinancialYear, FiscalError, parse_financial_year
from tracker.figures.real_terms import PRICE_WORDS, REAL, Prices, without_value
from tracker.files.table import Table
from tracker.i18n import _


def prices_note(prices: Prices) -> str:
    """The note every real-terms table carries: what its money is in."""
    return _(
        "In {prices}: each cell deflated once and rounded to the penny; totals are sums of the cells.",
        prices=prices.label(),
    )


def left_out_note(left: dict[str, list[str]]) -> tuple[str, ...]:
    """'Not in real terms: 2025-26, 2026-27 (no deflator).' per reason, for a table's notes."""
    return tuple(
        _("Left out, no real-terms value: {years} ({why}).", years=", ".join(years), why=_(PRICE_WORDS[why]))
        for why, years in left.items()
    )


def labelled(table: Table, prices: Prices) -> Table:
    """``table`` with ``prices,base_year,deflator_release`` at the end of every row, as the Totals CSV in real
    terms has them (what a downloaded file says of its figures); a table in cash, as it is."""
    if not prices.is_real:
        return table
    assert prices.release is not None and prices.base is not None
    status, base, release = REAL, prices.base.label, prices.release.name
    cells = {"prices": status, "base_year": base, "deflator_release": release}
    frame = table.frame.assign(**cells)
    return replace(table, frame=frame, titles={**table.titles, **{c: c for c in cells}})


def _year_of(column: str) -> int | None:
    """The start year of a column labelled with a financial year (``unphased``: ``UNPHASED``); None otherwise."""
    if column == "unphased":
        return UNPHASED
    try:
        return parse_financial_year(column).start_year
    except FiscalError:
        return None


def pivot_in_prices(table: Table, prices: Prices) -> Table:
    """A pivot (``tracker.figures.pivots.pivot_table``: years as columns, a Total column and row) in ``prices``."""
    if not prices.is_real:
        return table
    frame = table.frame
    found = {c: _year_of(c) for c in table.money_columns if c != table.row_total}
    years = {c: y for c, y in found.items() if y is not None}
    kept = [c for c, y in years.items() if prices.status(y) == REAL]
    left = without_value(years.values(), prices)
    body, total = frame.iloc[:-1], frame.iloc[-1]
    out = frame.drop(columns=[c for c in years if c not in kept]).copy()
    assert prices.release is not None and prices.base is not None
    for column in kept:
        by = ratio(FinancialYear(years[column]), prices.base, prices.release)
        assert by is not None  # (kept: the release has the year)
        out[column] = scaled(frame[column].to_numpy(dtype=np.int64), by)
        if int(body[column].sum()) == int(total[column]):  # the Total row adds the rows up: so it does here
            out.loc[out.index[-1], column] = int(out[column].iloc[:-1].sum())
    if table.row_total:
        out[table.row_total] = out[kept].sum(axis=1).astype("int64") if kept else np.int64(0)
    out = out.astype({c: "int64" for c in [*kept, *([table.row_total] if table.row_total else [])]})
    return replace(
        table,
        frame=out.reset_index(drop=True),
        titles={c: t for c, t in table.titles.items() if c in out.columns},
        money_columns=tuple(c for c in table.money_columns if c in out.columns),
        notes=(*table.notes, prices_note(prices), *left_out_note(left)),
    )
