"""Recording new data through the Record page (demo data loaded)."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

from tests.app.forms import fill_delivery, fill_new_announcement

APP = str(Path(__file__).resolve().parents[2] / "dashboard" / "app.py")


def _record() -> AppTest:
    at = AppTest.from_file(APP, default_timeout=60).run()
    at.switch_page("app_pages/record.py").run()
    assert not at.exception
    return at


def _yearly(at: AppTest) -> dict[str, str]:
    at.switch_page("app_pages/overview.py").run()
    assert not at.exception
    return {row.label: f"{row.committed}" for row in at.dataframe[0].value.itertuples()}


def test_a_new_announcement_with_a_recurring_commitment_changes_the_overview_totals():
    at = _record()
    fill_new_announcement(at, "01/02/2022", years=2)
    at.button(key="record_a_preview").click().run()
    preview = at.dataframe[0].value
    assert list(preview.columns) == ["ref", "2022-23", "2023-24"]
    assert not at.error

    at.button(key="record_a_save").click().run()
    assert not at.exception
    assert "Saved announcement A7 with 1 commitment" in at.success[0].value
    assert _yearly(at) == {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6650000.00",
                           "2023-24": "250000.00"}


def test_an_impossible_date_is_shown_beside_its_field_and_nothing_is_saved():
    at = _record()
    fill_new_announcement(at, "31/02/2020", years=2)
    at.button(key="record_a_save").click().run()
    assert not at.exception
    messages = [e.value for e in at.error]
    assert "'31/02/2020': no such date (expected a date like 2019-10-31 or 31/10/2019)" in messages
    assert not at.success
    assert _yearly(at) == {"2020-21": "1500000.00", "2021-22": "5400000.00", "2022-23": "6400000.00"}


def test_a_delivery_recorded_on_the_page_counts_as_delivered():
    at = _record()
    fill_delivery(at)
    at.button(key="record_d_save").click().run()
    assert not at.exception and "Saved delivery D8 against W7" in at.success[0].value
    at.switch_page("app_pages/overview.py").run()
    delivered = {row.label: f"{row.delivered}" for row in at.dataframe[0].value.itertuples()}
    assert delivered["2022-23"] == "6350000.00"  # 5,950,000 illustrative + 400,000


def test_a_milestone_recorded_on_the_page_is_listed_and_a_bad_date_is_shown_beside_its_field():
    at = _record()
    at.selectbox(key="record_m_commitment").set_value("W7")
    at.text_input(key="record_m_ref").input("M3")
    at.text_input(key="record_m_title").input("Five projects funded")
    at.text_input(key="record_m_due").input("31/02/2023")
    at.button(key="record_m_save").click().run()
    assert "'31/02/2023': no such date (expected a date like 2019-10-31 or 31/10/2019)" in [e.value for e in at.error]
    assert not at.success

    at.text_input(key="record_m_due").input("30/09/2022")
    at.button(key="record_m_save").click().run()
    assert not at.exception and "Saved milestone M3 on W7" in at.success[0].value
    at.switch_page("app_pages/overview.py").run()
    assert "Five projects funded" in list(at.dataframe[1].value["title"])
