"""The colours and sizes of dashboard/accessible_style.py against WCAG 2.2 AA,
contrast computed with WCAG's relative luminance (the browser test runs
axe-core on the pages themselves)."""

from __future__ import annotations

import re

import pytest

from dashboard import accessible_style
from dashboard.accessible_style import (
    BACKGROUNDS,
    CAPTION_TEXT,
    FOCUS_RING,
    FOCUS_WIDTH_PX,
    MIN_TARGET_PX,
    RINGED,
    SELECTED_BACKGROUND,
    SELECTED_TEXT,
    STYLE,
)


def _luminance(colour: str) -> float:
    """WCAG 2.2's relative luminance of a ``#rrggbb`` colour."""
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    red, green, blue = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * red + 0.7152 * green + 0.0722 * blue


def contrast(one: str, other: str) -> float:
    """WCAG's contrast ratio of two colours, 1 to 21."""
    lighter, darker = sorted((_luminance(one), _luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)


def test_the_contrast_formula_gives_wcags_figures():
    assert contrast("#000000", "#ffffff") == pytest.approx(21)
    assert contrast("#ffffff", "#ffffff") == pytest.approx(1)
    assert round(contrast("#767676", "#ffffff"), 2) == 4.54  # the lightest grey that passes AA on white
    assert contrast("#828180", "#ffffff") == pytest.approx(3.88, abs=0.01)  # Streamlit's caption, as axe measured it


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_captions_meet_aa_for_text(background):
    assert contrast(CAPTION_TEXT, background) >= 4.5


@pytest.mark.parametrize("background", BACKGROUNDS)
def test_the_focus_ring_meets_3_to_1_against_what_it_is_drawn_on(background):
    assert contrast(FOCUS_RING, background) >= 3


def test_a_chosen_segment_meets_aa_for_text():
    assert contrast(SELECTED_TEXT, SELECTED_BACKGROUND) >= 4.5
    assert f"color: {SELECTED_TEXT} !important" in STYLE


def test_the_ring_is_thick_enough_and_targets_big_enough():
    assert FOCUS_WIDTH_PX >= 2  # WCAG 2.4.13's "at least as large as a 2 CSS pixel thick perimeter"
    assert MIN_TARGET_PX >= 24  # WCAG 2.5.8


def test_the_style_uses_the_colours_named_here_and_no_placeholder_is_left():
    assert f"color: {CAPTION_TEXT} !important" in STYLE
    assert STYLE.count(f"{FOCUS_WIDTH_PX}px solid {FOCUS_RING}") == 2  # every focus, and the widgets' boxes
    assert f"min-width: {MIN_TARGET_PX}px" in STYLE and f"min-height: {MIN_TARGET_PX}px" in STYLE
    assert all(box in STYLE for box in RINGED)
    assert not re.search(r"\b(CAPTION_TEXT|SELECTED_TEXT|FOCUS_RING|WIDTH|TARGET|RINGED|INNER)\b", STYLE)


def test_the_style_is_drawn_as_a_style_alone(monkeypatch):
    drawn = []
    monkeypatch.setattr(accessible_style.st, "html", lambda body, **options: drawn.append((body, options)))
    accessible_style.apply()
    assert drawn == [(STYLE, {})]
    assert STYLE.startswith("<style>") and STYLE.endswith("</style>") and "<script" not in STYLE
