"""The "Prices" choice the Overview, Delivery and Finance pages share: cash, or real terms in the
prices of a base year by a deflator release (``tracker.figures.real_terms``).

What a person chose is remembered for the session (``CHOSEN``), so it holds as they move between
those pages; each page's widgets have their own keys (Streamlit forgets a widget's state when its
page is left) and start from the remembered choice. The releases are read each run: an admin may
load one or make another the default at any time.
"""

from __future__ import annotations

import streamlit as st

from dashboard.components import engine
from tracker.core.clock import today
from tracker.core.fiscal import fy_range
from tracker.figures.deflator_releases import release_for, releases
from tracker.figures.markdown_text import escape_markdown
from tracker.figures.real_terms import CASH, Prices, default_base
from tracker.i18n import _

CHOSEN = "_prices_chosen"  # (real: bool, base label or None, release name or None)
CASH_OR_REAL = ("cash", "real")


def prices_choice(page: str) -> Prices:
    """The prices ``page`` shows its figures in, asked for under its title."""
    state = st.session_state
    real_before, base_before, release_before = state.get(CHOSEN, (False, None, None))
    kind_key, base_key, release_key = f"{page}_prices", f"{page}_prices_base", f"{page}_prices_release"
    if kind_key not in state:
        state[kind_key] = "real" if real_before else "cash"
    kind = st.segmented_control(
        _("Prices"),
        list(CASH_OR_REAL),
        key=kind_key,
        format_func=lambda key: _("Cash") if key == "cash" else _("Real terms"),
        help=_(
            "Cash: money as announced and paid. Real terms: each year's money in the prices of one base "
            "year, by a deflator release (nominal × base year's index ÷ that year's index, to the penny)."
        ),
    )
    if kind != "real":
        state[CHOSEN] = (False, base_before, release_before)
        return CASH
    known = releases(engine())
    names = [r.name for r in known]
    default = next((r.name for r in known if r.is_default), names[0])
    if state.get(release_key) not in names:
        state[release_key] = release_before if release_before in names else default
    year_column, release_column = st.columns([1, 3])
    name = release_column.selectbox(_("Deflator release"), names, key=release_key)
    release = release_for(engine(), name)
    years = [year.label for year in reversed(fy_range(release.first, release.last))]
    if state.get(base_key) not in years:
        state[base_key] = base_before if base_before in years else default_base(release, today()).label
    base = year_column.selectbox(_("Base year (prices of)"), years, key=base_key)
    state[CHOSEN] = (True, base, name)
    chosen = Prices.real(release, next(y for y in fy_range(release.first, release.last) if y.label == base))
    st.caption(escape_markdown(_("Figures in {prices}.", prices=chosen.label())))  # (a release's name is anyone's)
    return chosen


def real_terms_or_default(prices: Prices) -> Prices:
    """``prices`` when they are real terms, else real terms by the default release in its default base year
    (for what compares cash with real terms whatever the page shows)."""
    if prices.is_real:
        return prices
    release = release_for(engine(), None)
    return Prices.real(release, default_base(release, today()))
