"""Every chart's text is at least 12 px: titles, axes, ticks, legends,
annotations, bar labels and hover labels; and dark enough to read (4.5:1
against the white page, WCAG 1.4.3).

Each figure is walked whole (its layout and every trace): any font size
below ``SMALLEST_FONT_PX`` fails. Sizes a chart leaves unset would be
Plotly's or a theme's (Streamlit lays its own template over every chart,
and makes it Plotly's default once imported: it is left out of the walk, so
the result does not depend on which tests ran first), so each kind of text
the charts draw must also have its size and colour set, in
``chart_style.house_style``.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from tests.unit import chart_figures
from tests.unit.colour_vision import contrast
from tracker.figures.chart_style import FONT_PX, SMALLEST_FONT_PX, TEXT_COLOUR

FIGURES = chart_figures.every_figure()


def own(fig) -> dict[str, Any]:
    """The figure's JSON without the template it carries (a theme's defaults for every kind of chart)."""
    whole = fig.to_plotly_json()
    whole["layout"] = {key: value for key, value in whole["layout"].items() if key != "template"}
    return whole


def font_sizes(node: Any, path: str = "") -> Iterator[tuple[str, float]]:
    """Every font size in a figure's JSON, with where it is: any ``size`` inside a
    ``...font`` object, and ``uniformtext.minsize``."""
    if isinstance(node, dict):
        for key, value in node.items():
            where = f"{path}.{key}"
            if "font" in key and isinstance(value, dict) and value.get("size") is not None:
                sizes = value["size"] if isinstance(value["size"], list) else [value["size"]]
                yield from ((f"{where}.size", size) for size in sizes)
            if key == "uniformtext" and isinstance(value, dict) and value.get("minsize") is not None:
                yield f"{where}.minsize", value["minsize"]
            yield from font_sizes(value, where)
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from font_sizes(value, f"{path}[{i}]")


def test_the_walk_finds_a_small_font_wherever_it_is() -> None:
    """The check itself: a 10 px annotation, tick label or trace text is found."""
    fig = chart_figures.charts.original_vs_revised(chart_figures.comparison())
    fig.add_annotation(text="small", x=0, y=0, font=dict(size=10))
    fig.update_yaxes(tickfont=dict(size=9))
    fig.update_traces(textfont=dict(size=[11, 12, 13]), selector=dict(name="Revised profile"))
    small = {where for where, size in font_sizes(own(fig)) if size < SMALLEST_FONT_PX}
    assert small == {".layout.annotations[0].font.size", ".layout.yaxis.tickfont.size", ".data[1].textfont.size"}


@pytest.mark.parametrize("name", FIGURES)
def test_no_text_in_a_chart_is_smaller_than_12_px(name: str) -> None:
    sizes = list(font_sizes(own(FIGURES[name])))
    assert sizes
    small = [(where, size) for where, size in sizes if size < SMALLEST_FONT_PX]
    assert not small, small


@pytest.mark.parametrize("name", FIGURES)
def test_every_kind_of_chart_text_has_its_size_set(name: str) -> None:
    layout = FIGURES[name].layout
    assert layout.font.size == FONT_PX
    assert layout.hoverlabel.font.size == FONT_PX
    assert layout.legend.font.size == FONT_PX
    for axis in (layout.xaxis, layout.yaxis):
        assert axis.tickfont.size == FONT_PX and axis.title.font.size == FONT_PX
    assert all(note.font.size == FONT_PX for note in layout.annotations)
    assert layout.uniformtext.minsize == SMALLEST_FONT_PX  # bar labels are never shrunk below it
    labelled = [
        trace for trace in FIGURES[name].data if trace.type == "bar" and trace.text and trace.textposition != "none"
    ]
    assert all(trace.constraintext == "none" for trace in labelled)
    assert SMALLEST_FONT_PX >= 12


def font_colours(node: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """Every font colour in a figure's JSON, with where it is."""
    if isinstance(node, dict):
        for key, value in node.items():
            if "font" in key and isinstance(value, dict) and isinstance(value.get("color"), str):
                yield f"{path}.{key}.color", value["color"]
            yield from font_colours(value, f"{path}.{key}")
    elif isinstance(node, list):
        for i, value in enumerate(node):
            yield from font_colours(value, f"{path}[{i}]")


@pytest.mark.parametrize("name", FIGURES)
def test_chart_text_is_dark_enough_to_read(name: str) -> None:
    layout = FIGURES[name].layout
    set_here = [layout.font, layout.hoverlabel.font, layout.legend.font, layout.xaxis.tickfont, layout.yaxis.tickfont]
    set_here += [layout.xaxis.title.font, layout.yaxis.title.font, *(note.font for note in layout.annotations)]
    assert all(font.color == TEXT_COLOUR for font in set_here)  # set, so Streamlit's grey theme cannot win
    faint = [(where, c) for where, c in font_colours(own(FIGURES[name])) if contrast(c, "#FFFFFF") < 4.5]
    assert not faint, faint
