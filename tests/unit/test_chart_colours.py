"""Every chart can be read by a colour-blind reader, and never by colour alone.

Colours: every pair of differently coloured series in one chart (legend
entries: bars, lines, shaded bands, the hatching laid over estimated money)
stays at least ``DISTINCT`` apart in CIEDE2000 as seen with normal vision,
with protanopia and with deuteranopia (Machado et al. 2009 at severity 1.0,
the complete deficiency: tests/unit/colour_vision.py).

Why 10: a CIEDE2000 difference of about 1 is just noticeable between two
large patches side by side. A chart asks more: a legend swatch is matched to
a thin line or a bar across the chart, and the smaller the marks the larger
the difference needed to tell them apart (Szafir, "Modeling Color Difference
for Visualization Design", IEEE TVCG 24(1), 2018, measured several times the
large-patch difference for marks a few pixels wide). Ten times the
just-noticeable difference leaves that margin. Pairs that fail this in the
charts as they were (a re-announced or estimated commitment drawn at 55%
opacity against sky blue at full strength: 4.0 apart for everyone) are why no
chart makes a colour paler any more: a re-announcement has a heavy outline instead. The closest pairs now: orange and yellow
11.6 and orange and vermillion 12.5 (deuteranopia), blue and purple 12.2
(protanopia); each such pair also differs by pattern or form.

Never colour alone: within a chart, no two series look the same once their
colour is taken away (a bar's pattern, its density and outline; a line's
dash, marker and fill); estimated money is cross-hatched; under and over are said in words in
the hover text. And each series can be told from the white page (fill,
outline or line at least 3:1, WCAG 1.4.11).
"""

from __future__ import annotations

import csv
import itertools
from pathlib import Path

import plotly.graph_objects as go
import pytest

from tests.unit import chart_figures
from tests.unit.colour_vision import contrast, delta_e_2000, difference, parse
from tracker.figures.chart_style import ESTIMATED_PATTERN, OKABE_ITO

DISTINCT = 10.0
SIGHTS = (None, "deuteranopia", "protanopia")
FIXTURE = Path(__file__).parents[1] / "fixtures" / "colour" / "ciede2000-sharma-2005.csv"
FIGURES = chart_figures.every_figure()


def _see_through(colour: str | None) -> bool:
    return colour is None or parse(colour)[1] == 0


def series(fig: go.Figure) -> list[go.bar.Bar | go.Scatter]:
    """The chart's series: every trace with a legend entry."""
    return [trace for trace in fig.data if trace.showlegend is not False and trace.name]


def colour_of(trace) -> str:
    """The colour a reader matches to the legend: a bar's fill (a hollow or see-through
    bar: its pattern or outline), a band's fill, a line's colour."""
    if trace.type == "bar":
        fill = trace.marker.color
        if _see_through(fill) or str(fill).lower() == "white":
            return trace.marker.pattern.fgcolor or trace.marker.line.color
        return fill
    if trace.fill and trace.fill != "none":
        return trace.fillcolor
    return trace.line.color or trace.marker.color


def look_without_colour(trace) -> tuple:
    """What is left of a series' look in greys: its kind, pattern, hollowness, dash, marker and fill."""
    if trace.type == "bar":
        shape = trace.marker.pattern.shape or ""
        width = trace.marker.line.width
        return ("bar", shape, trace.marker.pattern.size if shape else None, _see_through(trace.marker.color), width)
    pattern = trace.fillpattern.shape if trace.fillpattern else None
    return ("line", trace.mode, trace.line.dash or "solid", trace.marker.symbol or "circle", trace.fill, pattern)


def outlines(trace) -> list[str]:
    """The colours that draw a series' edge against the page."""
    if trace.type == "bar":
        drawn = [] if _see_through(trace.marker.color) else [trace.marker.color]
        width = trace.marker.line.width
        widths = width if isinstance(width, (list, tuple)) else [width]
        if trace.marker.line.color and all(w and w > 0 for w in widths):
            drawn.append(trace.marker.line.color)
        if trace.marker.pattern.shape and trace.marker.pattern.fgcolor:
            drawn.append(trace.marker.pattern.fgcolor)
        return drawn
    if trace.fill and trace.fill != "none":
        return [trace.fillpattern.fgcolor] if trace.fillpattern and trace.fillpattern.fgcolor else []
    return [trace.line.color or trace.marker.color]


def test_ciede2000_matches_sharma_wu_and_dalals_test_data() -> None:
    with FIXTURE.open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 16
    for row in rows:
        first = (float(row["L1"]), float(row["a1"]), float(row["b1"]))
        second = (float(row["L2"]), float(row["a2"]), float(row["b2"]))
        assert round(delta_e_2000(first, second), 4) == float(row["delta_e_2000"]), row["pair"]
        assert round(delta_e_2000(second, first), 4) == float(row["delta_e_2000"]), row["pair"]


def test_the_simulation_keeps_greys_and_merges_a_red_and_a_green() -> None:
    """The check itself: greys are seen as they are; a red and a green far apart
    for most readers come close with either deficiency, and fail ``DISTINCT``."""
    for grey in ("#000000", "#777777", "#FFFFFF"):
        for sight in SIGHTS:
            assert difference(grey, grey, sight) == 0
            assert difference(grey, "#777777", sight) == pytest.approx(difference(grey, "#777777", None), abs=0.01)
    red, green = "#C0392B", "#556B2F"  # a brick red and an olive green
    assert difference(red, green, None) > 40
    assert difference(red, green, "deuteranopia") < DISTINCT
    assert difference(red, green, "protanopia") < DISTINCT


def test_the_charts_as_they_were_would_fail_the_colour_check() -> None:
    """A re-announced commitment drawn blue at 55% opacity beside sky blue at full: under ``DISTINCT`` for everyone."""
    pale_blue = "rgba(0, 114, 178, 0.55)"
    assert all(difference(pale_blue, OKABE_ITO["sky"], sight) < DISTINCT for sight in SIGHTS)


@pytest.mark.parametrize("name", FIGURES)
def test_differently_coloured_series_stay_apart_for_colour_blind_readers(name: str) -> None:
    fig = FIGURES[name]
    coloured = {trace.name: colour_of(trace) for trace in series(fig)}
    assert len(coloured) >= 2, coloured
    too_close = []
    for (first, one), (second, other) in itertools.combinations(coloured.items(), 2):
        if on_page(one) == on_page(other):
            continue  # one colour for both: told apart by their look (the next test)
        for sight in SIGHTS:
            apart = difference(one, other, sight)
            if apart < DISTINCT:
                too_close.append(f"{first} {one} / {second} {other}: {apart:.1f} ({sight or 'normal vision'})")
    assert not too_close, "\n".join(too_close)


def on_page(colour: str) -> tuple[int, ...]:
    from tests.unit.colour_vision import on_white

    return tuple(round(c * 255) for c in on_white(colour))


@pytest.mark.parametrize("name", FIGURES)
def test_no_two_series_look_the_same_without_their_colour(name: str) -> None:
    looks = [(trace.name, look_without_colour(trace)) for trace in series(FIGURES[name])]
    same = [(a, b) for (a, one), (b, other) in itertools.combinations(looks, 2) if one == other]
    assert not same, same


@pytest.mark.parametrize("name", FIGURES)
def test_every_series_stands_out_from_the_page(name: str) -> None:
    faint = [
        (trace.name, outlines(trace))
        for trace in series(FIGURES[name])
        if not any(contrast(colour, "#FFFFFF") >= 3 for colour in outlines(trace))
    ]
    assert not faint, faint


@pytest.mark.parametrize("name", [n for n in FIGURES if n != "delivery share of due" and n != "original and revised"])
def test_estimated_money_is_cross_hatched_and_named(name: str) -> None:
    bars = [trace for trace in series(FIGURES[name]) if trace.type == "bar"]
    hatched = [trace for trace in bars if trace.marker.pattern.shape == ESTIMATED_PATTERN["shape"]]
    assert hatched, [trace.name for trace in FIGURES[name].data]
    assert all("estimated" in trace.name.lower() for trace in hatched)  # the hatching means estimated, and says so


def test_the_schedules_hatching_lies_over_exactly_the_estimated_bars() -> None:
    schedule = chart_figures.schedule()
    fig = chart_figures.charts.announcement_schedule(schedule)
    [hatching] = [t for t in fig.data if t.name.startswith("Estimated")]
    [c3] = [t for t in fig.data if t.name.startswith("C3")]
    assert list(hatching.x) == list(c3.x) and list(hatching.y) == list(c3.y)
    # Each lies on what is stacked under C3 in its year: C1 and C2.
    below = schedule.loc[schedule["commitment_ref"].isin(["C1", "C2"])].groupby("financial_year")["headline_pence"]
    assert list(hatching.base) == [int(p) / 100 for p in below.sum()]


def test_under_and_over_are_said_in_words_in_the_hover_text() -> None:
    overview = {trace.name: trace for trace in FIGURES["overview committed against delivered"].data}
    delivered = dict(zip(overview["Delivered"].x, overview["Delivered"].text))
    assert delivered["2020-21"] == "£330k less than committed"
    assert delivered["2021-22"] == "£200k more than committed"
    assert "%{text}" in overview["Delivered"].hovertemplate
    cumulative = {trace.name: trace for trace in FIGURES["delivery cumulative"].data}
    assert list(cumulative["Delivered to date"].text[:2]) == ["behind by £330k", "behind by £130k"]
    assert "%{text}" in cumulative["Delivered to date"].hovertemplate
    revised = {trace.name: trace for trace in FIGURES["original and revised"].data}["Revised profile"]
    assert list(revised.text) == [
        "£1m less than the original",
        "£500k more than the original",
        "£2m more than the original",
    ]
