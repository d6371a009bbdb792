"""Choosing the interface's language (AppTest): the address, the switch, the user's saved choice."""

from __future__ import annotations

import pytest
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import AuditEvent, User
from db.session import make_engine, read_session
from tests.app.conftest import APP, TEST_ADMIN, TEST_PASSWORD, offered, sign_in_as, user_id
from tests.app.untranslated import marked_catalogue, untranslated


@pytest.fixture
def db(app_database: str):
    engine = make_engine(app_database)
    yield engine
    engine.dispose()


def _open(lang: str | None = None) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    if lang is not None:
        at.query_params["lang"] = lang
    at.run()
    assert not at.exception
    return at


def _saved_language(db) -> str | None:
    with read_session(db) as session:
        return session.scalars(select(User.language).where(User.username == TEST_ADMIN)).one()


def test_the_sign_in_page_speaks_welsh_when_the_address_asks(signed_out):
    at = _open("cy")
    assert [title.value for title in at.title] == ["Mewngofnodi"]
    assert at.text_input(key="sign_in_username").label == "Enw defnyddiwr"
    assert at.segmented_control(key="language_switch").value == "cy"
    assert any("aros i siaradwr Cymraeg ei adolygu" in caption.value for caption in at.caption)


def test_english_is_the_default_and_says_nothing_of_review(signed_out):
    at = _open()
    assert [title.value for title in at.title] == ["Sign in"]
    assert at.segmented_control(key="language_switch").value == "en"
    assert not any("awaiting review" in caption.value for caption in at.caption)
    assert "lang" not in at.query_params


def test_the_language_asked_for_survives_signing_in(signed_out):
    at = _open("cy")
    at.text_input(key="sign_in_username").input(TEST_ADMIN)
    at.text_input(key="sign_in_password").input(TEST_PASSWORD)
    at.button(key="sign_in_submit").click().run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Trosolwg"]
    assert at.query_params["lang"] == "cy"


def test_the_navigation_names_the_pages_in_welsh(navigation):
    _open("cy")
    shown = offered(navigation)
    assert {"Trosolwg", "Cyhoeddiadau", "Cyflawni", "Adolygu", "Tablau cyllid"} <= set(shown)
    assert "Overview" not in shown


def test_switching_language_is_remembered_for_the_user_and_audited(db, app_database):
    at = _open()
    assert [title.value for title in at.title] == ["Overview"]
    at.segmented_control(key="language_switch").set_value("cy").run()
    assert not at.exception
    assert [title.value for title in at.title] == ["Trosolwg"]
    assert at.query_params["lang"] == "cy"
    assert _saved_language(db) == "cy"
    with read_session(db) as session:
        event = session.scalars(
            select(AuditEvent).where(AuditEvent.entity == "users").order_by(AuditEvent.id.desc())
        ).first()
    assert event is not None and event.actor == TEST_ADMIN
    assert event.before["language"] is None and event.after["language"] == "cy"

    # Another session of the same user, at an address that names no language, opens in Welsh.
    again = sign_in_as(AppTest.from_file(APP, default_timeout=60), user_id(app_database, TEST_ADMIN)).run()
    assert [title.value for title in again.title] == ["Trosolwg"]

    # An address that names a language wins over the saved one, without changing it.
    english = sign_in_as(AppTest.from_file(APP, default_timeout=60), user_id(app_database, TEST_ADMIN))
    english.query_params["lang"] = "en"
    english.run()
    assert [title.value for title in english.title] == ["Overview"]
    assert _saved_language(db) == "cy"


def test_an_unknown_language_in_the_address_is_english(signed_out):
    at = _open("xx<script>")
    assert [title.value for title in at.title] == ["Sign in"]


# --- nothing on a translated page escapes the catalogue -------------------------------------------


def test_every_string_of_the_sign_in_page_comes_from_the_catalogue(signed_out, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _open("cy")
    assert at.title[0].value == "⟪Sign in⟫"
    assert untranslated(at) == []


def test_text_the_catalogue_never_saw_is_found(signed_out, monkeypatch):
    """The check itself: a page's own English, outside the catalogue, is named."""
    marked_catalogue(monkeypatch)
    at = _open("cy")
    monkeypatch.setattr(type(at.caption[0]), "value", property(lambda self: "Figures as at 27 November 2026."))
    assert untranslated(at), "an English caption was not found"
