"""The house style of charts, shared by the dashboard (dashboard/charts.py)
and the offline review pack (tracker/review_pack.py).

Colours are Okabe-Ito (safe for colour-blind readers); series also differ by
pattern, dash or marker, so no chart relies on colour alone.
"""

from __future__ import annotations

import html

import pandas as pd

from tracker.core.money import format_short

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
