"""An announcement's Welsh title and quote on the Announcements page (AppTest): a Welsh
reader sees the Welsh where it was recorded; a reader of either language shown the other's
words is told so, and the words carry their own ``lang`` for screen readers."""

from __future__ import annotations

from sqlalchemy import create_engine, update
from streamlit.testing.v1 import AppTest

from db.models import Announcement
from tests.app.conftest import APP

PAGE = "app_pages/announcements.py"
TITLE_CY = "Prif Swyddog Digidol a Chronfa Trawsnewid Digidol Llywodraeth Leol"
QUOTE_CY = "bydd dros £1m ar gael"


def _record_welsh(url: str, ref: str, **welsh: str) -> None:
    engine = create_engine(url)
    try:
        with engine.begin() as connection:
            connection.execute(update(Announcement).where(Announcement.ref == ref).values(**welsh))
    finally:
        engine.dispose()


def _opened(ref: str, language: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = language
    at.run()
    at.switch_page(PAGE).run()
    at.selectbox(key="announcements_pick").set_value(ref).run()
    assert not at.exception
    return at


def _quotes(at: AppTest) -> list[str]:
    return [element.proto.body for element in at.get("html") if "tracker-quote" in element.proto.body]


def test_a_welsh_reader_sees_the_welsh_title_in_the_list_and_the_detail(app_database):
    _record_welsh(app_database, "A1", title_cy=TITLE_CY, quote_cy=QUOTE_CY)
    at = _opened("A1", "cy")
    assert TITLE_CY in at.header[0].value
    assert TITLE_CY in list(at.dataframe[0].value["title"])
    assert any(QUOTE_CY in m.value for m in at.markdown)  # in the reader's language: plain Markdown
    assert not _quotes(at)
    assert not any("yn unig" in c.value for c in at.caption)  # nothing to say

    english = _opened("A1", "en")
    assert TITLE_CY not in english.header[0].value  # the English reader keeps the English
    assert any("over £1m" in m.value for m in english.markdown)


def test_words_only_in_the_other_language_are_marked_and_said_to_be(app_database):
    _record_welsh(app_database, "A1", quote=None, quote_cy=QUOTE_CY)
    at = _opened("A1", "en")
    [quote] = _quotes(at)
    assert 'lang="cy"' in quote and QUOTE_CY in quote
    assert any(c.value == "Only in Welsh: no English was recorded." for c in at.caption)

    welsh = _opened("A1", "cy")  # the title was recorded only in English
    assert any(c.value == "Yn Saesneg yn unig: ni chofnodwyd Cymraeg." for c in welsh.caption)
