"""The Import page takes 360Giving grants: a JSON data package (or the
flattened CSV/XLSX) previewed, its notes shown, then imported on confirm."""

from __future__ import annotations

import json

from streamlit.testing.v1 import AppTest

from db.models import Commitment
from tests.app.conftest import APP
from tests.app.test_import_page import _count, _metrics

GRANT = {
    "id": "360G-page-1",
    "title": "Digital skills",
    "description": "Training for council staff",
    "currency": "GBP",
    "amountAwarded": 25000,
    "awardDate": "2021-06-01T00:00:00+01:00",
    "recipientOrganization": [{"id": "GB-CHC-1234567", "name": "Skills Charity"}],
    "fundingOrganization": [{"id": "GB-CHC-7654321", "name": "A Trust"}],
}
PACKAGE = json.dumps({"grants": [GRANT, GRANT]}).encode()


def test_a_360giving_package_is_previewed_with_its_note_and_imported(app_database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    at.segmented_control(key="import_kind").set_value("360giving").run()
    uploader = at.file_uploader(key="import_file")
    assert sorted(uploader.allowed_type) == [".csv", ".json", ".xlsx"]
    assert any("360Giving standard" in text.value for text in at.markdown)
    before = _count(app_database, Commitment)

    uploader.set_value(("grants.json", PACKAGE, "application/json")).run()
    assert not at.exception
    assert _metrics(at)["To create"] == "1"
    assert any("repeats line 1 exactly: imported once" in warning.value for warning in at.warning)
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert _count(app_database, Commitment) == before + 1
