"""The account and admin pages in Welsh (AppTest, ``?lang=cy``): every
string they show comes from the catalogue, and a few say it in Welsh."""

from __future__ import annotations

import json

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP, TEST_ADMIN
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker import i18n
from tracker.records.problems import MUST_NOT_BE_BLANK, FieldProblem

pytestmark = pytest.mark.markup  # what a page says, the same on every database

PAGES = ["app_pages/account.py", "app_pages/users.py", "app_pages/manage_organisations.py", "app_pages/deflators.py"]


def _welsh(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_string_on_the_page_comes_from_the_catalogue(page, app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh(page)
    assert untranslated(at, stored_words(app_database)) == []


def test_the_account_page_in_welsh():
    at = _welsh("app_pages/account.py")
    assert at.title[0].value == "Cyfrif"
    assert [h.value for h in at.main.header] == ["Newid eich cyfrinair", "Allgofnodi"]
    assert "Wedi mewngofnodi fel" in at.markdown[0].value
    assert at.button(key="account_change").label == "Newid fy nghyfrinair"


def test_a_refused_password_change_is_said_in_welsh(monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/account.py")
    at.text_input(key="account_current").input("wrong")
    at.text_input(key="account_new").input("one thing")
    at.text_input(key="account_again").input("another")
    at.button(key="account_change").click().run()
    summary = next(h.proto.body for h in at.get("html") if "tracker-error-summary" in h.proto.body)
    assert "⟪There is a problem⟫" in summary
    assert "⟪Nothing was saved: put each of these right, then save again.⟫" in summary
    beside = [e.value for e in at.error]
    assert beside and all(v.startswith("⟪") for v in beside)


def test_the_sentences_of_a_refused_save_are_welsh():
    from dashboard.error_sentences import Name, sentence

    with i18n.speaking("cy"):
        assert sentence(FieldProblem("amount", "12x", "expected an amount"), Name("Swm", "y swm")).startswith("Swm:")
        assert sentence(FieldProblem("title", None, MUST_NOT_BE_BLANK), Name("Teitl", "y teitl")) == "Rhowch y teitl."
        said = sentence(FieldProblem("commitments[1].years", "0", "expected 1 to 50"), Name("Blynyddoedd"))
        assert said == "Blynyddoedd (ymrwymiad 2): expected 1 to 50 (rhoesoch '0')."


def test_a_user_picked_on_the_users_page_is_described_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/users.py")
    at.selectbox(key="users_pick").select(TEST_ADMIN).run()
    at.button(key="users_disable").click().run()  # refused: one's own account
    assert not at.exception
    assert untranslated(at, stored_words(app_database)) == []
    assert any("⟪you cannot disable your own account: ask another admin⟫" in e.value for e in at.error)


def test_the_users_page_in_welsh():
    at = _welsh("app_pages/users.py")
    assert at.title[0].value == "Defnyddwyr"
    assert [t.label for t in at.tabs] == ["Ychwanegu defnyddiwr", "Newid defnyddiwr"]
    assert at.multiselect(key="users_new_roles").options == ["Gwyliwr", "Adolygydd", "Cyllid", "Golygydd", "Gweinyddu"]
    at.multiselect(key="users_new_roles").select("Golygydd").run()
    assert at.multiselect(key="users_new_roles").value == ["editor"]  # the value kept is the role's key
    at.button(key="users_add").click().run()
    assert any(e.value.startswith("Enw defnyddiwr: ") for e in at.error)  # the field named in Welsh


def test_an_organisation_picked_and_refused_is_said_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _welsh("app_pages/manage_organisations.py")
    at.selectbox(key="organisations_pick").select_index(0).run()
    at.text_input(key="organisations_name").input("").run()
    at.button(key="organisations_save").click().run()
    assert not at.exception
    assert untranslated(at, stored_words(app_database)) == []
    assert "⟪Enter {what}.⟫" not in [e.value for e in at.error]  # filled, not shown as written
    assert at.error


def test_the_manage_organisations_page_in_welsh():
    at = _welsh("app_pages/manage_organisations.py")
    assert at.title[0].value == "Rheoli sefydliadau"
    assert [h.value for h in at.main.header] == ["Cywiro sefydliad", "Cyfuno dau sefydliad sy'n un corff"]
    assert at.button(key="organisations_do_merge").label == "Cyfuno"
    at.selectbox(key="organisations_pick").select_index(0).run()
    at.text_input(key="organisations_name").input("").run()
    at.button(key="organisations_save").click().run()
    assert any(e.value.startswith("Rhowch yr enw") or e.value.startswith("Enw:") for e in at.error)


def test_the_copy_link_button_speaks_welsh():
    at = _welsh("app_pages/account.py")
    bodies = [h.proto.body for h in at.get("html")]
    copy = next(body for body in bodies if "tracker-copy-link" in body)
    assert "Copïo dolen i'r olwg hon" in copy and json.dumps("Copïwyd y ddolen.") in copy
    assert json.dumps("Copïwch y ddolen hon: %LINK%") in copy  # the address goes in where the page copies it


def _refused_release(at: AppTest) -> AppTest:
    data = b"financial_year,index\n2023-24,100\n2024-25,-2\n2026-27,1\n"
    at.file_uploader(key="deflators_file_0").set_value(("release.csv", data, "text/csv")).run()
    at.text_input(key="deflators_name").input("Newydd")
    at.button(key="deflators_load").click().run()
    assert not at.exception
    return at


def test_the_deflators_page_says_a_refused_file_in_welsh():
    at = _welsh("app_pages/deflators.py")
    assert at.title[0].value == "Datchwyddwyr"
    _refused_release(at)
    assert at.error[0].value.startswith("**Ni chadwyd dim.**")
    expected = list(at.dataframe[1].value["expected"])
    assert any(e.startswith("disgwylid rhif positif") for e in expected)
    assert any(e.startswith("ar goll") for e in expected)


def test_every_string_of_a_refused_deflator_file_comes_from_the_catalogue(app_database, monkeypatch):
    marked_catalogue(monkeypatch)
    at = _refused_release(_welsh("app_pages/deflators.py"))
    assert untranslated(at, stored_words(app_database)) == []
