"""Figures for the dashboard: pure functions from DataFrames to Plotly figures.

Testable without Streamlit. Colours are Okabe-Ito at full strength (safe for
colour-blind readers: tests/unit/test_chart_colours.py), and series also
differ without colour: delivered bars are hatched, cumulative lines are solid
vs dashed with different markers, estimated money is cross-hatched, behind or
ahead is said in words in the hover text, and every series is named in the
legend. Text sizes and the rest of the house style: ``chart_style.house_style``.
Each chart's sentence is built in ``tracker.figures.chart_summaries`` and its
table in ``tracker.figures.chart_tables``; ``dashboard.chart_panel`` shows the three.
Every word a chart shows is in the language in use when it is drawn
(``tracker.i18n``; hover templates keep Plotly's ``%{x}`` placeholders:
``chart_style`` says how).
"""

from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go

from tracker.core.money import format_short
from tracker.figures.chart_style import (
    ESTIMATED_NAME,
    ESTIMATED_PATTERN,
    NO_EXTRA,
    OKABE_ITO,
    YEAR_AXIS,
    as_typed,
    clip,
    house_style,
    pound_axis_ticks,
    series_name,
    year_shown,
)
from tracker.figures.chart_summaries import against_original
from tracker.figures.delivery_words import qualifier_word
from tracker.figures.shortfall import chart_rows
from tracker.figures.table_cells import percent
from tracker.figures.yearly_chart import committed_vs_delivered as committed_vs_delivered
from tracker.i18n import _


def _short(values) -> list[str]:
    return [format_short(int(p)) for p in values]


def cumulative_slippage(yearly: pd.DataFrame) -> go.Figure:
    """Cumulative committed against cumulative delivered, slippage shaded between.

    ``yearly`` needs ``label``, ``cumulative_committed``, ``cumulative_delivered``,
    ``slippage`` (pence) and ``started`` (see ``tracker.figures.delivery.slippage_by_year``).
    The shaded band runs from delivered up to committed only where delivery is
    behind in a year that has started; it is hatched, the committed line solid
    and the delivered line dashed, and both lines are labelled at their ends;
    the delivered line's hover says how far behind or ahead it is. Years
    holding money placed by a chosen spread (``estimated``) are cross-hatched
    from the axis up and named in the legend; an ``UNPHASED`` row is left out (no year).
    """
    from tracker.core.fiscal import UNPHASED

    if "financial_year" in yearly:
        yearly = yearly.loc[yearly["financial_year"] != UNPHASED]
    labels = list(yearly["label"])
    committed = [int(p) for p in yearly["cumulative_committed"]]
    delivered = [int(p) for p in yearly["cumulative_delivered"]]
    top = [max(c, d) if started else d for c, d, started in zip(committed, delivered, yearly["started"])]

    fig = go.Figure()
    # The band's floor: the delivered line again, drawn invisibly so the band can fill down to it.
    fig.add_scatter(
        x=labels, y=[p / 100 for p in delivered], mode="lines", line=dict(width=0), showlegend=False, hoverinfo="skip"
    )
    fig.add_scatter(
        name=_("Behind profile"),
        legendrank=3,
        x=labels,
        y=[p / 100 for p in top],
        mode="lines",
        line=dict(width=0),
        fill="tonexty",
        fillcolor="rgba(230, 159, 0, 0.35)",
        fillpattern=dict(shape="/", fgcolor=OKABE_ITO["vermillion"], bgcolor="rgba(230, 159, 0, 0.25)", solidity=0.2),
        customdata=_short(yearly["slippage"]),
        # Translators: %{customdata} (the money) is Plotly's: keep it as it is.
        hovertemplate=_("%{customdata} behind the profile") + NO_EXTRA,
    )
    fig.add_scatter(
        name=_("Committed to date"),
        legendrank=1,
        x=labels,
        y=[p / 100 for p in committed],
        mode="lines+markers",
        line=dict(color=OKABE_ITO["blue"], width=3),
        marker=dict(symbol="circle", size=9),
        customdata=_short(committed),
        hovertemplate=_("By end of %{x}: %{customdata} committed") + NO_EXTRA,
    )
    fig.add_scatter(
        name=_("Delivered to date"),
        legendrank=2,
        x=labels,
        y=[p / 100 for p in delivered],
        mode="lines+markers",
        line=dict(color=OKABE_ITO["vermillion"], width=3, dash="dash"),
        marker=dict(symbol="diamond", size=10),
        customdata=_short(delivered),
        # Behind or ahead, in words, for the hover (a line's text is drawn only in "text" mode).
        text=list(yearly["status"]) if "status" in yearly else None,
        hovertemplate=(
            _("By end of %{x}: %{customdata} delivered (%{text})")
            if "status" in yearly
            else _("By end of %{x}: %{customdata} delivered")
        )
        + NO_EXTRA,
    )
    tickvals, ticktext = pound_axis_ticks(max([0, *committed, *delivered]))
    if "estimated" in yearly and int(yearly["estimated"].sum()):
        hatched = yearly.loc[yearly["estimated"] != 0]
        # The year's column, from the axis to just above the highest line, drawn beneath the lines.
        fig.add_bar(
            name=_("Year includes estimated money (a chosen spread)"),
            legendrank=4,
            x=list(hatched["label"]),
            y=[max([0, *committed, *delivered]) / 100 * 1.04] * len(hatched),
            width=0.9,
            marker=dict(color="rgba(0, 0, 0, 0)", pattern={**ESTIMATED_PATTERN, "solidity": 0.08}),
            marker_line=dict(color=OKABE_ITO["black"], width=1),
            customdata=_short(hatched["estimated"]),
            hovertemplate=_("%{customdata} of this year's money is estimated") + NO_EXTRA,
        )
    if labels:
        # Direct labels right of the line ends (the higher one nudged up), so
        # neither line depends on its colour; in the text colour (vermillion text is too faint to read).
        high_first = committed[-1] >= delivered[-1]
        for pence, text, above in (
            (committed[-1], _("Committed<br>{amount}", amount=format_short(committed[-1])), high_first),
            (delivered[-1], _("Delivered<br>{amount}", amount=format_short(delivered[-1])), not high_first),
        ):
            fig.add_annotation(
                x=labels[-1],
                y=pence / 100,
                text=text,
                showarrow=False,
                xanchor="left",
                align="left",
                xshift=10,
                yshift=16 if above else -16,
                bgcolor="rgba(255, 255, 255, 0.85)",  # readable over a hatched year
            )
    return house_style(
        fig,
        xaxis=dict(title=_(YEAR_AXIS), type="category"),
        yaxis=dict(title=_("Pounds, cumulative"), tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=80, t=40, b=10),
        height=440,
        hovermode="x unified",
    )


def share_of_due_delivered(table: pd.DataFrame, rows: pd.DataFrame | None = None) -> go.Figure:
    """Horizontal bars: % of the money due to date that each commitment has delivered.

    ``table`` is ``tracker.figures.delivery.by_commitment``; the bars are
    ``tracker.figures.shortfall.chart_rows`` (``rows`` when given; at most ``MOST_BARS``: the
    commitments furthest behind and "All N others"). Bars behind the profile
    are vermillion and hatched, the rest blue and solid; each bar's share is
    written at its end (text on the trace, one step however many bars), a
    dotted line marks 100%, and the hover gives the pounds.
    """
    rows = chart_rows(table) if rows is None else rows  # ``rows``: worked out already
    names = [as_typed(name) for name in rows["name"]]  # refs and purposes: stored text
    fig = go.Figure()
    for is_behind, name, colour, pattern in (
        (True, _("Behind profile"), OKABE_ITO["vermillion"], "/"),
        (False, _("On or ahead of profile"), OKABE_ITO["blue"], ""),
    ):
        part = rows.loc[rows["behind"] == is_behind]
        fig.add_bar(
            name=name,
            orientation="h",
            y=[as_typed(name) for name in part["name"]],
            x=list(part["share"]),
            marker_color=colour,
            marker_pattern_shape=pattern,
            text=[percent(share) for share in part["share"]],
            textposition="outside",
            constraintext="none",  # never shrunk to fit (chart text stays at its size)
            cliponaxis=False,
            customdata=list(zip(_short(part["delivered"]), _short(part["due"]), part["status"])),
            # Translators: %{y} (the commitment), %{customdata[0]} (delivered), %{customdata[1]} (due),
            # %{x:.1%} (the share) and %{customdata[2]} (where it stands) are Plotly's: keep them as they are.
            hovertemplate=_("%{y}<br>%{customdata[0]} delivered of %{customdata[1]} due (%{x:.1%}): %{customdata[2]}")
            + NO_EXTRA,
        )
    # Below the bars, so a share written at a bar's end reads over the 100% line.
    fig.add_vline(x=1, line=dict(color=OKABE_ITO["black"], dash="dot", width=1.5), layer="below")
    shares = list(rows["share"]) or [1.0]
    return house_style(
        fig,
        barmode="overlay",
        xaxis=dict(
            title=_("Delivered as % of money due to date"),
            tickformat=".0%",
            range=[min(0.0, min(shares)), max(1.0, max(shares)) * 1.15],
        ),
        yaxis=dict(categoryorder="array", categoryarray=names, autorange="reversed", title=None),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0),
        margin=dict(l=10, r=60, t=40, b=10),
        height=160 + 44 * max(len(names), 1),
    )


SCHEDULE_COLOURS = ["blue", "orange", "green", "vermillion", "sky", "purple", "black", "yellow"]
# Each commitment's own fill pattern; "x" (cross-hatching) is kept for estimated money (ESTIMATED_PATTERN).
SCHEDULE_PATTERNS = ["", "/", ".", "\\", "-", "+", "|"]


def schedule_pattern(i: int) -> dict:
    """The ``i``th commitment's fill: the patterns in turn, then (from the eighth) the
    hatched ones again drawn denser, so no two of the first thirteen look alike without colour."""
    if i < len(SCHEDULE_PATTERNS):
        return dict(shape=SCHEDULE_PATTERNS[i], size=8)
    hatched = SCHEDULE_PATTERNS[1:]
    return dict(shape=hatched[(i - len(SCHEDULE_PATTERNS)) % len(hatched)], size=4)


def announcement_schedule(schedule: pd.DataFrame, names=None) -> go.Figure:
    """An announcement's money by financial year: stacked bars, one series per commitment.

    ``schedule`` is ``tracker.figures.announcement_detail.AnnouncementDetail.schedule``:
    ``commitment_ref``, ``financial_year`` (start year), ``headline_pence``,
    ``committed_pence`` and ``qualifier``. Bars show the headline (as
    announced); a re-announcement (no new money) has a heavy outline and
    says so in its legend name (clipped to 40 characters). ``names`` maps a commitment ref to its legend name.
    Each series has its own Okabe-Ito colour (never made paler) and fill
    pattern, so commitments differ without colour; money placed by a chosen
    spread is cross-hatched over its bar and said in the legend and hover;
    every year from the first to the last is on the axis.
    """
    from tracker.core.fiscal import UNPHASED, UNPHASED_LABEL, fy_label

    names = dict(names or {})
    years = [int(y) for y in schedule["financial_year"] if int(y) != UNPHASED]
    labels = [fy_label(y) for y in range(min(years), max(years) + 1)] if years else []
    if (schedule["financial_year"] == UNPHASED).any():  # money with no year: its own bar, after the years
        labels.append(year_shown(UNPHASED_LABEL))
    fig = go.Figure()
    refs = list(dict.fromkeys(schedule.sort_values("commitment_ref")["commitment_ref"]))
    stacked: dict[str, float] = {}  # each year's height so far, for the estimated hatching laid over the stack
    hatched: list[tuple[str, float, float]] = []  # (year, base, height) of money placed by a chosen spread
    for i, ref in enumerate(refs):
        rows = schedule.loc[schedule["commitment_ref"] == ref]
        restated = int(rows["committed_pence"].sum()) == 0 and int(rows["headline_pence"].sum()) != 0
        qualifier = rows["qualifier"].iloc[0] if len(rows) else "exact"
        estimated = rows["estimated"].astype(bool) if "estimated" in rows else pd.Series(False, index=rows.index)
        name = series_name(as_typed(clip(names.get(ref, ref), 40)), reannounced=restated, estimated=estimated.any())
        colour = OKABE_ITO[SCHEDULE_COLOURS[i % len(SCHEDULE_COLOURS)]]
        x = [year_shown(fy_label(int(y))) for y in rows["financial_year"]]
        y = [int(p) / 100 for p in rows["headline_pence"]]  # float pounds for drawing only
        for label, height, spread in zip(x, y, estimated):
            if spread:
                hatched.append((label, stacked.get(label, 0.0), height))
            stacked[label] = stacked.get(label, 0.0) + height
        fig.add_bar(
            name=name,
            x=x,
            y=y,
            # A re-announcement: a heavy outline (never paler: a paler colour is taken for another series').
            marker=dict(
                color=colour,
                pattern=schedule_pattern(i),
                line=dict(color=OKABE_ITO["black"], width=3 if restated else 1),
            ),
            customdata=[_headline(int(p), qualifier, bool(e)) for p, e in zip(rows["headline_pence"], estimated)],
            # Translators: %{{x}} (the year) and %{{customdata}} (the money) are Plotly's, written with
            # doubled braces because {ref} is filled in here: keep them as they are.
            hovertemplate=_("{ref} in %{{x}}: %{{customdata}}", ref=ref) + NO_EXTRA,
        )
    if hatched:
        # Laid over the bars it marks (a bar with its own base is drawn over the stack, not on top of it).
        fig.add_bar(
            name=_(ESTIMATED_NAME),
            x=[label for label, _base, _height in hatched],
            base=[base for _label, base, _height in hatched],
            y=[height for _label, _base, height in hatched],
            marker=dict(color="rgba(0, 0, 0, 0)", pattern=ESTIMATED_PATTERN, line=dict(width=0)),
            hoverinfo="skip",
        )
    per_year = schedule.groupby("financial_year")["headline_pence"].sum() if len(schedule) else pd.Series(dtype="int64")
    tickvals, ticktext = pound_axis_ticks(int(max([0, *per_year])))
    return house_style(
        fig,
        barmode="stack",
        showlegend=True,  # even for one commitment: the legend names it
        xaxis=dict(title=_(YEAR_AXIS), type="category", categoryorder="array", categoryarray=labels),
        yaxis=dict(title=_("Pounds announced"), tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        # Stacked bars list their legend top-down by default; keep W1, W2... in reading order.
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="x unified",
    )


def _headline(pence: int, qualifier: str, estimated: bool) -> str:
    """A bar's money in its hover: ``£1.5m``, with its qualifier when not exact (``£1.5m (over)``)
    and, when a chosen spread placed it in the year, that it is estimated."""
    amount = format_short(pence)
    if qualifier == "exact":
        return _("{amount} (estimated: a chosen spread)", amount=amount) if estimated else amount
    if estimated:
        return _(
            "{amount} ({qualifier}) (estimated: a chosen spread)", amount=amount, qualifier=qualifier_word(qualifier)
        )
    return _("{amount} ({qualifier})", amount=amount, qualifier=qualifier_word(qualifier))


def original_vs_revised(comparison: pd.DataFrame) -> go.Figure:
    """Grouped bars: a commitment's profile as first committed beside its revised one.

    ``comparison`` has ``financial_year`` (a label such as 2020-21),
    ``original`` and ``revised`` in pence, one row per year (the body of
    ``tracker.revision_view.comparison_table``, without its Total row).
    Original bars are solid blue, revised bars orange and hatched, both
    outlined and named in the legend, so they differ without colour; the
    revised bar's hover says in words how much more or less it is than the original.
    """
    labels = list(comparison["financial_year"])
    fig = go.Figure()
    against = against_original(comparison["original"], comparison["revised"])  # for the revised bars' hover
    for column, name, colour, pattern, hover in (
        ("original", _("Original profile"), OKABE_ITO["blue"], "", _("%{x}: %{customdata} original")),
        ("revised", _("Revised profile"), OKABE_ITO["orange"], "/", _("%{x}: %{customdata} revised, %{text}")),
    ):
        fig.add_bar(
            name=name,
            x=labels,
            y=[int(p) / 100 for p in comparison[column]],  # float pounds for drawing only
            marker_color=colour,
            marker_pattern_shape=pattern,
            marker_line=dict(color=OKABE_ITO["black"], width=1),
            customdata=_short(comparison[column]),
            text=against if column == "revised" else None,
            textposition="none" if column == "revised" else None,
            hovertemplate=hover + NO_EXTRA,
        )
    tickvals, ticktext = pound_axis_ticks(int(max([0, *comparison["original"], *comparison["revised"]])))
    return house_style(
        fig,
        barmode="group",
        xaxis=dict(title=_(YEAR_AXIS), type="category", categoryorder="array", categoryarray=labels),
        yaxis=dict(title=_("Pounds"), tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        legend=dict(orientation="h", yanchor="bottom", y=1.02, x=0, traceorder="normal"),
        margin=dict(l=10, r=10, t=40, b=10),
        hovermode="x unified",
    )


def new_money_waterfall(steps) -> go.Figure:
    """From a headline to its new money (``tracker.figures.new_and_recycled_tables.steps``):
    the headline and the new money as blue totals, each recycled part taken away as a
    vermillion step, each bar labelled with its amount (so no step relies on colour)."""
    fig = go.Figure(
        go.Waterfall(
            x=[step.name for step in steps],
            y=[step.pence / 100 for step in steps],  # float pounds for drawing only
            measure=[step.measure for step in steps],
            text=[format_short(step.pence) for step in steps],
            textposition="outside",
            decreasing=dict(marker=dict(color=OKABE_ITO["vermillion"], line=dict(color=OKABE_ITO["black"], width=1))),
            increasing=dict(marker=dict(color=OKABE_ITO["green"], line=dict(color=OKABE_ITO["black"], width=1))),
            totals=dict(marker=dict(color=OKABE_ITO["blue"], line=dict(color=OKABE_ITO["black"], width=1))),
            connector=dict(line=dict(color=OKABE_ITO["black"], width=1, dash="dot")),
            # Translators: %{x} and %{text} are Plotly's: keep them as they are.
            hovertemplate=_("%{x}: %{text}") + NO_EXTRA,
        )
    )
    top = max([0, *(step.pence for step in steps)])
    tickvals, ticktext = pound_axis_ticks(int(top))
    return house_style(
        fig,
        showlegend=False,
        xaxis=dict(type="category"),
        yaxis=dict(title=_("Pounds"), tickvals=tickvals, ticktext=ticktext, rangemode="tozero"),
        margin=dict(l=10, r=10, t=40, b=10),
    )
