"""Every page in Welsh, the sidebar with it: nothing shown comes from outside the catalogue.

Each page is opened as the admin (who may open every page) with ``?lang=cy``
and a catalogue that marks every message it returns (tests/app/untranslated.py);
any word left outside a mark that is not the data itself is English the
catalogue never saw. The per-area tests (tests/app/test_*_in_welsh.py) open
more states of their pages; this one holds every page to the rule, the
sidebar (filters, search box, language switch, the signed-in line) included,
and the sign-in page and the accessibility statement for a signed-out visitor.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from dashboard.navigation import PAGES, STATEMENT
from tests.app.conftest import APP
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker.figures.listed_values import COLUMNS, LISTS
from tracker.i18n import speaking

pytestmark = pytest.mark.markup  # what a page says, the same on every database


def _opened(page: str | None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    if page is not None:
        at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", [page.path for page in PAGES])
def test_every_word_on_the_page_and_its_sidebar_is_catalogued(page, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _opened(page)
    assert at.title, "the page drew no heading"
    assert untranslated(at, stored_words(app_database)) == []


@pytest.mark.usefixtures("signed_out")
@pytest.mark.parametrize("page", [None, STATEMENT.path], ids=["sign-in", "statement"])
def test_every_word_a_signed_out_visitor_sees_is_catalogued(page, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _opened(page)
    assert at.text_input or at.title, "the page drew nothing"
    assert untranslated(at, stored_words(app_database)) == []


def _stored_values_shown(at: AppTest) -> list[str]:
    """Cells of the closed lists' columns still holding an English stored value that has Welsh words."""
    found = []
    for table in at.dataframe:
        frame = getattr(table.value, "data", table.value)  # a Styler's frame
        for column in set(COLUMNS) & set(frame.columns):
            for value in frame[column].dropna().unique():
                parts = str(value).split(", ") if column in LISTS else [str(value)]
                with speaking("cy"):
                    welsh = [COLUMNS[column](part) for part in parts]
                found += [f"{column}: {part!r}" for part, said in zip(parts, welsh) if part and said != part]
    return found


@pytest.mark.parametrize("page", [page.path for page in PAGES])
def test_a_tables_listed_values_are_in_welsh(page):
    at = _opened(page)
    assert _stored_values_shown(at) == []
