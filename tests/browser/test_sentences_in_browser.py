"""Every sentence agrees with its tables, as a person reads the page in
Chromium: each page that states figures in words, opened from a link under
two different filters (one year; one recipient), then every amount its text,
captions, notices and tiles state is looked for among the figures of the
tables on the same page (a cell, a column's total, or its size when
negative), to within the rounding of the short form it is written in.

The figures are read from each table's print copy (dashboard/tables.py):
the rows and columns the dataframe shows, written as on screen. The same
check runs without a browser, with the row-by-row checks of the Overview and
the Delivery page, in tests/app/test_sentences_match_tables.py.
"""

from __future__ import annotations

from urllib.parse import urlencode

import pytest

from tests.app.test_sentences_match_tables import CDPS, mentions
from tests.browser.conftest import READY, open_signed_in

FILTERS = {"one year": {"fy": "2021-22"}, "one recipient": {"recipient": CDPS}}
PAGES = {
    "Overview": ("", {}),
    "Delivery": ("delivery", {}),
    "Announcement": ("announcements", {"ref": "A3"}),
    "Area": ("areas", {"code": "W92000004"}),
    "Organisation": ("organisations", {"id": "1"}),
}
# The tables of the tab in view (a tab not chosen is hidden), as the text of their cells by column.
_TABLES = """() => [...document.querySelectorAll('[data-testid="stMain"] .print-only table')]
  .filter(table => { const tab = table.closest('[role="tabpanel"]'); return !tab || tab.checkVisibility(); })
  .map(table => { const rows = [...table.tBodies[0].rows].map(row => [...row.cells].map(cell => cell.innerText));
                  return rows.length ? rows[0].map((_, i) => rows.map(row => row[i])) : []; })"""
# What the page says in words: text, captions, notices and the tiles, where a person can see them.
_SAID = """() => [...document.querySelectorAll(
    '[data-testid="stMain"] [data-testid="stMarkdownContainer"], [data-testid="stMain"] [data-testid="stMetric"]')]
  .filter(e => e.checkVisibility() && !e.closest('.print-only')).map(e => e.innerText)"""


def figures(tables: list[list[list[str]]]) -> set[int]:
    """Every money figure of the tables in pence: money cells and each money
    column's total, money stated in a cell's words, and the size of a negative one."""
    found: set[int] = set()
    for table in tables:
        for column in table:
            money = [mentions(cell)[0][0] for cell in column if cell.strip().startswith(("£", "-£"))]
            found.update(money)
            if money:
                found.add(sum(money))
            found.update((low + high) // 2 for cell in column for low, high in mentions(cell))
    return found | {-figure for figure in found if figure < 0}


@pytest.mark.parametrize("filtered", FILTERS, ids=list(FILTERS))
@pytest.mark.parametrize("name", PAGES, ids=list(PAGES))
def test_every_amount_a_page_states_in_words_is_in_its_tables(page, app_url, name: str, filtered: str) -> None:
    open_signed_in(page, app_url)
    path, record = PAGES[name]
    page.goto(f"{app_url.rstrip('/')}/{path}?{urlencode({**record, **FILTERS[filtered]})}")
    page.wait_for_selector(READY)
    page.wait_for_selector('[data-testid="stMain"] .print-only table', state="attached")
    shown = figures(page.evaluate(_TABLES))
    assert shown, f"{name} under {filtered}: no money in its tables"
    said = page.evaluate(_SAID)
    stated = [(text, low, high) for text in said for low, high in mentions(text)]
    assert stated, f"{name} under {filtered} states no amount in words: nothing was compared"
    unmatched = [text for text, low, high in stated if not any(low <= f <= high for f in shown)]
    assert not unmatched, f"{name} under {filtered}: amounts no table on the page shows:\n" + "\n".join(unmatched)
