"""Printing a page gives a usable document (dashboard/page_style.py, dashboard/tables.py).

Under print media: no sidebar, header or buttons; each table printed whole
from its print copy (the dataframe's canvas, which shows only the rows in its
box, hidden), with every row the dataframe holds; nothing wider than an A4
page; charts drawn wider than the page zoomed to fit when printing begins.
Then Chromium prints the page to a PDF.
"""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dashboard.page_style import PRINTED_WIDTH_PX
from tests.browser.conftest import READY, go_to, open_signed_in

pytestmark = pytest.mark.markup

PAGES = ["Overview", "Delivery", "Finance tables", "Announcements", "Audit trail"]

# Tables in a tab not chosen are not shown, on screen or printed.
_GRID_ROWS = """() => [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(frame => frame.checkVisibility())
  .map(frame => Number(frame.querySelector('table[role="grid"]').getAttribute("aria-rowcount")) - 1)"""
# (the accessible table the grid keeps beside its canvas: aria-rowcount is its heading and every row)
_GRIDS_DRAWN = """() => {
  const frames = [...document.querySelectorAll('[data-testid="stDataFrame"]')].filter(f => f.checkVisibility());
  return frames.length > 0 && frames.every(frame => frame.querySelector('table[role="grid"]')); }"""
_PRINT_ROWS = """() => [...document.querySelectorAll('.print-only table')].filter(table => table.checkVisibility())
  .map(table => table.tBodies[0].rows.length)"""
_TOO_WIDE = """(limit) => [...document.querySelectorAll('.print-only, .print-table, .stPlotlyChart, [data-testid="stMain"] h1')]
  .filter(e => e.getBoundingClientRect().right > limit + 1 || e.scrollWidth > e.clientWidth + 1)
  .map(e => e.className || e.tagName)"""
_CHART_WIDTHS = """() => [...document.querySelectorAll('.stPlotlyChart')].map(chart => {
  const box = chart.closest('[data-testid="stElementContainer"]') || chart;
  return chart.getBoundingClientRect().width * (Number(box.style.zoom) || 1); })"""


def _pages_in_pdf(pdf: bytes) -> int:
    return len(re.findall(rb"/Type\s*/Page\b(?!s)", pdf))


@pytest.mark.parametrize("name", PAGES)
def test_print_media_shows_no_sidebar_and_no_clipped_table(page, app_url, tmp_path, name):
    open_signed_in(page, app_url)
    if name != "Overview":
        go_to(page, name)
    page.wait_for_function(_GRIDS_DRAWN)
    on_screen = page.evaluate(_GRID_ROWS)
    assert on_screen, f"{name}: no table on screen"
    assert page.evaluate(_PRINT_ROWS) == []  # on screen only the dataframes

    page.emulate_media(media="print")
    expect(page.get_by_test_id("stSidebar")).to_be_hidden()
    expect(page.get_by_test_id("stHeader")).to_be_hidden()
    for hidden in ("stDataFrame", "stDownloadButton", "stButton"):
        for index in range(page.get_by_test_id(hidden).count()):
            expect(page.get_by_test_id(hidden).nth(index)).to_be_hidden()
    assert page.evaluate(_PRINT_ROWS) == on_screen  # every table, every row it holds

    # Printing begins with the page as wide as the window: each chart is zoomed to the paper.
    page.evaluate("() => window.dispatchEvent(new Event('beforeprint'))")
    assert all(width <= PRINTED_WIDTH_PX + 1 for width in page.evaluate(_CHART_WIDTHS))
    page.evaluate("() => window.dispatchEvent(new Event('afterprint'))")

    # At the width of an A4 page inside its margins nothing is cut at the side.
    page.set_viewport_size({"width": PRINTED_WIDTH_PX, "height": 1100})
    page.wait_for_selector(READY)
    page.wait_for_timeout(500)  # the charts are drawn again at the new width
    assert page.evaluate(_TOO_WIDE, PRINTED_WIDTH_PX) == []
    assert page.evaluate(_PRINT_ROWS) == on_screen

    pdf = tmp_path / f"{name}.pdf"
    page.pdf(path=str(pdf), format="A4", print_background=True)
    printed = pdf.read_bytes()
    assert printed.startswith(b"%PDF") and _pages_in_pdf(printed) >= 1
    if name == "Audit trail":  # the demo's 25 events: a table longer than a page goes on over pages
        assert sum(on_screen) >= 25 and _pages_in_pdf(printed) > 1
