"""Recording new data through the Record page (demo data loaded)."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from streamlit.testing.v1 import AppTest

from dashboard.components import NEW_ORGANISATION
from dashboard.forms import ANNOUNCEMENT, COMMITMENT, DELIVERY, MILESTONE, Kind
from tests.app.forms import fill_delivery, fill_new_announcement
from tracker.core.limits import LIMITS

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
    assert _yearly(at) == {
        "2020-21": "1500000.00",
        "2021-22": "5400000.00",
        "2022-23": "6650000.00",
        "2023-24": "250000.00",
    }


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
    at.selectbox(key="record_m_commitment_ref").set_value("W7")
    at.text_input(key="record_m_ref").input("M3")
    at.text_input(key="record_m_title").input("Five projects funded")
    at.text_input(key="record_m_due_on").input("31/02/2023")
    at.button(key="record_m_save").click().run()
    assert "'31/02/2023': no such date (expected a date like 2019-10-31 or 31/10/2019)" in [e.value for e in at.error]
    assert not at.success

    at.text_input(key="record_m_due_on").input("30/09/2022")
    at.button(key="record_m_save").click().run()
    assert not at.exception and "Saved milestone M3 on W7" in at.success[0].value
    at.switch_page("app_pages/overview.py").run()
    assert "Five projects funded" in list(at.dataframe[1].value["title"])


def test_every_text_box_stops_typing_at_the_limit_a_save_enforces():
    at = _record()
    boxes = {box.key: box for box in [*at.text_input, *at.text_area]}
    for prefix, form in (
        ("record_a_", ANNOUNCEMENT),
        ("record_c0_", COMMITMENT),
        ("record_d_", DELIVERY),
        ("record_m_", MILESTONE),
    ):
        for field in form.fields:
            if field.kind in (Kind.TEXT, Kind.AREA):
                assert boxes[prefix + field.name].max_chars == LIMITS[field.name], prefix + field.name
    quote = at.text_area(key="record_a_quote")
    assert quote.max_chars == 5_000
    quote.input("x" * 100_000).run()
    assert at.text_area(key="record_a_quote").value == ""  # refused whole, as the browser refuses the keystrokes
    at.text_area(key="record_a_quote").input("x" * 5_000).run()
    assert at.text_area(key="record_a_quote").value == "x" * 5_000

    at.selectbox(key="record_a_funder").set_value(NEW_ORGANISATION).run()
    assert at.text_input(key="record_a_funder_new").max_chars == LIMITS["funder"]


def test_a_recurring_commitment_with_a_yearly_uplift_rises_in_the_schedule():
    at = _record()
    fill_new_announcement(at, "01/02/2022", years=2)
    at.text_input(key="record_c0_uplift_pct").input("10")
    at.selectbox(key="record_c0_capital_or_revenue").set_value("revenue")
    at.button(key="record_a_preview").click().run()
    assert not at.error
    assert at.dataframe[0].value.to_dict("records") == [
        {"ref": "W8", "2022-23": Decimal("250000.00"), "2023-24": Decimal("275000.00")}
    ]
