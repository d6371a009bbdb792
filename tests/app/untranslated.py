"""Finding text on a page that never went through the message catalogue.

``marked_catalogue(monkeypatch)`` replaces the Welsh catalogue with one that
returns every message wrapped in ``⟪ ⟫``; a page run with ``?lang=cy`` then
shows every catalogued string marked, its placeholders filled. What is left
once the marked parts, the data the page shows (names, titles, quoted words)
and numbers, money, dates, refs and financial years are taken out must hold
no word: any word left is English the catalogue never saw.
"""

from __future__ import annotations

import gettext
import re
from collections.abc import Iterable

import pytest
from streamlit.testing.v1 import AppTest

from tracker import i18n

OPEN, CLOSE = "⟪", "⟫"
MARKED = re.compile(f"{OPEN}[^{OPEN}{CLOSE}]*{CLOSE}")
# Not words: money (£1.5m, £500k), numbers, dates in digits, refs (A7, W-12), financial years, codes.
NOT_WORDS = re.compile(r"£?-?[\d][\d,.:/-]*[kmbn%]*|\b\w*\d\w*\b|https?://\S+")
WORD = re.compile(r"[^\W\d_]{2,}")
# Named in their own language on purpose: the language switch.
OWN_NAMES = ("Language / Iaith", "English", "Cymraeg")


class _Marked(gettext.NullTranslations):
    def gettext(self, message: str) -> str:
        return f"{OPEN}{message}{CLOSE}"

    def ngettext(self, singular: str, plural: str, n: int) -> str:
        return f"{OPEN}{singular if n == 1 else plural}{CLOSE}"


def marked_catalogue(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(i18n, "translations", lambda language: _Marked())


def _texts(at: AppTest) -> Iterable[tuple[str, str]]:
    """(what, text) for every text the page shows a person, but tables and free HTML."""
    for kind in ("title", "header", "subheader", "caption", "markdown", "info", "warning", "error", "success"):
        for element in getattr(at, kind):
            yield kind, str(element.value)
    for element in at.metric:
        yield "metric label", str(element.label)
    for kind in (
        "button",
        "text_input",
        "text_area",
        "number_input",
        "selectbox",
        "multiselect",
        "checkbox",
        "toggle",
        "radio",
        "date_input",
        "select_slider",
        "segmented_control",
    ):
        for widget in getattr(at, kind):
            for field in ("label", "help", "placeholder"):
                value = getattr(widget, field, None)
                if isinstance(value, str) and value:
                    yield f"{kind} {field}", value
    for expander in at.expander:
        yield "expander", str(expander.label)
    for tab in at.tabs:
        yield "tab", str(tab.label)


def untranslated(at: AppTest, data: Iterable[str] = ()) -> list[str]:
    """Every text on the page holding a word the catalogue never saw, saying where."""
    known = sorted((value for value in data if value), key=len, reverse=True)
    found = []
    for what, text in _texts(at):
        left = text
        while MARKED.search(left):  # innermost first: a message's values may be messages too
            left = MARKED.sub(" ", left)
        for value in known:
            left = left.replace(value, " ")
        for name in OWN_NAMES:
            left = left.replace(name, " ")
        left = NOT_WORDS.sub(" ", left)
        if WORD.search(left):
            found.append(f"{what}: {text!r}")
    return found


def stored_words(url: str) -> list[str]:
    """Every text the database at ``url`` holds that a page may show as it is (data, never translated):
    titles, quoted words, notes, purposes, programmes, names, refs, usernames, place names."""
    from sqlalchemy import create_engine, text

    from tracker.core import places

    queries = (
        "SELECT ref, title, quote, notes, made_by, source_url FROM announcements",
        "SELECT ref, purpose, programme, notes FROM commitments",
        "SELECT name, org_identifier, notes FROM organisations",
        "SELECT name FROM organisation_names",
        "SELECT ref, note, evidence_url FROM deliveries",
        "SELECT ref, title, achieved_note, source_url FROM milestones",
        "SELECT username, email FROM users",
    )
    engine = create_engine(url)
    found: set[str] = set()
    try:
        with engine.connect() as connection:
            for query in queries:
                for row in connection.execute(text(query)):
                    found.update(str(value) for value in row if value)
    finally:
        engine.dispose()
    for area in places.principal_areas().values():
        found.update((area.code, area.name_en, area.name_cy))
    for code in (places.WALES, "K02000001"):
        found.update((places.area_name(code), places.area_name(code, welsh=True)))
    return sorted(found)
