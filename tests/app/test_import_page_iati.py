"""The Import page takes IATI activity XML: previewed with its deliveries and
budgets as rows, then imported on confirm; and the announcement's detail shows
the activity's budgets beside what it committed."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from db.models import Commitment, Delivery, PlannedBudget
from db.session import ensure_schema, read_session
from tests.app.conftest import APP
from tests.app.test_import_page import _count, _metrics

WORLD_VISION = Path(__file__).resolve().parents[1] / "fixtures" / "iati" / "worldvisionuk-2-activities.xml"


def test_an_iati_file_is_previewed_with_its_deliveries_and_budgets_and_imported(app_database):
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/import_data.py").run()
    at.segmented_control(key="import_kind").set_value("iati").run()
    uploader = at.file_uploader(key="import_file")
    assert list(uploader.allowed_type) == [".xml"]
    assert any("IATI standard" in text.value for text in at.markdown)
    before = (_count(app_database, Commitment), _count(app_database, Delivery))

    uploader.set_value((WORLD_VISION.name, WORLD_VISION.read_bytes(), "application/xml")).run()
    assert not at.exception
    assert _metrics(at)["To create"] == str(2 + 3 + 2)  # two activities, three disbursements, two budget sets
    summaries = list(at.dataframe[0].value["summary"])
    assert "3 budgets (original £228,836)" in summaries and "1 budget (original £40,127)" in summaries, summaries
    at.button(key="import_confirm").click().run()
    assert not at.exception
    assert (_count(app_database, Commitment), _count(app_database, Delivery)) == (before[0] + 2, before[1] + 3)
    with read_session(ensure_schema(app_database)) as session:
        assert len(session.scalars(select(PlannedBudget)).all()) == 4

    at.switch_page("app_pages/announcements.py").run()
    at.session_state["announcements_pick"] = "GB-CHC-285908-197126"
    at.run()
    assert not at.exception
    assert any(h.value == "Budgets and related activities (IATI)" for h in at.subheader)
    budgets = next(frame.value for frame in at.dataframe if "original" in frame.value.columns)
    assert list(budgets["label"]) == ["2011-12", "2012-13", "2013-14"]
