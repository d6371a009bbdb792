"""The review pack's chart (``tracker.review.pack_html`` inlines it): committed
and delivered by financial year from a meeting's snapshot, drawn with plotly.js
inlined once, so the file needs no network.

Money with no financial year stated (the snapshot's ``unphased`` row) is one
pair of bars after the years; the running totals are of the years only, since
unphased money belongs to none of them.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from markupsafe import Markup

from tracker.core.money import format_short
from tracker.figures.chart_style import OKABE_ITO, pound_axis_ticks
from tracker.review import as_said

CHART_ID = "chart-committed-delivered"


def yearly_figure(figures: dict[str, Any]):
    """Committed and delivered bars per financial year with cumulative lines:
    Okabe-Ito colours, delivered hatched and its line dashed, so the series
    differ without colour. Amounts are drawn in pounds (float for drawing
    only); the exact pence are in the table beside it."""
    import plotly.graph_objects as go

    rows = figures["yearly"]
    labels = [r["financial_year"] for r in rows]
    committed = [int(r["committed"]) for r in rows]
    delivered = [int(r["delivered"]) for r in rows]
    years = [r for r in rows if not as_said.is_unphased(r)]
    year_labels = [r["financial_year"] for r in years]
    cumulative_committed = list(np.cumsum([int(r["committed"]) for r in years], dtype=np.int64)) if years else []
    cumulative_delivered = list(np.cumsum([int(r["delivered"]) for r in years], dtype=np.int64)) if years else []

    def pounds(values: list[int]) -> list[float]:
        return [int(p) / 100 for p in values]

    def short(values: list[int]) -> list[str]:
        return [format_short(int(p)) for p in values]

    fig = go.Figure()
    fig.add_bar(
        name="Committed",
        x=labels,
        y=pounds(committed),
        marker_color=OKABE_ITO["blue"],
        marker_line=dict(color=OKABE_ITO["black"], width=1),
        customdata=short(committed),
        hovertemplate="%{x}: %{customdata} committed<extra></extra>",
    )
    fig.add_bar(
        name="Delivered",
        x=labels,
        y=pounds(delivered),
        marker_color=OKABE_ITO["orange"],
        marker_pattern_shape="/",
        marker_line=dict(color=OKABE_ITO["black"], width=1),
        customdata=short(delivered),
        hovertemplate="%{x}: %{customdata} delivered<extra></extra>",
    )
    fig.add_scatter(
        name="Cumulative committed",
        x=year_labels,
        y=pounds(cumulative_committed),
        mode="lines+markers",
        line=dict(color=OKABE_ITO["blue"], width=2),
        marker_symbol="circle",
        customdata=short(cumulative_committed),
        hovertemplate="By end of %{x}: %{customdata} committed<extra></extra>",
    )
    fig.add_scatter(
        name="Cumulative delivered",
        x=year_labels,
        y=pounds(cumulative_delivered),
        mode="lines+markers",
        line=dict(color=OKABE_ITO["vermillion"], width=2, dash="dash"),
        marker_symbol="diamond",
        customdata=short(cumulative_delivered),
        hovertemplate="By end of %{x}: %{customdata} delivered<extra></extra>",
    )
    top = int(max([0, *committed, *delivered, *cumulative_committed, *cumulative_delivered]))
    tickvals, ticktext = pound_axis_ticks(top)
    fig.update_layout(
        template="plotly_white",
        barmode="group",
        xaxis=dict(
            title="Financial year (April to March)" + (", then unphased" if len(years) < len(rows) else ""),
            type="category",
        ),
        yaxis=dict(title="Pounds", tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="x unified",
        font=dict(size=14),
    )
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
