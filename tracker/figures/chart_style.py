"""The house style of charts, shared by the dashboard (dashboard/charts.py)
and the offline review pack (tracker/review/pack_chart.py).

Colours are Okabe-Ito, at full strength (never made paler: a paler colour can
be confused with another series' colour by a colour-blind reader;
tests/unit/test_chart_colours.py simulates deuteranopia and protanopia on
every pair a chart draws). Series also differ by pattern, dash or marker, so
no chart relies on colour alone; money placed in years by a chosen spread
(estimated) is cross-hatched (``ESTIMATED_PATTERN``) wherever it is drawn.
Every chart's text is at least ``SMALLEST_FONT_PX`` pixels high, set here
once (``house_style``) for titles, axes, ticks, legends, annotations, bar
labels and hover labels.

Every word a chart shows (axis titles, legend names, hover text, direct
labels) goes through the message catalogue (``tracker.i18n``) when the chart
is drawn, so a chart speaks the language of the run that draws it. Hover
templates hold Plotly's own ``%{x}`` placeholders: they are translated with
no values (nothing fills them), so their braces stay single; a message that
also takes a value writes Plotly's braces doubled (``%{{x}}``).
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from tracker.core.fiscal import UNPHASED_LABEL
from tracker.core.money import format_short
from tracker.i18n import N_, _

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


# Chart text: FONT_PX everywhere, never below SMALLEST_FONT_PX (WCAG: readable without zoom), in
# TEXT_COLOUR (15:1 on the white page; Streamlit's chart theme greys axis text to 3.7:1, under WCAG's 4.5:1).
FONT_PX = 14
SMALLEST_FONT_PX = 12
TEXT_COLOUR = "#262730"

# Estimated money (placed in years by a chosen spread, not as announced): cross-hatched in black over
# whatever it is drawn on, so it reads as estimated without its colour, whichever series it belongs to.
ESTIMATED_PATTERN = dict(shape="x", fgcolor=OKABE_ITO["black"], size=8, solidity=0.3)
ESTIMATED_NAME = N_("Estimated (placed in years by a chosen spread, not as announced)")  # shown through ``_``

# The axis every yearly chart draws along, and what ends a hover text (no second box with the series' name).
YEAR_AXIS = N_("Financial year (April to March)")
NO_EXTRA = "<extra></extra>"


def _font() -> dict[str, Any]:
    return {"size": FONT_PX, "color": TEXT_COLOUR}


def house_style(fig: Any, **layout: Any) -> Any:
    """``fig`` with the tracker's layout: ``layout`` (axes, legend, margins...)
    and, in one place, the size of every piece of text it draws: the chart's
    font, axis titles and ticks, legend, hover labels and annotations at
    ``FONT_PX`` in ``TEXT_COLOUR``; bar labels never shrunk below
    ``SMALLEST_FONT_PX``. Set explicitly rather than inherited, so a theme laid
    over the figure (Streamlit's) cannot make them smaller or paler."""
    fig.update_layout(**layout)
    fig.update_layout(
        font=_font(),
        hoverlabel=dict(font=_font()),
        legend=dict(font=_font()),
        uniformtext=dict(minsize=SMALLEST_FONT_PX, mode="show"),
    )
    fig.update_xaxes(tickfont=_font(), title_font=_font())
    fig.update_yaxes(tickfont=_font(), title_font=_font())
    fig.update_annotations(font=_font())
    return fig


def pound_axis_ticks(max_pence: int) -> tuple[list[float], list[str]]:
    """Tick positions in pounds (plot coordinates only, never money held)
    with labels like £1.5m."""
    if max_pence <= 0:
        return [0], ["£0"]
    max_pounds = max_pence / 100
    magnitude = 10 ** max(len(str(int(max_pounds))) - 2, 0)
    step = next(magnitude * f for f in (1, 2, 5, 10, 20, 50, 100) if max_pounds / (magnitude * f) <= 6)
    ticks = [i * step for i in range(int(max_pounds // step) + 2)]
    return ticks, [format_short(round(t * 100)) for t in ticks]


def year_shown(label: str) -> str:
    """A financial year's label as a chart or its table shows it: ``2020-21`` as it is, the
    unphased row's key (``UNPHASED_LABEL``, which stays English in data and files) in words."""
    return _("unphased") if label == UNPHASED_LABEL else label


def series_name(name: str, *, reannounced: bool = False, estimated: bool = False) -> str:
    """A commitment's name in a chart's legend or its table's heading, saying when it is a
    re-announcement (no new money) and when its years are placed by a chosen spread."""
    if reannounced and estimated:
        return _("{name} (re-announced) (years estimated)", name=name)
    if reannounced:
        return _("{name} (re-announced)", name=name)
    if estimated:
        return _("{name} (years estimated)", name=name)
    return name


def clip(text: object, width: int) -> str:
    """A label cut to ``width`` characters with an ellipsis; blank for no value."""
    text = "" if text is None or (not isinstance(text, str) and pd.isna(text)) else str(text)
    return text if len(text) <= width else text[: width - 1].rstrip() + "…"


def as_typed(text: str) -> str:
    """Stored text for a chart's names and labels, shown as typed: Plotly
    reads a few HTML tags in them (``<b>``, ``<a href=...>``, ``<br>``), so
    ``&``, ``<`` and ``>`` are written as the entities Plotly turns back into
    characters. Clip first (``clip``), then this."""
    return html.escape(text, quote=False)
