"""The review pack's chart (``tracker.review.pack_html`` inlines it): committed
and delivered by financial year from a meeting's snapshot, drawn with plotly.js
inlined once, so the file needs no network.

Money with no financial year stated (the snapshot's ``unphased`` row) is one
pair of bars after the years; the running totals are of the years only, since
unphased money belongs to none of them. Money placed in years by a chosen
spread is drawn apart and named in the legend (a schema-1 snapshot has none).
"""

from __future__ import annotations

from typing import Any

import pandas as pd
from markupsafe import Markup

from tracker.core.fiscal import UNPHASED
from tracker.review import as_said

CHART_ID = "chart-committed-delivered"


def yearly_frame(figures: dict[str, Any]) -> pd.DataFrame:
    """The snapshot's yearly rows as the chart reads them (pence; running
    totals over the years, the unphased row's being the whole)."""
    rows = figures["yearly"]
    frame = pd.DataFrame(
        {
            "label": [r["financial_year"] for r in rows],
            "financial_year": [UNPHASED if as_said.is_unphased(r) else int(r["financial_year"][:4]) for r in rows],
            "committed": pd.array([int(r["committed"]) for r in rows], dtype="int64"),
            "delivered": pd.array([int(r["delivered"]) for r in rows], dtype="int64"),
            "estimated": pd.array([int(r.get("estimated") or 0) for r in rows], dtype="int64"),
        }
    )
    frame["cumulative_committed"] = frame["committed"].cumsum()
    frame["cumulative_delivered"] = frame["delivered"].cumsum()
    return frame


def yearly_figure(figures: dict[str, Any]):
    """Committed and delivered bars per financial year with cumulative lines,
    drawn as the Overview draws them (``tracker.figures.yearly_chart``)."""
    from tracker.figures.yearly_chart import committed_vs_delivered

    fig = committed_vs_delivered(yearly_frame(figures))
    fig.update_layout(template="plotly_white")
    return fig


def chart_html(figures: dict[str, Any]) -> Markup:
    """The chart as a ``<div>`` and the script that draws it with the inlined plotly.js."""
    import plotly.io as pio

    fig = yearly_figure(figures)
    return Markup(
        pio.to_html(
            fig,
            include_plotlyjs=False,
            full_html=False,
            div_id=CHART_ID,
            default_width="100%",
            default_height="440px",
            config={"displaylogo": False, "displayModeBar": False, "responsive": True},
        )
    )


def plotly_js() -> str:
    """plotly.js itself, to inline once in the head."""
    from plotly.offline import get_plotlyjs

    return get_plotlyjs()
