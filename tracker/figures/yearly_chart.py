"""Committed against delivered by financial year, as a Plotly figure: the
Overview's chart and the review pack's (one drawing, so the two never differ).

Colours are Okabe-Ito; series also differ without colour: delivered bars are
hatched, money placed by a chosen spread is a cross-hatched part of the
committed bar (``chart_style.ESTIMATED_PATTERN``), cumulative lines are solid
against dashed with round against diamond markers, and every series is named
in the legend. Whether delivery was under or over the committed amount is
said in words in the hover text (and in the chart's sentence,
``tracker.figures.chart_summaries``). Amounts are drawn in float pounds
(drawing only); the exact pence are in the hover text and the tables beside
the chart. Its words (legend, hover text, axis titles) are in the language in
use when it is drawn (``tracker.i18n``), the unphased pair's label too.
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.core.money import format_short
from tracker.figures.chart_style import (
    ESTIMATED_PATTERN,
    NO_EXTRA,
    OKABE_ITO,
    YEAR_AXIS,
    house_style,
    pound_axis_ticks,
    year_shown,
)
from tracker.figures.chart_summaries import against_committed
from tracker.i18n import _


def committed_vs_delivered(yearly: pd.DataFrame, prices: str | None = None) -> go.Figure:
    """Bars of committed and delivered per financial year, with cumulative lines.

    ``yearly`` needs ``label`` (2020-21), ``financial_year``, ``committed``,
    ``delivered``, ``cumulative_committed`` and ``cumulative_delivered`` in
    pence, and may carry ``estimated``. Money placed by a chosen spread is
    drawn as its own cross-hatched part of the committed bar, named in the
    legend; an ``UNPHASED`` row is a last pair of bars labelled ``unphased``,
    outside the running totals (its money belongs to no year). ``prices``: what the money is in when not
    cash ("real terms, 2019-20 prices (...)"), said on the money axis.
    """
    from tracker.core.fiscal import UNPHASED

    labels = [year_shown(label) for label in yearly["label"]]
    phased = yearly.loc[yearly["financial_year"] != UNPHASED] if "financial_year" in yearly else yearly
    estimated = yearly["estimated"] if "estimated" in yearly else pd.Series(0, index=yearly.index)

    def pounds(values) -> list[float]:
        # Plotly draws in float pounds; the exact pence are in hover text and tables.
        return [int(p) / 100 for p in values]

    def hover(values) -> list[str]:
        return [format_short(int(p)) for p in values]

    stated = yearly["committed"] - estimated
    fig = go.Figure()
    fig.add_bar(
        name=_("Committed"),
        x=labels,
        y=pounds(stated),
        offsetgroup="committed",
        marker_color=OKABE_ITO["blue"],
        customdata=hover(yearly["committed"]),
        # Translators: %{x} (the year) and %{customdata} (the money) are Plotly's: keep them as they are.
        hovertemplate=_("%{x}: %{customdata} committed") + NO_EXTRA,
    )
    if int(estimated.sum()):
        fig.add_bar(
            name=_("Committed, estimated (a chosen spread, not announced by year)"),
            x=labels,
            y=pounds(estimated),
            base=pounds(stated),
            offsetgroup="committed",
            marker=dict(color=OKABE_ITO["sky"], pattern=ESTIMATED_PATTERN),
            marker_line=dict(color=OKABE_ITO["blue"], width=1),
            customdata=hover(estimated),
            hovertemplate=_("%{x}: %{customdata} of it estimated") + NO_EXTRA,
        )
    fig.add_bar(
        name=_("Delivered"),
        x=labels,
        y=pounds(yearly["delivered"]),
        offsetgroup="delivered",
        marker_color=OKABE_ITO["orange"],
        marker_pattern_shape="/",
        marker_line=dict(color=OKABE_ITO["black"], width=1),  # orange alone is faint on white
        customdata=hover(yearly["delivered"]),
        text=against_committed(yearly["committed"], yearly["delivered"]),  # for the hover only
        textposition="none",
        hovertemplate=_("%{x}: %{customdata} delivered, %{text}") + NO_EXTRA,
    )
    fig.add_scatter(
        name=_("Cumulative committed"),
        x=[year_shown(label) for label in phased["label"]],
        y=pounds(phased["cumulative_committed"]),
        mode="lines+markers",
        line=dict(color=OKABE_ITO["blue"], width=2),
        marker_symbol="circle",
        customdata=hover(phased["cumulative_committed"]),
        hovertemplate=_("By end of %{x}: %{customdata} committed") + NO_EXTRA,
    )
    fig.add_scatter(
        name=_("Cumulative delivered"),
        x=[year_shown(label) for label in phased["label"]],
        y=pounds(phased["cumulative_delivered"]),
        mode="lines+markers",
        line=dict(color=OKABE_ITO["vermillion"], width=2, dash="dash"),
        marker_symbol="diamond",
        customdata=hover(phased["cumulative_delivered"]),
        hovertemplate=_("By end of %{x}: %{customdata} delivered") + NO_EXTRA,
    )
    top = int(
        max(
            [
                0,
                *phased["cumulative_committed"],
                *phased["cumulative_delivered"],
                *yearly["committed"],
                *yearly["delivered"],
            ]
        )
    )
    tickvals, ticktext = pound_axis_ticks(top)
    return house_style(
        fig,
        barmode="group",
        xaxis=dict(title=_(YEAR_AXIS), type="category", categoryorder="array", categoryarray=labels),
        yaxis=dict(
            title=_("Pounds, {prices}", prices=prices) if prices else _("Pounds"),
            tickvals=tickvals,
            ticktext=ticktext,
            rangemode="tozero",
        ),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="x unified",
    )
