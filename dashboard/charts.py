"""Figures for the dashboard: pure functions from DataFrames to Plotly figures.

Testable without Streamlit. Colours are Okabe-Ito (safe for colour-blind
readers), and series also differ without colour: delivered bars are hatched,
cumulative lines are solid vs dashed, and every series is named in the legend.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.money import format_short

OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "green": "#009E73",
    "vermillion": "#D55E00",
    "sky": "#56B4E9",
    "purple": "#CC79A7",
    "yellow": "#F0E442",
    "black": "#000000",
}


def _pound_axis_ticks(max_pence: int) -> tuple[list[float], list[str]]:
    """Tick positions in pounds with labels like £1.5m."""
    if max_pence <= 0:
        return [0], ["£0"]
    max_pounds = max_pence / 100
    magnitude = 10 ** max(len(str(int(max_pounds))) - 2, 0)
    step = next(magnitude * f for f in (1, 2, 5, 10, 20, 50, 100) if max_pounds / (magnitude * f) <= 6)
    ticks = [i * step for i in range(int(max_pounds // step) + 2)]
    return ticks, [format_short(int(round(t * 100))) for t in ticks]


def committed_vs_delivered(yearly: pd.DataFrame) -> go.Figure:
    """Bars of committed and delivered per financial year, with cumulative lines.

    ``yearly`` needs ``label`` (2020-21), ``committed``, ``delivered``,
    ``cumulative_committed`` and ``cumulative_delivered`` in pence.
    """
    labels = list(yearly["label"])

    def pounds(column: str) -> list[float]:
        # Plotly draws in float pounds; the exact pence are in hover text and tables.
        return [int(p) / 100 for p in yearly[column]]

    def hover(column: str) -> list[str]:
        return [format_short(int(p)) for p in yearly[column]]

    fig = go.Figure()
    fig.add_bar(
        name="Committed (new money)", x=labels, y=pounds("committed"), marker_color=OKABE_ITO["blue"],
        customdata=hover("committed"), hovertemplate="%{x}: %{customdata} committed<extra></extra>",
    )
    fig.add_bar(
        name="Delivered", x=labels, y=pounds("delivered"), marker_color=OKABE_ITO["orange"],
        marker_pattern_shape="/", customdata=hover("delivered"),
        hovertemplate="%{x}: %{customdata} delivered<extra></extra>",
    )
    fig.add_scatter(
        name="Cumulative committed", x=labels, y=pounds("cumulative_committed"), mode="lines+markers",
        line=dict(color=OKABE_ITO["blue"], width=2), marker_symbol="circle",
        customdata=hover("cumulative_committed"), hovertemplate="By end of %{x}: %{customdata} committed<extra></extra>",
    )
    fig.add_scatter(
        name="Cumulative delivered", x=labels, y=pounds("cumulative_delivered"), mode="lines+markers",
        line=dict(color=OKABE_ITO["vermillion"], width=2, dash="dash"), marker_symbol="diamond",
        customdata=hover("cumulative_delivered"), hovertemplate="By end of %{x}: %{customdata} delivered<extra></extra>",
    )
    top = int(max([0, *yearly["cumulative_committed"], *yearly["cumulative_delivered"],
                   *yearly["committed"], *yearly["delivered"]]))
    tickvals, ticktext = _pound_axis_ticks(top)
    fig.update_layout(
        barmode="group",
        xaxis=dict(title="Financial year (April to March)", type="category"),
        yaxis=dict(title="Pounds", tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="x unified",
        font=dict(size=14),
    )
    return fig
