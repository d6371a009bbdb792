"""The Import page takes 360Giving grants: a JSON data package (or the
flattened CSV/XLSX) previewed, its notes shown, then imported on confirm."""

from __future__ import annotations

import json

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Commitment
from db.session import ensure_schema, read_session
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


PLANNED = (
    b"Identifier,Title,Currency,Amount Awarded,Award Date,Funding Org:Identifier,Funding Org:Name,"
    b"Planned Dates:Start Date,Planned Dates:End Date\n"
    b"P1,Two years,GBP,1000,2020-03-01,GB-CHC-1,Funder,2020-04-01,2022-03-31\n"
)


def test_the_page_offers_to_spread_grants_over_their_planned_dates(app_database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    at.segmented_control(key="import_kind").set_value("360giving").run()
    placing = at.radio(key="import_grants_placing")
    assert placing.value == "award-year" and list(placing.options) == [
        "In the financial year of its award date",
        "Spread over its planned dates (estimated)",
    ]
    at.file_uploader(key="import_file").set_value(("planned.csv", PLANNED, "text/csv")).run()
    assert "in 2019-20" in at.dataframe[0].value["summary"].iloc[0]  # its award year
    at.radio(key="import_grants_placing").set_value("planned-dates").run()
    assert not at.exception
    described = at.dataframe[0].value["summary"].iloc[0]
    assert "2019-20" not in described and "2020-21" in described, described
    at.button(key="import_confirm").click().run()
    assert not at.exception
    with read_session(ensure_schema(app_database)) as session:
        stored = session.scalars(select(Commitment).where(Commitment.ref == "P1")).one()
        assert (stored.kind, stored.spread) == ("multi-year", "planned-dates")
