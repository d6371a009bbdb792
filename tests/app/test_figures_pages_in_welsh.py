"""The figures pages (Overview, Finance tables, Delivery) and the frame they
show (the sidebar's search box and filters, the empty states) in Welsh: every
string a person sees comes from the message catalogue.

``marked_catalogue`` marks every catalogued message; any word left outside a
mark that is not stored data is English the catalogue never saw.
"""

from __future__ import annotations

import pytest
from streamlit.testing.v1 import AppTest

from tests.app.conftest import APP
from tests.app.test_delivery_revisions import revise
from tests.app.untranslated import marked_catalogue, stored_words, untranslated

pytestmark = pytest.mark.markup  # what a page says, the same on every database

PAGES = ["app_pages/overview.py", "app_pages/finance.py", "app_pages/delivery.py"]


def _open(page: str, lang: str = "cy") -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = lang
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_string_on_the_page_comes_from_the_catalogue(page, app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = _open(page)
    assert untranslated(at, stored_words(app_database)) == []


@pytest.mark.parametrize("page", PAGES)
def test_an_empty_page_says_so_from_the_catalogue(page, empty_database, app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = _open(page)
    assert untranslated(at, stored_words(app_database)) == []


def test_the_overview_and_its_sidebar_in_welsh() -> None:
    at = _open("app_pages/overview.py")
    assert at.title[0].value == "Trosolwg"
    assert at.sidebar.text_input[0].label == "Chwilio popeth"
    assert any(caption.value.startswith("Ffigurau ar **") for caption in at.sidebar.caption)
    assert "I ble mae'r arian yn mynd" in [header.value for header in at.header]
    assert at.segmented_control(key="overview_breakdown").label == "Dadansoddi yn ôl"
    assert at.segmented_control(key="overview_prices").label == "Prisiau"


def test_an_empty_overview_says_what_to_do_in_welsh(empty_database) -> None:
    at = _open("app_pages/overview.py")
    said = " ".join(info.value for info in at.info)
    assert "Nid oes ymrwymiadau wedi'u cofnodi eto. I'w hychwanegu, cofnodi cyhoeddiad" in said, said


def test_the_finance_tables_in_welsh() -> None:
    at = _open("app_pages/finance.py")
    assert at.title[0].value == "Tablau cyllid"
    assert at.caption[0].value.startswith("Ffigurau arian parod mewn punnoedd, yn union i'r geiniog, ar ")
    assert at.toggle[0].label == "Cyhoeddi fel 360Giving"


def test_empty_finance_tables_say_what_to_do_in_welsh(empty_database) -> None:
    at = _open("app_pages/finance.py")
    said = " ".join(info.value for info in at.info)
    assert "Dim ymrwymiadau i'w tablu: nid oes yr un wedi'i gofnodi eto." in said, said


def test_delivery_in_welsh() -> None:
    at = _open("app_pages/delivery.py")
    assert at.title[0].value == "Cyflawni"
    assert [tab.label for tab in at.tabs] == ["Fesul blwyddyn ariannol", "Fesul ymrwymiad"]
    assert "Proffiliau gwreiddiol a diwygiedig" in [header.value for header in at.header]


def test_an_empty_delivery_page_says_what_to_do_in_welsh(empty_database) -> None:
    at = _open("app_pages/delivery.py")
    said = " ".join(info.value for info in at.info)
    assert "Nid oes ymrwymiadau wedi'u cofnodi eto." in said, said


def test_the_overview_refusing_a_since_in_the_address_comes_from_the_catalogue(app_database, monkeypatch) -> None:
    marked_catalogue(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.query_params["since"] = "soon"
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    assert at.warning, "the refused date is said"
    assert untranslated(at, [*stored_words(app_database), "soon"]) == []


def test_a_revised_commitment_on_the_delivery_page_comes_from_the_catalogue(app_database, monkeypatch) -> None:
    revise("W3", "slippage", amount="£2m", first_year="2022-23")
    marked_catalogue(monkeypatch)
    at = _open("app_pages/delivery.py")
    assert at.selectbox(key="delivery_revised_commitment").value is not None
    assert untranslated(at, stored_words(app_database)) == []
