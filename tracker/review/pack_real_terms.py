"""The review pack's year on year in cash and real terms (issue 20), from the meeting's frozen figures.

The pack reads the meeting's snapshot, never the live data; real terms need one thing more, a
deflator release, which is not in the snapshot: the pack uses the release that is the default
when it is written, in the prices of the meeting's own financial year (its as-at date's, or the
release's nearest year: ``tracker.figures.real_terms.default_base``), and says which. A pack
written again after an admin makes another release the default says the new one.

``year_on_year_table``: per financial year with a stated year, committed and delivered in cash
and in real terms, each with its change from the year before (``tracker.figures.yearly_prices``).
"""

from __future__ import annotations

from datetime import date
from typing import Any

import pandas as pd
from sqlalchemy import Engine

from tracker.core.fiscal import parse_financial_year
from tracker.figures.real_terms import Prices, default_base
from tracker.figures.yearly_prices import YEAR_ON_YEAR, year_on_year
from tracker.files.table import Table
from tracker.i18n import N_, _
from tracker.review import as_said

TITLES = {
    "label": N_("Financial year"),
    "committed_cash": N_("Committed, cash"),
    "committed_cash_change": N_("Change, cash"),
    "committed_real": N_("Committed, real terms"),
    "committed_real_change": N_("Change, real terms"),
    "delivered_cash": N_("Delivered, cash"),
    "delivered_cash_change": N_("Change, cash"),
    "delivered_real": N_("Delivered, real terms"),
    "delivered_real_change": N_("Change, real terms"),
}


def pack_prices(engine: Engine, as_at: date) -> Prices:
    """Real terms by the default release, in the prices of the financial year of ``as_at`` (or the
    release's nearest year)."""
    from tracker.figures.deflator_releases import release_for

    release = release_for(engine, None)
    return Prices.real(release, default_base(release, as_at))


def year_on_year_table(figures: dict[str, Any], prices: Prices) -> Table | None:
    """The snapshot's years in cash and in ``prices``, with their changes; None when no year has money."""
    rows = [r for r in figures["yearly"] if not as_said.is_unphased(r)]
    if not rows:
        return None
    yearly = pd.DataFrame(
        {
            "financial_year": [parse_financial_year(r["financial_year"]).start_year for r in rows],
            "committed": [as_said.yearly_figure(r, "committed") for r in rows],
            "delivered": [as_said.yearly_figure(r, "delivered") for r in rows],
        }
    ).astype("int64")
    frame = year_on_year(yearly, prices)[YEAR_ON_YEAR]
    return Table(
        name="review-year-on-year",
        # Translators: a sheet name in the workbook: at most 31 characters.
        title=_("Year on year"),
        frame=frame.reset_index(drop=True),
        titles={c: _(t) for c, t in TITLES.items()},
        money_columns=tuple(YEAR_ON_YEAR[1:]),
        notes=(year_on_year_note(prices),),
    )


def year_on_year_note(prices: Prices) -> str:
    return _(
        "Cash, and {prices}: each year's money deflated once, rounded to the penny; the change is from the "
        "year before. The release is the default when this pack was written. Unphased money is in no year.",
        prices=prices.label(),
    )
