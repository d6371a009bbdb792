"""The figures' sentences on a page follow the reader's language, also when what
they are made from was worked out for a reader of the other language and kept
(Streamlit's caches and a loaded TrackerData are shared by every session).

Only the sentences the figures build (tracker/figures) are checked here; the
pages' own words are the pages' (demo data, signed in as the test admin).
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP

pytestmark = pytest.mark.markup  # what a page says, the same on every database


def _open(page: str, lang: str | None, **query: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang is not None:
        at.query_params["lang"] = lang
    for key, value in query.items():
        at.query_params[key] = value
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _texts(at: AppTest) -> list[str]:
    return [str(node.value) for node in (*at.markdown, *at.caption)]


def test_the_overviews_changes_and_milestones_are_said_in_each_readers_language() -> None:
    welsh = _texts(_open("app_pages/overview.py", "cy"))  # worked out and kept for a Welsh reader first
    english = _texts(_open("app_pages/overview.py", None))  # then read from the caches in English

    assert any(text.startswith("**Ers ") for text in welsh), welsh
    assert any(text.startswith("**Since ") for text in english), english
    assert any("carreg filltir yn hwyr" in text or "garreg filltir yn hwyr" in text for text in welsh), welsh
    assert any("milestone is overdue" in text or "overdue (longest" in text for text in english), english
    assert any(text.startswith("Newidiwyd y data ddiwethaf ar ") for text in welsh), welsh
    assert not any("Ers " in text or "carreg filltir" in text for text in english)


def test_an_announcements_sentences_are_said_in_welsh_and_the_english_kept_apart() -> None:
    welsh = _texts(_open("app_pages/announcements.py", "cy", ref="A3"))
    english = _texts(_open("app_pages/announcements.py", None, ref="A3"))

    assert any(text.startswith("Mae A3 yn cyhoeddi ") for text in welsh), welsh
    assert any(text.startswith("A3 announces ") for text in english), english
    assert not any("yn cyhoeddi" in text for text in english)


def test_an_areas_sentences_name_the_place_in_welsh() -> None:
    welsh = _texts(_open("app_pages/areas.py", "cy"))  # the demo's money names no area
    english = _texts(_open("app_pages/areas.py", None))
    assert any(text.startswith("Mae o leiaf £") and "ar gyfer ardal heb ei nodi mewn " in text for text in welsh)
    assert any("is committed for area not stated in " in text for text in english), english
    assert "Arian nad yw'n enwi unrhyw le." in welsh and "Money that names no place." in english

    cardiff = _texts(_open("app_pages/areas.py", "cy", code="W06000015"))
    assert "Does dim arian a gofnodwyd yn enwi Caerdydd (W06000015)." in cardiff, cardiff
    assert "Cod ONS W06000015; yn Saesneg, Cardiff." in cardiff, cardiff
