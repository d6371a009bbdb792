"""The tracker's own refusals, as a page shows them, in Welsh (``?lang=cy``):
a title holding a hidden character and a ref with a space on the Record
page's save (``tracker.core.limits``), a damaged workbook on the Import page
(``tracker.files.xlsx_parts``), and a change refused because an admin took
the role away while the page was open (``PermissionDenied.said``). The same
refusals are English in the CLI and the API
(tests/unit/test_core_refusals_in_welsh.py).
"""

from __future__ import annotations

import io
import zipfile

import pytest
from streamlit.testing.v1 import AppTest

from db.session import make_engine
from tests.actors import ADMIN
from tests.app.conftest import APP
from tests.app.forms import fill_new_announcement
from tracker import accounts
from tracker.i18n import speaking

pytestmark = pytest.mark.markup  # what a page says, the same on every database

HIDDEN = "disgwyliwyd testun heb nodau rheoli cudd: cafwyd U+202E (RIGHT-TO-LEFT OVERRIDE) yn safle 10"
NOT_A_REF = "disgwyliwyd cyfeirnod o lythrennau, digidau a - \\_ . / : (heb fylchau)"  # (as markdown: \\_)
DAMAGED = (
    "ni ellid ei darllen fel llyfr gwaith XLSX (nid yw'n ffeil zip, fel y mae pob ffeil XLSX, neu mae ei zip "
    "wedi'i difrodi neu'n anghyflawn)"
)


def _welsh(page: str) -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60)
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page(page).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _damaged_workbook() -> bytes:
    """An XLSX file cut short: its zip is not whole."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>" * 200)
    return out.getvalue()[:100]


def _take_roles(username: str, roles: list[str], url: str) -> None:
    """An admin gives ``username`` only ``roles``, while their page is open."""
    engine = make_engine(url)
    try:
        accounts.set_roles(username, roles, engine=engine, actor=ADMIN)
    finally:
        engine.dispose()


def test_a_title_with_a_hidden_character_and_a_ref_with_a_space_are_refused_in_welsh_on_the_record_page() -> None:
    # (a title too long cannot be typed: the box takes at most LIMITS["title"] characters)
    at = _welsh("app_pages/record.py")
    fill_new_announcement(at)
    at.text_input(key="record_a_ref").input("A 7")
    at.text_input(key="record_a_title").input("Data unit\u202e for councils")
    at.button(key="record_a_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    beside = [e.value for e in at.error]
    assert any(said.startswith("Teitl: ") and HIDDEN in said for said in beside), beside
    assert any(said.startswith("Cyfeirnod: ") and NOT_A_REF in said for said in beside), beside
    assert not any("expected" in said or "characters" in said for said in beside), beside


def test_a_damaged_workbook_is_refused_in_welsh_on_the_import_page() -> None:
    at = _welsh("app_pages/import_data.py")
    with speaking("cy"):  # the choice is sent as its label, which the test's thread makes too
        at.segmented_control(key="import_kind").set_value("commitments").run()
        at.file_uploader(key="import_file").set_value(("commitments.xlsx", _damaged_workbook(), "")).run()
    assert not at.exception, [e.value for e in at.exception]
    problems = next(
        df.value for df in at.dataframe if list(df.value.columns) == ["line", "column", "value", "expected"]
    )
    assert list(problems["line"]) == ["ffeil"]
    assert list(problems["expected"]) == [DAMAGED]
    assert at.button(key="import_confirm").disabled


def test_a_change_refused_for_a_role_taken_away_meanwhile_is_said_in_welsh(app_as, app_database) -> None:
    at = app_as("editor")
    at.query_params["lang"] = "cy"
    at.run()
    at.switch_page("app_pages/change.py").run()
    at.segmented_control(key="change_kind").set_value("Commitment").run()
    next(box for box in at.selectbox if box.key and box.key.startswith("change_pick_")).set_value("W5").run()
    _take_roles("editor-user", ["finance"], app_database)  # finance keeps the page, not commitments
    at.text_input(key="change_f_purpose").input("Mine")
    at.button(key="change_save").click().run()
    assert not at.exception, [e.value for e in at.exception]
    said = [e.value for e in at.error]
    assert "nid yw editor-user yn cael diweddaru ymrwymiad: mae angen y rôl golygydd" in said, said
