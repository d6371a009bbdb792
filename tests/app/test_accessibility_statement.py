"""The accessibility statement: open to everyone, in the form the 2018 Regulations ask, in both languages."""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.app.untranslated import marked_catalogue, untranslated
from tracker import accessibility

pytestmark = pytest.mark.markup  # what a page says, the same on every database

STATEMENT = "app_pages/accessibility.py"
SECTIONS = [
    "How accessible this tracker is",
    "What is not yet accessible",
    "Reporting accessibility problems",
    "Enforcement procedure",
    "How this tracker was tested",
]


def _statement(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang:
        at.query_params["lang"] = lang
    at.run()
    at.switch_page(STATEMENT).run()
    assert not at.exception
    return at


def test_a_signed_out_visitor_reads_the_statement_not_the_sign_in_form(signed_out):
    at = _statement()
    assert at.title[0].value == "Accessibility statement"
    assert [header.value for header in at.header] == SECTIONS
    assert not at.text_input  # no sign-in form
    text = " ".join(markdown.value for markdown in at.markdown)
    assert "Equality and Human Rights Commission" in text and "equalityadvisoryservice.com" in text
    assert "Web Content Accessibility Guidelines version 2.2 AA" in text
    for issue in accessibility.KNOWN_ISSUES:
        assert issue.upstream in text


def test_the_sign_in_page_links_to_it(signed_out):
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any(link.label == "Accessibility statement" for link in at.get("page_link"))


def test_it_says_where_to_report_a_problem_when_one_is_set(signed_out, monkeypatch):
    monkeypatch.setenv(accessibility.CONTACT_VARIABLE, "digital@wlga.example")
    text = " ".join(markdown.value for markdown in _statement().markdown)
    assert "contact: digital@wlga.example. We will reply within 5 working days." in text


def test_without_a_contact_it_says_who_to_tell(signed_out, monkeypatch):
    monkeypatch.delenv(accessibility.CONTACT_VARIABLE, raising=False)
    text = " ".join(markdown.value for markdown in _statement().markdown)
    assert "tell the administrator who runs this tracker for your organisation" in text


def test_it_names_the_pages_and_the_day_it_was_tested_in_welsh(signed_out):
    at = _statement("cy")
    assert at.title[0].value == "Datganiad hygyrchedd"
    text = " ".join(markdown.value for markdown in at.markdown)
    assert "Trosolwg, Cyhoeddiadau, Penawdau, Newydd ac wedi'i ailgylchu, Cyflawni, Adolygu, Tablau cyllid" in text
    assert "Defnyddwyr, Datchwyddwyr" in text
    assert "6 Rhagfyr 2026" in text
    assert "Comisiwn Cydraddoldeb a Hawliau Dynol" in text


def test_every_string_of_the_statement_comes_from_the_catalogue(signed_out, monkeypatch):
    marked_catalogue(monkeypatch)
    assert untranslated(_statement("cy")) == []


def test_a_signed_in_user_reaches_it_from_the_sidebar():
    at = AppTest.from_file(APP, default_timeout=60).run()
    assert any(link.label == "Accessibility statement" for link in at.sidebar.get("page_link"))
    at.switch_page(STATEMENT).run()
    assert at.title[0].value == "Accessibility statement"
