"""The finding pages (Search, Areas, Organisations, Announcements, Deleted records, Audit trail) in Welsh:
every string they show comes from the message catalogue, and the catalogue's Welsh is what is shown."""

import os

import pytest
from streamlit.testing.v1 import AppTest

from db.session import make_engine
from tests.actors import ADMIN
from tests.app.conftest import APP
from tests.app.untranslated import marked_catalogue, stored_words, untranslated
from tracker.i18n import speaking
from tracker.records import deletion, editing

pytestmark = pytest.mark.markup  # what a page says, the same on every database


PAGES = [
    "app_pages/search.py",
    "app_pages/areas.py",
    "app_pages/organisations.py",
    "app_pages/announcements.py",
    "app_pages/deleted.py",
]


def _welsh(page: str, *, marked: bool = False, monkeypatch: pytest.MonkeyPatch | None = None) -> AppTest:
    if marked:
        assert monkeypatch is not None
        marked_catalogue(monkeypatch)
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page(page).run()
    assert not at.exception
    return at


@pytest.mark.parametrize("page", PAGES)
def test_every_string_on_the_page_comes_from_the_catalogue(page, app_database, monkeypatch):
    at = _welsh(page, marked=True, monkeypatch=monkeypatch)
    assert untranslated(at, stored_words(app_database)) == []


def test_search_results_come_from_the_catalogue(app_database, monkeypatch):
    at = _welsh("app_pages/search.py", marked=True, monkeypatch=monkeypatch)
    at.text_input(key="search_text").input("digital").run()
    assert not at.exception
    assert at.header  # results were found, each kind a heading
    assert untranslated(at, stored_words(app_database)) == []
    at.text_input(key="search_text").input("digital zebra").run()
    assert untranslated(at, stored_words(app_database)) == []


def test_search_in_welsh(app_database):
    at = _welsh("app_pages/search.py")
    assert at.title[0].value == "Chwilio"
    assert at.text_input(key="search_text").label == "Chwilio am"
    assert "Teipiwch air neu ddau" in at.info[0].value
    at.text_input(key="search_text").input("digital squads").run()
    assert any(h.value.startswith("Ymrwymiadau: 1") for h in at.header)
    at.text_input(key="search_text").input("digital zebra").run()
    assert "Nid oes dim yn cynnwys pob gair o “digital zebra”" in at.info[0].value


def test_areas_in_welsh(app_database):
    at = _welsh("app_pages/areas.py")
    assert at.title[0].value == "Ardaloedd"
    assert at.selectbox(key="areas_pick").label == "Ardal"
    assert [m.label for m in at.metric] == ["Ymrwymwyd", "Cyflawnwyd", "Wedi'i rannu ag ardaloedd eraill"]
    assert "**Fesul blwyddyn ariannol**" in [m.value for m in at.markdown]


def _choose_organisation(at: AppTest, name: str) -> AppTest:
    picker = at.selectbox(key="organisation_pick")
    picker.set_value(next(key for key in picker.options if name in key))
    at.run()
    assert not at.exception
    return at


def test_an_organisations_page_comes_from_the_catalogue(app_database, monkeypatch):
    at = _choose_organisation(
        _welsh("app_pages/organisations.py", marked=True, monkeypatch=monkeypatch), "Welsh Government"
    )
    assert at.metric  # its money is shown
    assert untranslated(at, stored_words(app_database)) == []


def test_organisations_in_welsh(app_database):
    at = _welsh("app_pages/organisations.py")
    assert at.title[0].value == "Sefydliadau"
    assert "Dewiswch sefydliad uchod i weld ei dudalen." in [i.value for i in at.info]
    at = _choose_organisation(at, "Welsh Government")
    assert [t.label for t in at.tabs] == ["Ariannwyd", "Derbyniwyd"]
    assert "Cyhoeddiadau a wnaeth" in [s.value for s in at.subheader]
    assert any(c.value.startswith("Dim dynodydd wedi'i gofnodi; math: cyllidwr") for c in at.caption)


@pytest.mark.parametrize("ref", ["A1", "A2", "A6"])  # quote, schedule, deliveries; a re-announcement; no money
def test_an_announcements_detail_comes_from_the_catalogue(ref, app_database, monkeypatch):
    at = _welsh("app_pages/announcements.py", marked=True, monkeypatch=monkeypatch)
    at.selectbox(key="announcements_pick").set_value(ref).run()
    assert not at.exception
    assert at.header  # its detail is open
    assert untranslated(at, stored_words(app_database)) == []


def test_announcements_in_welsh(app_database):
    at = _welsh("app_pages/announcements.py")
    assert at.title[0].value == "Cyhoeddiadau"
    assert at.multiselect(key="announcements_status").placeholder == "Unrhyw statws"
    assert any(" cyhoeddiad a ddangosir. **Prif ffigur**" in c.value for c in at.caption)
    at.selectbox(key="announcements_pick").set_value("A1").run()
    assert any(m.value.startswith("Cyhoeddwyd ar ") and " Hydref " in m.value for m in at.markdown)
    assert "Arian fesul blwyddyn ariannol" in [s.value for s in at.subheader]
    assert [m.label for m in at.metric] == ["Prif ffigur", "Arian newydd", "Cyflawnwyd hyd yma"]


def _delete(kind: str, ref: str) -> None:
    db = make_engine(os.environ["TRACKER_DATABASE_URL"])
    try:
        editable = editing.load_for_edit(kind, ref, engine=db)
        deletion.delete(kind, ref, expected_version=editable.version, engine=db, actor=ADMIN)
    finally:
        db.dispose()


def test_the_deleted_records_and_restoring_come_from_the_catalogue(app_database, monkeypatch):
    _delete("delivery", "D2")
    at = _welsh("app_pages/deleted.py", marked=True, monkeypatch=monkeypatch)
    assert at.dataframe  # the deleted record is listed
    assert untranslated(at, stored_words(app_database)) == []
    at.selectbox(key="deleted_pick").set_value("delivery:D2").run()
    at.button(key="deleted_restore").click().run()
    assert not at.exception and at.success
    assert untranslated(at.main, stored_words(app_database)) == []


def test_deleted_records_in_welsh(app_database):
    at = _welsh("app_pages/deleted.py")
    assert at.title[0].value == "Cofnodion wedi'u dileu"
    assert [i.value for i in at.info] == ["Nid oes dim wedi'i ddileu."]
    _delete("delivery", "D2")
    at.run()
    assert at.dataframe[0].value["entity"].tolist() == ["Cofnod cyflawni"]
    assert at.selectbox(key="deleted_pick").options == ["Cofnod cyflawni D2"]
    at.selectbox(key="deleted_pick").set_value("delivery:D2").run()
    at.button(key="deleted_restore").click().run()
    assert at.success[0].value.startswith("Adferwyd cofnod cyflawni D2:")


def test_the_audit_trail_filtered_comes_from_the_catalogue(app_database, monkeypatch):
    at = _welsh("app_pages/audit.py", marked=True, monkeypatch=monkeypatch)
    with speaking("cy"):  # the widget's labels are made in the test's thread too
        at.multiselect(key="audit_entities").set_value(["commitments"]).run()
    assert not at.exception and len(at.dataframe[0].value) == 6  # the commitments' changes
    assert untranslated(at, stored_words(app_database)) == []
    at.text_input(key="audit_text").input("nothing like this").run()
    assert at.info  # nothing matches
    assert untranslated(at.main, stored_words(app_database)) == []


def test_audit_trail_in_welsh(app_database):
    at = _welsh("app_pages/audit.py")
    assert at.title[0].value == "Trywydd archwilio"
    assert "**25** newid wedi'u cofnodi." in [m.value for m in at.markdown]
    assert at.multiselect(key="audit_entities").placeholder == "Pob math o gofnod"
    with speaking("cy"):  # the widget's labels are made in the test's thread too
        at.multiselect(key="audit_entities").set_value(["commitments"]).run()
    assert "**6** o 25 newid sy'n cyfateb i'r hidlyddion hyn." in [m.value for m in at.markdown]
    with speaking("cy"):
        assert at.multiselect(key="audit_entities").format_func("commitments") == "Ymrwymiadau"


def test_an_empty_audit_trail_in_welsh(empty_database, app_database):
    at = _welsh("app_pages/audit.py")
    assert [i.value for i in at.info] == ["Dim newidiadau wedi'u cofnodi eto."]
