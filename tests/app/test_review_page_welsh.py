"""The Review page's frozen figures in Welsh (AppTest, demo data loaded; today
is 27 November 2026): what ``tracker.review`` and ``dashboard.review_figures``
say follows ``?lang=cy``; the figures do not move."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

pytestmark = pytest.mark.markup  # what a page says, the same on every database

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _open_page(lang: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang is not None:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page("app_pages/review.py").run()
    assert not at.exception
    return at


def _statuses(at: AppTest) -> set[str]:
    """The statuses in words in the table by commitment (columns ref, purpose, status)."""
    table = next(d.value for d in at.dataframe if list(d.value.columns[:3]) == ["ref", "purpose", "status"])
    return set(table["status"])


def _with_a_meeting(lang: str | None) -> AppTest:
    at = _open_page(lang)
    at.date_input(key="review_new_held_on").set_value(date(2026, 11, 20))
    at.text_input(key="review_new_title").input("Adolygiad y gaeaf")
    at.button(key="review_open").click().run()
    assert not at.exception
    return at


def test_the_frozen_figures_are_said_in_welsh_with_the_same_numbers() -> None:
    at = _with_a_meeting("cy")
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Cyflawnwyd hyd yma"] == "£12.52m"
    assert metrics["% wedi'i gyflawni"] == "94.1%"
    assert "Yn weddill" in metrics and "Delivered to date" not in metrics
    frozen = [i.value for i in at.info if "Ffigurau ar **20 Tachwedd 2026**" in i.value]
    assert frozen and "wedi'u rhewi ar" in frozen[0]
    assert at.selectbox(key="review_meeting").format_func("2026-11-20") == (
        "20 Tachwedd 2026 · Adolygiad y gaeaf (ffigurau ar 20 Tachwedd 2026)"
    )
    assert "Dim statws eto" in _statuses(at) and "No status yet" not in _statuses(at)


def test_the_same_meeting_in_english_after_welsh_is_english_again() -> None:
    """What the page works out once for a meeting is kept for each language apart."""
    _with_a_meeting("cy")
    at = _open_page(None)
    at.selectbox(key="review_meeting").set_value("2026-11-20").run()
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Delivered to date"] == "£12.52m" and "Cyflawnwyd hyd yma" not in metrics
    assert "No status yet" in _statuses(at) and "Dim statws eto" not in _statuses(at)
